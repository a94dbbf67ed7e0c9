"""Reminders by DM, each once, claimed like the check-ins (bot/dm_claims.py):

- `vendor-notice`: a vendor's notice deadline 14 days ahead, to the CTO(s) and the internal owner; period
  `{vendor id}:{deadline}/{person}`, so a new renewal date is a new reminder and a refused DM is retried alone.
- `system-nudge`: on Fridays from business start, the systems added that week without a handover note, to the
  CTO(s); period `{ISO week}/{person}`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dm_claims
from bot.db import transaction
from bot.deps import Deps
from bot.models import Engagement, utcnow
from bot.services import lifecycle, reminders
from bot.slack.reminder_blocks import notice_message, system_nudge_message

logger = logging.getLogger(__name__)

VENDOR_NOTICE = "vendor-notice"
SYSTEM_NUDGE = "system-nudge"


def send_vendor_notices(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """DM each notice reminder due to each recipient who has not had it; returns how many DMs Slack took."""
    now = now or utcnow()
    dms: list[dm_claims.ClaimedDm] = []
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        today = now.astimezone(ZoneInfo(engagement.timezone)).date()
        for due in reminders.notices_to_send(session, engagement=engagement, now=now):
            claimed = dm_claims.claim_each(session, engagement_id=engagement_id, kind=VENDOR_NOTICE,
                                           period=due.period, user_ids=lifecycle.checkin_recipients(engagement),
                                           claimed_by=claimed_by, now=now)
            if claimed:
                text, blocks = notice_message(engagement, due, today=today)
                dms += [dm_claims.ClaimedDm(period=dm_claims.person_period(due.period, user_id), user_id=user_id,
                                            text=text, blocks=blocks) for user_id in claimed]
        team_id = engagement.team_id
    sent = dm_claims.send_claimed(deps, engagement_id=engagement_id, kind=VENDOR_NOTICE, team_id=team_id, dms=dms)
    if sent:
        logger.info("sent %d vendor notice reminders for engagement %s", sent, engagement_id)
    return sent


def send_system_nudge(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """On Fridays, DM the CTO(s) the week's systems without a handover note, once per week; how many DMs went."""
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        nudge = reminders.system_nudge(session, engagement=engagement, now=now)
        if nudge is None:
            return 0
        claimed = dm_claims.claim_each(session, engagement_id=engagement_id, kind=SYSTEM_NUDGE, period=nudge.week,
                                       user_ids=list(engagement.cto_user_ids), claimed_by=claimed_by, now=now)
        text, blocks = system_nudge_message(engagement, nudge)
        team_id = engagement.team_id
    dms = [dm_claims.ClaimedDm(period=dm_claims.person_period(nudge.week, user_id), user_id=user_id, text=text,
                               blocks=blocks) for user_id in claimed]
    return dm_claims.send_claimed(deps, engagement_id=engagement_id, kind=SYSTEM_NUDGE, team_id=team_id, dms=dms)
