"""Reminders by DM, each once, claimed like the check-ins (bot/flows/dm_claims.py):

- `vendor-notice`: a vendor's notice deadline 14 days ahead, to the CTO(s) and the internal owner; period
  `{vendor id}:{deadline}/{person}`, so a new renewal date is a new reminder and a refused DM is retried alone.
- `system-nudge`: on Fridays from business start, the systems added that week without a handover note, to the
  CTO(s); period `{ISO week}/{person}`.
- `question-reminder`: a question that has used 75 % of its first-response target (in business hours), to the
  CTO(s); period `{question id}/{person}`. The question is marked reminded (`reminded_at`) once every CTO has had
  it, so a DM Slack refused is retried on the next run, and only to whoever did not get it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.flows import dm_claims
from bot.models import Engagement, utcnow
from bot.services import capture, lifecycle, reminders
from bot.services.business_hours import add_business_hours
from bot.slack.capture_blocks import reminder_text
from bot.slack.reminder_blocks import notice_message, system_nudge_message

logger = logging.getLogger(__name__)

VENDOR_NOTICE = "vendor-notice"
SYSTEM_NUDGE = "system-nudge"
QUESTION_REMINDER = "question-reminder"
REMINDER_SHARE = 0.75  # of the first-response target


def send_vendor_notices(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """DM each notice reminder due to each recipient who has not had it; returns how many DMs Slack took."""
    now = now or utcnow()
    dms: list[dm_claims.ClaimedDm] = []
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return 0
        today = calendar.local_today(engagement, now)
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


def send_question_reminders(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """DM the CTO users once per open question that has used 75 % of its first-response target; returns for how
    many questions Slack took a DM."""
    now = now or utcnow()
    dms: list[dm_claims.ClaimedDm] = []
    question_of: dict[str, int] = {}  # a DM's claim period: its question
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None or not engagement.cto_user_ids:
            return 0
        target = engagement.response_target_hours * REMINDER_SHARE
        due = [q for q in capture.open_questions(session, engagement_id=engagement_id)
               if q.reminded_at is None and add_business_hours(engagement, q.asked_at, target) <= now]
        ctos, team_id = list(engagement.cto_user_ids), engagement.team_id
        due_ids: list[int] = []
        for question in due:
            assert question.id is not None
            due_ids.append(question.id)
            claimed = dm_claims.claim_each(session, engagement_id=engagement_id, kind=QUESTION_REMINDER,
                                           period=str(question.id), user_ids=ctos, claimed_by=claimed_by, now=now)
            text = reminder_text(question, engagement=engagement, now=now) if claimed else ""
            for user_id in claimed:
                period = dm_claims.person_period(str(question.id), user_id)
                question_of[period] = question.id
                dms.append(dm_claims.ClaimedDm(period=period, user_id=user_id, text=text))
    sent = dm_claims.send_each(deps, engagement_id=engagement_id, kind=QUESTION_REMINDER, team_id=team_id, dms=dms)
    if due_ids:
        with transaction(deps.session_factory) as session:  # reminded: once every CTO has had it
            for question_id in due_ids:
                if dm_claims.all_sent(session, engagement_id=engagement_id, kind=QUESTION_REMINDER,
                                      period=str(question_id), user_ids=ctos):
                    capture.claim_reminder(session, question_id=question_id, now=now)
    return len({question_of[dm.period] for dm in sent})
