"""The one calendar: weekday names, an engagement's business days, months, and today in a zone.

Every "which day is it for this client?" and every business-day rule asks here, so that the digest, the
statement, the budget pace and the scheduler's triggers agree (one parser of the business-days setting:
an empty or unreadable one means Monday to Friday everywhere).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot import clock
from bot.models import Engagement

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_INDEX = {name: index for index, name in enumerate(WEEKDAYS)}
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))
MONDAY_TO_FRIDAY = frozenset(range(5))


def working_weekdays(setting: str | None) -> frozenset[int]:
    """The weekday numbers (Monday 0) a `mon,tue,…` setting names; Monday to Friday when it names none."""
    days = frozenset(DAY_INDEX[d] for d in (setting or "").lower().replace(" ", "").split(",") if d in DAY_INDEX)
    return days or MONDAY_TO_FRIDAY


def cron_weekdays(setting: str | None) -> str:
    """The same days as APScheduler's `day_of_week` wants them: `mon,tue,wed`."""
    return ",".join(WEEKDAYS[d] for d in sorted(working_weekdays(setting)))


def is_business_day(engagement: Engagement, day: date) -> bool:
    """Whether `day` is one of the engagement's business days."""
    return day.weekday() in working_weekdays(engagement.business_days)


def business_days(engagement: Engagement, start: date, end: date) -> int:
    """Days from `start` to `end` inclusive that are business days of the engagement."""
    return _business_days(engagement.business_days, start, end)


@lru_cache(maxsize=4096)
def _business_days(setting: str, start: date, end: date) -> int:
    """business_days for a setting such as "mon,tue,wed,thu,fri" (pure, so kept: every /logtime asks it)."""
    working = working_weekdays(setting)
    if end < start:
        return 0
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() in working)


def zone_of(engagement: Engagement) -> ZoneInfo:
    """The engagement's time zone."""
    return ZoneInfo(engagement.timezone)


def local_now(engagement: Engagement, now: datetime | None = None) -> datetime:
    """`now` (the clock's by default) in the engagement's zone."""
    return (now or clock.now()).astimezone(zone_of(engagement))


def local_today(engagement: Engagement, now: datetime | None = None) -> date:
    """The date in the engagement's zone at `now` (the clock's by default)."""
    return local_now(engagement, now).date()


def month_start(day: date) -> date:
    """The first of `day`'s month."""
    return day.replace(day=1)


def previous_month(first: date) -> date:
    """The first of the month before."""
    return month_start(first - timedelta(days=1))


def month_end(first: date) -> date:
    """The last day of the month starting at `first`."""
    return first.replace(day=_stdlib_calendar.monthrange(first.year, first.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` months later, or that month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _stdlib_calendar.monthrange(year, month)[1]))


def last_month(engagement: Engagement, now: datetime | None = None) -> date:
    """The first of the month before today's, in the engagement's zone: what `/cto close` closes by default."""
    return previous_month(month_start(local_today(engagement, now)))
