"""Digest and statement triggers fire once a week (or month) at local time, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from scheduler import jobs


def fires(trigger, start: datetime, count: int) -> list[datetime]:
    """Fire times as APScheduler 3 computes them: each next one from the previous, with `now` at the previous."""
    out, previous, now = [], None, start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        out.append(fire)
        previous, now = fire, fire + timedelta(milliseconds=1)
    return out


def engagement(**values):
    defaults = {"digest_weekday": "fri", "digest_time": time(16, 0), "business_days": "mon,tue,wed,thu,fri",
                "business_start": time(9, 0)}
    return SimpleNamespace(**{**defaults, **values})


@pytest.mark.parametrize(("zone_name", "start", "offsets"), [
    ("Europe/London", datetime(2026, 10, 12), [1, 1, 0, 0]),  # clocks go back on Sun 25 Oct
    ("Europe/London", datetime(2026, 3, 16), [0, 0, 1, 1]),  # and forward on Sun 29 Mar
    ("America/New_York", datetime(2026, 10, 19), [-4, -4, -5, -5]),  # back on Sun 1 Nov
    ("America/New_York", datetime(2026, 2, 23), [-5, -5, -4, -4]),  # forward on Sun 8 Mar
])
def test_the_weekly_digest_fires_once_a_week_at_local_time_across_dst(zone_name, start, offsets):
    zone = ZoneInfo(zone_name)
    times = fires(jobs.weekly_digest(engagement(), zone), start.replace(tzinfo=zone), 4)
    local = [t.astimezone(zone) for t in times]
    assert [t.weekday() for t in local] == [4] * 4 and [(t.hour, t.minute) for t in local] == [(16, 0)] * 4
    assert [t.utcoffset() / timedelta(hours=1) for t in local] == offsets
    assert [(b - a).days for a, b in zip(times, times[1:], strict=False)] in ([7, 7, 7], [6, 7, 7], [7, 6, 7],
                                                                              [7, 7, 6])


@pytest.mark.parametrize(("zone_name", "night"), [("Europe/London", date(2026, 10, 25)),
                                                  ("America/New_York", date(2026, 11, 1))])
def test_a_slot_in_the_repeated_hour_fires_once(zone_name, night):
    zone = ZoneInfo(zone_name)
    trigger = jobs.weekly_digest(engagement(digest_weekday="sun", digest_time=time(1, 30)), zone)
    times = fires(trigger, datetime.combine(night - timedelta(days=1), time(12), tzinfo=zone), 3)
    assert [t.astimezone(zone).date() for t in times] == [night + timedelta(weeks=n) for n in range(3)]


def test_a_slot_in_the_skipped_hour_still_fires_that_day():
    zone = ZoneInfo("America/New_York")
    trigger = jobs.weekly_digest(engagement(digest_weekday="sun", digest_time=time(2, 30)), zone)
    first = fires(trigger, datetime(2026, 3, 7, 12, tzinfo=zone), 1)[0].astimezone(UTC).astimezone(zone)
    assert first.date() == date(2026, 3, 8) and first.hour == 3  # 02:30 does not exist that night


def test_the_statement_trigger_fires_on_the_first_business_days_only():
    zone = ZoneInfo("Europe/London")
    times = fires(jobs.first_business_days(engagement(), zone), datetime(2026, 7, 20, tzinfo=zone), 6)
    local = [t.astimezone(zone) for t in times]
    assert [t.date() for t in local] == [date(2026, 8, 3), date(2026, 8, 4), date(2026, 8, 5), date(2026, 8, 6),
                                         date(2026, 8, 7), date(2026, 9, 1)]
    assert {(t.hour, t.minute) for t in local} == {(9, 0)}
