"""Scheduled work. Each job claims its run in the database before it posts, so it happens once."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot import checkins, reminders
from bot.db import transaction
from bot.deps import Deps
from bot.models import Engagement, utcnow
from bot.scheduled_posts import DIGEST, STATEMENT, PostResult, post_due
from bot.services import alerts, capture, runs
from bot.services.business_hours import add_business_hours
from bot.slack import alert_blocks
from bot.slack.capture_blocks import reminder_text
from scheduler.triggers import OncePerLocalDay

logger = logging.getLogger(__name__)


def process_name() -> str:
    """Who claims a run: host and process id, for the logs and the digest_run table."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_budget_alerts(deps: Deps, engagement_id: int) -> int:
    """DM the CTO users any budget alert due for the engagement; returns how many alerts went out."""
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        today = utcnow().astimezone(ZoneInfo(engagement.timezone)).date()
        due = alerts.claim_budget_alerts(session, engagement=engagement, today=today, claimed_by=process_name())
        team_id, ctos = engagement.team_id, list(engagement.cto_user_ids)
    if not due:
        return 0
    client = deps.slack_client(team_id)
    if client is None:
        logger.warning("no Slack token for workspace %s; %d budget alerts not sent", team_id or "?", len(due))
        return 0
    sent = 0
    for alert in due:
        message_ts = None
        for user_id in ctos:
            try:
                message_ts = client.chat_postMessage(channel=user_id, text=alert_blocks.alert_text(alert))["ts"]
            except Exception:
                logger.exception("budget alert %s to %s failed", alert.kind, user_id)
        with transaction(deps.session_factory) as session:
            for run in alert.runs:
                claimed = runs.find_run(session, engagement_id=engagement_id, kind=run.kind, period=run.period)
                if claimed is not None:
                    runs.mark_posted(session, run=claimed, channel_id=None, message_ts=message_ts)
        sent += 1
    return sent


REMINDER_SHARE = 0.75


def run_question_reminders(deps: Deps, engagement_id: int) -> int:
    """DM the CTO users once per open question that has used 75 % of its first-response target."""
    now = utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        target = engagement.response_target_hours * REMINDER_SHARE
        due = [q for q in capture.open_questions(session, engagement_id=engagement_id)
               if q.reminded_at is None and add_business_hours(engagement, q.asked_at, target) <= now]
        team_id, ctos = engagement.team_id, list(engagement.cto_user_ids)
    client = deps.slack_client(team_id) if due else None
    if due and client is None:
        logger.warning("no Slack token for workspace %s; %d reminders not sent", team_id or "?", len(due))
        return 0
    sent = 0
    for question in due:
        with transaction(deps.session_factory) as session:
            if not capture.claim_reminder(session, question_id=question.id, now=now):  # type: ignore[arg-type]
                continue
            text = reminder_text(question, engagement=engagement, now=now)
        for user_id in ctos:
            try:
                client.chat_postMessage(channel=user_id, text=text)  # type: ignore[union-attr]
            except Exception:
                logger.exception("reminder for question %s to %s failed", question.id, user_id)
        sent += 1
    return sent


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
    from bot.month_close import amend_all
    from bot.services import engagements

    with transaction(deps.session_factory) as session:
        ids = [e.id for e in engagements.list_engagements(session)]
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
    return OncePerLocalDay(day="1-7", day_of_week=engagement.business_days, hour=start.hour, minute=start.minute,
                           timezone=zone)
