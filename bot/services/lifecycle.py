"""The engagement's end: notice, the end date, and the post-handover check-ins with what is still open.

The end date is the engagement's last day. After it no weekly digest is posted, the handover artifact is due
on it (bot/services/artifacts.py), and, when a cadence is set, a check-in reminds the CTO(s) and the internal
owner every month or quarter of what is still open. The n-th check-in falls n months (or quarters) after the end
date, on the first business day from then, at the engagement's business start; its period is the month of that
anniversary (`2027-02`), so each check-in has one name however business days move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.calendar import add_months, is_business_day
from bot.errors import InvalidInput
from bot.models import Artifact, Engagement, Finding, Question, Risk
from bot.services import artifacts, capture, registers, reminders, risks
from bot.services.register_kinds import FINDING

NOTICE_DAYS = 30  # the sources' engagements run on 30 days' notice
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}
CLEAR_WORDS = ("none", "clear", "cancel")
END_USAGE = "`/cto end` (30 days from today), `/cto end 2027-01-15`, or `/cto end none` to remove the end date"


def parse_end(text: str, *, today: date) -> date | None:
    """What `/cto end [text]` sets: 30 days from `today` when empty, the date given, or None to clear it."""
    text = text.strip()
    if not text:
        return today + timedelta(days=NOTICE_DAYS)
    if text.lower() in CLEAR_WORDS:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"`{text}` is not a date in YYYY-MM-DD form. Use {END_USAGE}.") from None


def has_ended(engagement: Engagement, day: date) -> bool:
    """Whether `day` (in the engagement's zone) is after the engagement's last day."""
    return engagement.end_date is not None and day > engagement.end_date


@dataclass(frozen=True)
class CheckIn:
    """One post-handover check-in."""

    number: int  # 1 for the first after the end
    day: date  # local, a business day
    at: datetime  # aware, the engagement's business start that day
    period: str  # the anniversary's month, `2027-02`: the claim's name


def checkin(engagement: Engagement, number: int) -> CheckIn | None:
    """The engagement's `number`-th check-in, or None when it has no end date or no cadence."""
    step = CADENCE_MONTHS.get(engagement.checkin_cadence)
    if step is None or engagement.end_date is None or number < 1:
        return None
    anniversary = add_months(engagement.end_date, step * number)
    day = anniversary
    for _ in range(7):
        if is_business_day(engagement, day):
            break
        day += timedelta(days=1)
    at = datetime.combine(day, engagement.business_start, tzinfo=ZoneInfo(engagement.timezone))
    return CheckIn(number=number, day=day, at=at, period=f"{anniversary:%Y-%m}")


def latest_checkin(engagement: Engagement, *, now: datetime) -> CheckIn | None:
    """The most recent check-in at or before `now` (None before the first, or with no cadence)."""
    latest = None
    number = 1
    while (candidate := checkin(engagement, number)) is not None and candidate.at <= now:
        latest, number = candidate, number + 1
    return latest


def next_checkin(engagement: Engagement, *, now: datetime) -> CheckIn | None:
    """The first check-in after `now`, for `/cto status`."""
    latest = latest_checkin(engagement, now=now)
    return checkin(engagement, latest.number + 1 if latest else 1)


def checkin_recipients(engagement: Engagement) -> list[str]:
    """Who a check-in reminds: the CTO users and the internal owner, each once."""
    people = list(engagement.cto_user_ids)
    if engagement.internal_owner_id and engagement.internal_owner_id not in people:
        people.append(engagement.internal_owner_id)
    return people


@dataclass(frozen=True)
class StillOpen:
    """What a check-in lists: what the engagement left open."""

    engagement: Engagement
    checkin: CheckIn
    high_risks: list[Risk]
    overdue_artifacts: list[Artifact]
    open_questions: list[Question]
    open_findings: list[Finding]
    renewals: list[reminders.NoticeDue]  # active vendors whose notice deadline is within 30 days of the check-in

    @property
    def nothing(self) -> bool:
        return not (self.high_risks or self.overdue_artifacts or self.open_questions or self.open_findings
                    or self.renewals)


def still_open(session: Session, *, engagement: Engagement, checkin: CheckIn) -> StillOpen:
    """Open high risks, artifacts overdue on the check-in's day, open questions (oldest first), open findings (by
    priority) and vendor notice deadlines within 30 days of the check-in's day."""
    assert engagement.id is not None
    return StillOpen(
        engagement=engagement,
        checkin=checkin,
        high_risks=[r for r in risks.open_risks(session, engagement_id=engagement.id) if r.severity == "high"],
        overdue_artifacts=[s.artifact for s in artifacts.schedule_states(session, engagement=engagement,
                                                                          today=checkin.day)
                           if s.state == "overdue"],
        open_questions=capture.open_questions(session, engagement_id=engagement.id),
        open_findings=[f for f in registers.list_entries(session, FINDING, engagement_id=engagement.id)
                       if registers.is_current(FINDING, f)],
        renewals=reminders.notices_within(session, engagement=engagement, today=checkin.day,
                                          days=reminders.RENEWALS_DAYS),
    )
