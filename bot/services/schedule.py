"""When each engagement's digest and statement are due, in its own time zone, and which period they cover."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import calendar
from bot.calendar import DAY_INDEX, is_business_day, month_end, month_start, previous_month
from bot.models import Engagement

# A slot missed by downtime is still posted when the clock comes back within this window.
CATCH_UP_WINDOW = timedelta(hours=72)


def latest_digest_slot(engagement: Engagement, *, now: datetime) -> datetime:
    """The most recent digest weekday/time at or before `now`, in the engagement's zone."""
    zone = ZoneInfo(engagement.timezone)
    today = now.astimezone(zone).date()
    weekday = DAY_INDEX[engagement.digest_weekday]
    for back in range(8):
        day = today - timedelta(days=back)
        slot = datetime.combine(day, engagement.digest_time, tzinfo=zone)
        if day.weekday() == weekday and slot <= now:
            return slot
    raise AssertionError("a weekday recurs within eight days")


def digest_period(engagement: Engagement, slot: datetime) -> str:
    """The ISO week (`2026-W47`) that the digest posted at `slot` covers: the week it falls in."""
    year, week, _ = calendar.local_today(engagement, slot).isocalendar()
    return f"{year}-W{week:02d}"


def first_business_day(engagement: Engagement, month: date) -> date:
    """The first business day of `month`'s month."""
    day = month_start(month)
    while not is_business_day(engagement, day):
        day += timedelta(days=1)
    return day


def latest_statement_slot(engagement: Engagement, *, now: datetime) -> datetime:
    """The most recent first-business-day-of-the-month at business start, at or before `now`."""
    zone = ZoneInfo(engagement.timezone)
    month = month_start(now.astimezone(zone).date())
    slot = datetime.combine(first_business_day(engagement, month), engagement.business_start, tzinfo=zone)
    if slot > now:
        month = previous_month(month)
        slot = datetime.combine(first_business_day(engagement, month), engagement.business_start, tzinfo=zone)
    return slot


def statement_month(engagement: Engagement, slot: datetime) -> date:
    """The month (its first day) that the statement posted at `slot` covers: the one before."""
    return previous_month(month_start(calendar.local_today(engagement, slot)))


def is_due(slot: datetime, *, now: datetime) -> bool:
    """Whether a slot is recent enough to be posted now (on time or as a catch-up)."""
    return timedelta(0) <= now - slot <= CATCH_UP_WINDOW


def statement_send_slot(engagement: Engagement, draft_slot: datetime) -> datetime:
    """When an unclosed month's statement goes out by itself: business start of the business day that comes
    `statement_grace_days` business days after the first business day (the draft's slot).

    With the default grace of 2 and a month starting on a Monday, the draft comes on Monday at business start and
    the statement goes out on Wednesday at business start: the CTO has all of Monday and Tuesday to close it. A
    grace of 0 sends it with the draft.
    """
    zone = ZoneInfo(engagement.timezone)
    day = draft_slot.astimezone(zone).date()
    left = max(0, int(engagement.statement_grace_days or 0))
    while left:
        day += timedelta(days=1)
        if is_business_day(engagement, day):
            left -= 1
    return datetime.combine(day, engagement.business_start, tzinfo=zone)


def next_digest_slot(engagement: Engagement, *, now: datetime) -> datetime | None:
    """The first digest weekday/time after `now`, in the engagement's zone; None once past its end date."""
    zone = ZoneInfo(engagement.timezone)
    today = now.astimezone(zone).date()
    weekday = DAY_INDEX[engagement.digest_weekday]
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        slot = datetime.combine(day, engagement.digest_time, tzinfo=zone)
        if day.weekday() == weekday and slot > now:
            return None if engagement.end_date is not None and day > engagement.end_date else slot
    raise AssertionError("a weekday recurs within eight days")


def next_statement_slot(engagement: Engagement, *, now: datetime) -> datetime | None:
    """The first statement slot (first business day of a month, at business start) after `now`; None once the
    month it would cover starts after the engagement's end date."""
    zone = ZoneInfo(engagement.timezone)
    month = month_start(now.astimezone(zone).date())
    for _ in range(2):
        slot = datetime.combine(first_business_day(engagement, month), engagement.business_start, tzinfo=zone)
        if slot > now:
            covers = statement_month(engagement, slot)
            return None if engagement.end_date is not None and covers > engagement.end_date else slot
        month = month_start(month_end(month) + timedelta(days=1))
    raise AssertionError("next month's slot is after now")
