"""Business-hours arithmetic in an engagement's own time zone and working week.

Written here rather than with businesstimedelta (last released 2019, built on pytz): walking the days
with ZoneInfo keeps DST right and is a few lines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import formatting
from bot.calendar import working_weekdays
from bot.models import Engagement

MAX_DAYS = 3660  # a decade: far past any target, and a bound on the walk


def _window(engagement: Engagement, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's business window, in UTC."""
    start = datetime.combine(day, engagement.business_start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, engagement.business_end, tzinfo=zone).astimezone(UTC)
    return start, end


def add_business_hours(engagement: Engagement, start: datetime, hours: float) -> datetime:
    """The moment `hours` business hours after `start` (both UTC-aware)."""
    zone = ZoneInfo(engagement.timezone)
    working = working_weekdays(engagement.business_days)
    remaining = timedelta(hours=hours)
    moment = start.astimezone(UTC)
    day = moment.astimezone(zone).date()
    if not working or engagement.business_end <= engagement.business_start:
        return moment + remaining
    for _ in range(MAX_DAYS):
        if day.weekday() in working:
            open_at, close_at = _window(engagement, day, zone)
            begin = max(moment, open_at)
            if begin < close_at:
                if begin + remaining <= close_at:
                    return begin + remaining
                remaining -= close_at - begin
        day += timedelta(days=1)
    return moment + remaining


def business_hours_between(engagement: Engagement, start: datetime, end: datetime) -> float:
    """Business hours from `start` to `end` (0 when end is before start)."""
    zone = ZoneInfo(engagement.timezone)
    working = working_weekdays(engagement.business_days)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0.0
    if not working or engagement.business_end <= engagement.business_start:
        return (end - start).total_seconds() / 3600
    total = timedelta()
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if day.weekday() in working:
            open_at, close_at = _window(engagement, day, zone)
            overlap = min(end, close_at) - max(start, open_at)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def business_time_text(hours: float) -> str:
    """`3h 30m business`: one precision, as every duration."""
    return formatting.business_time(hours) + " business"

