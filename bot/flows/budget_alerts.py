"""Budget notes by DM to the CTO users, each once per month, claimed like the digest.

The note's claims (digest_run rows, one per threshold the note covers: `budget-floor`, `budget-90`, `budget-over`,
`under-pace`, period `2026-11`) are committed before Slack is called. The note is marked sent once Slack took it
for at least one CTO. If it took none, the claims are released when Slack answered (an error: surely not sent), so
the next run sends the note again, or left to their lease when Slack did not answer (a timeout: it may have gone).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.flows import dm_claims
from bot.models import DigestRun, Engagement, utcnow
from bot.services import alerts, runs
from bot.slack import alert_blocks

logger = logging.getLogger(__name__)


def send_due(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """DM the CTO users any budget note due for the engagement; returns how many notes Slack took."""
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None or not engagement.cto_user_ids:
            return 0
        today = calendar.local_today(engagement, now)
        due = alerts.claim_budget_alerts(session, engagement=engagement, today=today, claimed_by=claimed_by)
        team_id, ctos = engagement.team_id, list(engagement.cto_user_ids)
    if not due:
        return 0
    client = deps.slack_client(team_id)
    if client is None:
        for alert in due:
            _release(deps, engagement_id, alert.runs, error="no Slack token for the workspace", release=True)
        logger.warning("no Slack token for workspace %s; %d budget notes not sent", team_id or "?", len(due))
        return 0
    sent = 0
    for alert in due:
        message_ts: str | None = None
        error: Exception | None = None
        for user_id in ctos:
            try:
                ts = client.chat_postMessage(channel=user_id, text=alert_blocks.alert_text(alert))["ts"]
                message_ts = message_ts or str(ts)
            except Exception as exc:
                error = exc
                logger.warning("budget note %s to %s failed", alert.kind, user_id, exc_info=True)
        if message_ts is None:  # nobody got it: never marked sent
            _release(deps, engagement_id, alert.runs, error=f"{type(error).__name__}: {error}",
                     release=isinstance(error, SlackApiError))
            continue
        with transaction(deps.session_factory) as session:
            for run in alert.runs:
                claimed = runs.find_run(session, engagement_id=engagement_id, kind=run.kind, period=run.period)
                if claimed is not None:
                    runs.mark_posted(session, run=claimed, channel_id=None, message_ts=message_ts)
        sent += 1
    return sent


def _release(deps: Deps, engagement_id: int, claimed: Sequence[DigestRun], *, error: str, release: bool) -> None:
    """Record why a note did not go; `release`: free its claims for the next run, else keep them until the lease
    ends (Slack did not answer, so the note may have gone through)."""
    for run in claimed:
        dm_claims.release(deps, engagement_id, run.kind, run.period, reason=error, now=release)
