"""APScheduler 3 set-up: one in-memory job store per process, per-engagement jobs in each engagement's zone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.db import transaction
from bot.deps import Deps
from bot.models import Engagement
from bot.services import engagements

logger = logging.getLogger(__name__)

SYNC_JOB_ID = "sync-engagements"
SYNC_MINUTES = 5
CATCH_UP_JOB_ID = "catch-up"
CATCH_UP_MINUTES = 10
# A job that wakes late (process busy, restarted) still runs within this window; the run claims keep it once.
MISFIRE_GRACE_SECONDS = 72 * 3600


@dataclass(frozen=True)
class EngagementJob:
    """A kind of scheduled work run for every engagement at a time of its own."""

    kind: str
    trigger: Callable[[Engagement, ZoneInfo], BaseTrigger]
    # (deps, engagement id) -> how many DMs or posts went out; APScheduler discards it, tests and callers read it.
    run: Callable[[Deps, int], int]


def default_jobs() -> list[EngagementJob]:
    """Every kind of per-engagement work the clock runs."""
    from scheduler import jobs

    return [
        EngagementJob(kind="budget-alerts", trigger=jobs.hourly, run=jobs.run_budget_alerts),
        EngagementJob(kind="question-reminders", trigger=jobs.every_five_minutes, run=jobs.run_question_reminders),
        EngagementJob(kind="digest", trigger=jobs.weekly_digest, run=jobs.run_weekly_digest),
        EngagementJob(kind="statement", trigger=jobs.first_business_days, run=jobs.run_monthly_statement),
        EngagementJob(kind="check-ins", trigger=jobs.hourly, run=jobs.run_checkins),
        EngagementJob(kind="reminders", trigger=jobs.hourly, run=jobs.run_reminders),
    ]


def build_scheduler(deps: Deps, *, blocking: bool, jobs: list[EngagementJob] | None = None) -> BaseScheduler:
    """A scheduler that keeps one job per engagement and kind in step with the database."""
    job_defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}
    scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone=UTC, job_defaults=job_defaults)
    specs = default_jobs() if jobs is None else jobs
    scheduler.add_job(sync_engagement_jobs, "interval", minutes=SYNC_MINUTES, id=SYNC_JOB_ID,
                      args=(scheduler, deps, specs), next_run_time=datetime.now(UTC))
    if jobs is None:  # a fresh process remembers no missed run: look for one explicitly, now and then regularly
        from scheduler.jobs import catch_up

        scheduler.add_job(catch_up, "interval", minutes=CATCH_UP_MINUTES, id=CATCH_UP_JOB_ID, args=(deps,),
                          next_run_time=datetime.now(UTC))
    return scheduler


def sync_engagement_jobs(scheduler: BaseScheduler, deps: Deps, specs: list[EngagementJob]) -> int:
    """Add, reschedule and remove per-engagement jobs to match the engagements; returns how many exist."""
    with transaction(deps.session_factory) as session:
        active = engagements.list_engagements(session)
    wanted: set[str] = set()
    for engagement in active:
        zone = ZoneInfo(engagement.timezone)
        for spec in specs:
            job_id = f"{spec.kind}:{engagement.id}"
            wanted.add(job_id)
            trigger = spec.trigger(engagement, zone)
            existing = scheduler.get_job(job_id)
            if existing is None:
                scheduler.add_job(spec.run, trigger, id=job_id, args=(deps, engagement.id),
                                  name=f"{spec.kind} for {engagement.name}")
            elif str(existing.trigger) != str(trigger):
                existing.reschedule(trigger)
    for job in scheduler.get_jobs():
        if job.id not in (SYNC_JOB_ID, CATCH_UP_JOB_ID) and job.id not in wanted:
            job.remove()
    logger.debug("scheduler holds %d engagement jobs", len(wanted))
    return len(wanted)
