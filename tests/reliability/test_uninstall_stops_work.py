"""Uninstalling the app from a workspace (OAuth mode) stops its scheduled work; another workspace's goes on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.db import transaction
from bot.flows.scheduled_posts import post_digest, post_due
from bot.models import Engagement
from bot.services import timelog
from bot.services.logtime_parser import LogtimeRequest
from scheduler import jobs
from scheduler.clock import build_scheduler, default_jobs, sync_engagement_jobs
from tests.helpers.factories import add_engagement
from tests.helpers.waiting import eventually
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install

FRIDAY_10_LONDON = "1795168800.000100"  # Fri 20 Nov 2026 10:00 in London
FRIDAY_13_LONDON = datetime(2026, 11, 20, 13, 1, tzinfo=UTC)  # past 75 % of the 4 h first-response target
FRIDAY_1605_LONDON = datetime(2026, 11, 20, 16, 5, tzinfo=UTC)  # just after the default digest slot, Fri 16:00


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}


def busy_engagement(slack_app, name: str, channel: str, team: str) -> Engagement:
    """An engagement with 21 h logged this month (a budget alert due) and a question due for a reminder."""
    install(slack_app, team_id=team, team_name=name.title())
    engagement = add_engagement(slack_app.session_factory, name=name, channel=channel, team=team, ctos=("U1",))
    with transaction(slack_app.session_factory) as session:
        for day in range(2, 9):
            timelog.log_time(session, engagement=engagement, user_id="U1", today=date(2026, 11, day),
                             request=LogtimeRequest(minutes=180, category="build", work_date=date(2026, 11, day),
                                                    note=""))
    slack_app.slack.team_id = team
    event = {"type": "message", "channel": channel, "user": "U2", "text": f"{name}: is the restore tested?",
             "ts": FRIDAY_10_LONDON, "channel_type": "channel"}
    assert slack_app.slack.event(event).status == 200
    return engagement


def posts(slack_app) -> list[str]:
    return [call.args.get("text", "") for call in slack_app.fake.calls_to("chat.postMessage")]


def test_an_uninstalled_workspace_gets_no_digest_statement_alerts_reminders_or_jobs(slack_app, monkeypatch):
    monkeypatch.setattr(jobs, "utcnow", lambda: FRIDAY_13_LONDON)
    deps = slack_app.runtime.deps
    acme = busy_engagement(slack_app, "acme", "C1", "T_ACME")
    globex = busy_engagement(slack_app, "globex", "C2", "T_GLOBEX")
    slack_app.settle()
    slack_app.fake.reset()

    slack_app.slack.team_id = "T_ACME"
    assert slack_app.slack.event({"type": "app_uninstalled", "event_ts": "1795170000.000100"}).status == 200
    with slack_app.session_factory() as session:
        eventually(lambda: session.get(Engagement, acme.id, populate_existing=True).uninstalled_at)

    assert jobs.run_budget_alerts(deps, acme.id) == 0
    assert jobs.run_question_reminders(deps, acme.id) == 0
    assert post_due(deps, engagement_id=acme.id, claimed_by="test", now=FRIDAY_1605_LONDON) == []
    refused = post_digest(deps, engagement_id=acme.id, claimed_by="test", now=FRIDAY_1605_LONDON)
    assert not refused.posted and "uninstalled" in refused.reason
    assert posts(slack_app) == []
    scheduler = build_scheduler(deps, blocking=False)
    assert sync_engagement_jobs(scheduler, deps, default_jobs()) == len(default_jobs())
    assert {job.args[1] for job in scheduler.get_jobs() if job.args and len(job.args) == 2} == {globex.id}

    # The other workspace's identical work still goes out, so the silence above is the uninstall's doing.
    assert jobs.run_budget_alerts(deps, globex.id) == 1
    assert jobs.run_question_reminders(deps, globex.id) == 1
    [digest] = post_due(deps, engagement_id=globex.id, claimed_by="test", now=FRIDAY_1605_LONDON)
    assert digest.posted and digest.channel_id == "C2"
    assert any("globex" in text for text in posts(slack_app))
    assert not any("acme" in text.lower() for text in posts(slack_app))
