"""The clock keeps one job per engagement and kind, in the engagement's own time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.background import Background
from bot.db import transaction
from bot.deps import Deps
from bot.services import engagements
from scheduler.clock import EngagementJob, build_scheduler, sync_engagement_jobs
from tests.conftest import make_settings
from tests.helpers.factories import add_engagement


def weekly(engagement, zone):
    return CronTrigger(day_of_week=engagement.digest_weekday, hour=engagement.digest_time.hour,
                       minute=engagement.digest_time.minute, timezone=zone)


def noop(deps, engagement_id):
    return None


def test_jobs_follow_engagements_and_their_time_zones(session_factory, engine, database_url):
    deps = Deps(settings=make_settings(database_url, "http://127.0.0.1:9/api/"), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    spec = EngagementJob(kind="digest", trigger=weekly, run=noop)
    scheduler = build_scheduler(deps, blocking=False, jobs=[spec])
    acme = add_engagement(session_factory, name="acme", channel="C1", timezone="Europe/London")
    globex = add_engagement(session_factory, name="globex", channel="C2", timezone="America/New_York",
                            digest_weekday="mon")
    assert sync_engagement_jobs(scheduler, deps, [spec]) == 2
    job = scheduler.get_job(f"digest:{acme.id}")
    assert job.trigger.timezone == ZoneInfo("Europe/London")
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 16, tzinfo=ZoneInfo("UTC")))
    assert fire == datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Europe/London"))
    other = scheduler.get_job(f"digest:{globex.id}").trigger
    assert other.get_next_fire_time(None, datetime(2026, 11, 16, tzinfo=ZoneInfo("UTC"))) == datetime(
        2026, 11, 16, 16, 0, tzinfo=ZoneInfo("America/New_York"))

    with transaction(session_factory) as session:
        engagements.mark_team_uninstalled(session, team_id="T_TEST")
    assert sync_engagement_jobs(scheduler, deps, [spec]) == 0
    assert [job.id for job in scheduler.get_jobs()] == ["sync-engagements"]


def test_default_jobs_post_the_digest_and_statement_and_follow_changes(session_factory, engine, database_url):
    from bot.models import Engagement
    from scheduler.clock import default_jobs

    deps = Deps(settings=make_settings(database_url, "http://127.0.0.1:9/api/"), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    specs = default_jobs()
    scheduler = build_scheduler(deps, blocking=False)
    assert {job.id for job in scheduler.get_jobs()} == {"sync-engagements", "catch-up"}
    acme = add_engagement(session_factory, name="acme", channel="C1", timezone="Europe/London")
    sync_engagement_jobs(scheduler, deps, specs)
    monday = datetime(2026, 11, 16, tzinfo=ZoneInfo("UTC"))
    digest = scheduler.get_job(f"digest:{acme.id}").trigger
    assert digest.get_next_fire_time(None, monday) == datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Europe/London"))
    statement = scheduler.get_job(f"statement:{acme.id}").trigger
    assert statement.get_next_fire_time(None, monday) == datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))

    with transaction(session_factory) as session:
        row = session.get(Engagement, acme.id)
        row.digest_weekday = "mon"
        session.add(row)
    sync_engagement_jobs(scheduler, deps, specs)
    digest = scheduler.get_job(f"digest:{acme.id}").trigger
    assert digest.get_next_fire_time(None, monday) == datetime(2026, 11, 16, 16, 0, tzinfo=ZoneInfo("Europe/London"))
