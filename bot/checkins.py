"""Post-handover check-ins by DM, each exactly once per person: claim, send, record.

Each (check-in, recipient) is a claim in digest_run, kind `check-in`, period `2027-02/U123` (the check-in's month
and the person), committed before Slack is called; Slack is called outside any transaction, and the claim is
marked sent only when Slack took the DM. A DM Slack refused releases its claim, so the next run retries it; a
timeout keeps the claim until its lease runs out (the DM may have gone through). One claim per person, not per
check-in: a DM refused for the internal owner is retried without sending the CTO a second copy.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.db import transaction
from bot.deps import Deps
from bot.models import Engagement, utcnow
from bot.services import lifecycle, runs
from bot.slack.lifecycle_blocks import checkin_message

logger = logging.getLogger(__name__)

CHECK_IN = "check-in"
# A check-in missed by downtime (or refused by Slack) is still sent within this window; after it, it is stale.
CHECKIN_WINDOW = timedelta(days=7)


def claim_period(checkin: lifecycle.CheckIn, user_id: str) -> str:
    """The digest_run period of one person's copy of a check-in: `2027-02/U123`."""
    return f"{checkin.period}/{user_id}"


def send_due_checkin(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """DM the latest due check-in to each recipient who has not had it; returns how many DMs Slack took."""
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        checkin = lifecycle.latest_checkin(engagement, now=now)
        if checkin is None or now - checkin.at > CHECKIN_WINDOW:
            return 0
        claimed = [user_id for user_id in lifecycle.checkin_recipients(engagement)
                   if runs.claim_run(session, engagement_id=engagement_id, kind=CHECK_IN,
                                     period=claim_period(checkin, user_id), claimed_by=claimed_by, now=now)]
        if not claimed:
            return 0
        local_now = now.astimezone(ZoneInfo(engagement.timezone))
        text, blocks = checkin_message(lifecycle.still_open(session, engagement=engagement, checkin=checkin),
                                       now=local_now)
        team_id = engagement.team_id
    client = deps.slack_client(team_id)
    if client is None:
        for user_id in claimed:
            _release(deps, engagement_id, claim_period(checkin, user_id), reason="no Slack token for the workspace")
        return 0
    sent = 0
    for user_id in claimed:
        period = claim_period(checkin, user_id)
        try:
            response = client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
        except SlackApiError as exc:  # Slack answered: the DM surely did not go
            _release(deps, engagement_id, period, reason=f"Slack said {exc.response.get('error') or 'no'}")
            continue
        except Exception as exc:  # no answer: it may have gone through, so the claim waits out its lease
            _release(deps, engagement_id, period, reason=f"{type(exc).__name__}", now=False)
            continue
        with transaction(deps.session_factory) as session:
            run = runs.find_run(session, engagement_id=engagement_id, kind=CHECK_IN, period=period)
            if run is not None:
                runs.mark_posted(session, run=run, channel_id=str(response.get("channel") or "")[:32] or None,
                                 message_ts=str(response.get("ts") or "") or None)
        sent += 1
    if sent:
        logger.info("sent check-in %s of engagement %s to %d people", checkin.period, engagement_id, sent)
    return sent


def _release(deps: Deps, engagement_id: int, period: str, *, reason: str, now: bool = True) -> None:
    """Record why a DM did not go; `now`: release the claim for the next run, else keep it until its lease ends."""
    logger.warning("check-in DM %s of engagement %s not sent (%s); %s", period, engagement_id, reason,
                   "it will be retried" if now else "retried once its claim's lease has run out")
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=engagement_id, kind=CHECK_IN, period=period)
        if run is not None:
            runs.mark_failed(session, run=run, error=reason, release=now)
