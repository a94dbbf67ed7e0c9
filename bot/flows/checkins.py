"""Post-handover check-ins by DM, each exactly once per person.

Each (check-in, recipient) is a claim in digest_run, kind `check-in`, period `2027-02/U123` (the check-in's month
and the person): claimed, sent outside any transaction and recorded or released by bot/flows/dm_claims.py, so a DM
refused for the internal owner is retried without sending the CTO a second copy.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.flows import dm_claims
from bot.models import Engagement, utcnow
from bot.services import lifecycle
from bot.slack.lifecycle_blocks import checkin_message

logger = logging.getLogger(__name__)

CHECK_IN = "check-in"
# A check-in missed by downtime (or refused by Slack) is still sent within this window; after it, it is stale.
CHECKIN_WINDOW = timedelta(days=7)


def claim_period(checkin: lifecycle.CheckIn, user_id: str) -> str:
    """The digest_run period of one person's copy of a check-in: `2027-02/U123`."""
    return dm_claims.person_period(checkin.period, user_id)


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
        claimed = dm_claims.claim_each(session, engagement_id=engagement_id, kind=CHECK_IN, period=checkin.period,
                                       user_ids=lifecycle.checkin_recipients(engagement), claimed_by=claimed_by,
                                       now=now)
        if not claimed:
            return 0
        local_now = calendar.local_now(engagement, now)
        text, blocks = checkin_message(lifecycle.still_open(session, engagement=engagement, checkin=checkin),
                                       now=local_now)
        team_id = engagement.team_id
    sent = dm_claims.send_claimed(deps, engagement_id=engagement_id, kind=CHECK_IN, team_id=team_id, dms=[
        dm_claims.ClaimedDm(period=claim_period(checkin, user_id), user_id=user_id, text=text, blocks=blocks)
        for user_id in claimed])
    if sent:
        logger.info("sent check-in %s of engagement %s to %d people", checkin.period, engagement_id, sent)
    return sent
