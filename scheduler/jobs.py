"""Scheduled work. Each job claims its run in the database before it posts, so it happens once."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.flows import budget_alerts, checkins, process_name, reminders
from bot.flows.month_close import amend_all
from bot.flows.scheduled_posts import DIGEST, STATEMENT, PostResult, post_due
from bot.models import Engagement, utcnow
from bot.services import engagements
from scheduler.triggers import OncePerLocalDay

logger = logging.getLogger(__name__)


def run_budget_alerts(deps: Deps, engagement_id: int) -> int:
    """DM the CTO users any budget note due for the engagement; returns how many notes went out."""
    return budget_alerts.send_due(deps, engagement_id=engagement_id, claimed_by=process_name(), now=utcnow())


def run_question_reminders(deps: Deps, engagement_id: int) -> int:
    """DM the CTO users once per open question that has used 75 % of its first-response target."""
    return reminders.send_question_reminders(deps, engagement_id=engagement_id, claimed_by=process_name(),
                                             now=utcnow())


def run_checkins(deps: Deps, engagement_id: int) -> int:
    """DM the post-handover check-in that has come (monthly or quarterly after the end) to the CTO users and the
    internal owner, once each."""
    return checkins.send_due_checkin(deps, engagement_id=engagement_id, claimed_by=process_name())


def run_reminders(deps: Deps, engagement_id: int) -> int:
    """DM the vendor notice deadlines 14 days ahead (CTO users and internal owner) and, on Fridays, the week's
    systems without a handover note (CTO users), each once; returns how many DMs went out."""
    sent = reminders.send_vendor_notices(deps, engagement_id=engagement_id, claimed_by=process_name())
    return sent + reminders.send_system_nudge(deps, engagement_id=engagement_id, claimed_by=process_name())


def every_five_minutes(engagement: Engagement, zone: ZoneInfo) -> CronTrigger:
    """Every five minutes."""
    return CronTrigger(minute="*/5", timezone=zone)


def hourly(engagement: Engagement, zone: ZoneInfo) -> CronTrigger:
    """Every hour at :07 in the engagement's zone."""
    return CronTrigger(minute=7, timezone=zone)


def run_weekly_digest(deps: Deps, engagement_id: int) -> int:
    """Post the engagement's digest for the slot that just came (once, whichever process gets there first)."""
    results = post_due(deps, engagement_id=engagement_id, claimed_by=process_name(), kinds=(DIGEST,))
    _log_unposted(results)
    return sum(result.posted for result in results)


def run_monthly_statement(deps: Deps, engagement_id: int) -> int:
    """The month close at business start: on the first business day, last month's draft statement to the CTOs;
    at the end of the grace, the statement of a month nobody closed (each once). A grace ending after the 7th
    (more than four business days) is picked up by the catch-up, within ten minutes."""
    results = post_due(deps, engagement_id=engagement_id, claimed_by=process_name(), kinds=(STATEMENT,))
    _log_unposted(results)
    return sum(result.posted for result in results)


def _log_unposted(results: list[PostResult]) -> None:
    for result in results:
        if not result.posted:
            logger.info("%s %s not posted: %s", result.kind, result.period, result.reason)


def catch_up(deps: Deps, now: datetime | None = None) -> int:
    """Post every digest or statement whose slot passed within 72 h and is not posted: after downtime, after a
    poster died between its claim and its post, or after Slack rate-limited it. Runs when the clock starts and then
    every few minutes; one engagement's trouble never holds up the others."""
    with transaction(deps.session_factory) as session:
        ids = [e.id for e in engagements.list_engagements(session) if e.id is not None]
    posted = 0
    for engagement_id in ids:
        try:
            posted += sum(r.posted for r in post_due(deps, engagement_id=engagement_id, claimed_by=process_name(),
                                                     now=now))
            posted += amend_all(deps, engagement_id=engagement_id, claimed_by=process_name(), now=now)
        except Exception:
            logger.exception("catch-up for engagement %s failed", engagement_id)
    if posted:
        logger.info("catch-up posted %d digests or statements", posted)
    return posted


def weekly_digest(engagement: Engagement, zone: ZoneInfo) -> OncePerLocalDay:
    """The engagement's digest weekday and time, local."""
    slot = engagement.digest_time
    return OncePerLocalDay(day_of_week=engagement.digest_weekday, hour=slot.hour, minute=slot.minute, timezone=zone)


def first_business_days(engagement: Engagement, zone: ZoneInfo) -> OncePerLocalDay:
    """Business start on the business days among the 1st–7th; the job posts only on the first of them."""
    start = engagement.business_start
    return OncePerLocalDay(day="1-7", day_of_week=calendar.cron_weekdays(engagement.business_days),
                           hour=start.hour, minute=start.minute, timezone=zone)
