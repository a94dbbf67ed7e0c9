"""First-response targets in business hours: the engagement's own zone, working week and hours, across
weekends and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db import transaction
from bot.models import Engagement
from bot.services.business_hours import add_business_hours, business_hours_between
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
JERUSALEM = ZoneInfo("Asia/Jerusalem")


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in `zone`, as the aware UTC moment the app stores."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def wall(moment: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """(weekday, HH:MM) of `moment` on the zone's clocks."""
    local = moment.astimezone(zone)
    return local.strftime("%a %Y-%m-%d"), local.strftime("%H:%M")


def engagement(session_factory, *, name: str = "acme", channel: str = "C1", timezone: str = "Europe/London",
               **calendar: Any) -> Engagement:
    """An engagement as stored, with its working week and hours (`business_days`, …) changed when given."""
    made = add_engagement(session_factory, name=name, channel=channel, timezone=timezone)
    if calendar:
        with transaction(session_factory) as session:
            stored = session.get(Engagement, made.id)
            for key, value in calendar.items():
                setattr(stored, key, value)
            session.add(stored)
    with session_factory() as session:
        return session.get(Engagement, made.id)


# --- the example and the shapes of a week ---------------------------------------------------------------


def test_a_question_asked_friday_1730_in_london_with_a_4_hour_target_is_due_monday_1230(session_factory):
    acme = engagement(session_factory)
    assert acme.response_target_hours == 4
    asked = at(LONDON, 2026, 11, 20, 17, 30)  # a Friday
    due = add_business_hours(acme, asked, acme.response_target_hours)
    assert wall(due, LONDON) == ("Mon 2026-11-23", "12:30")
    assert business_hours_between(acme, asked, due) == pytest.approx(4)


@pytest.mark.parametrize(("asked", "hours", "due"), [
    (("Tue", 2026, 11, 17, 10, 0), 4, ("Tue 2026-11-17", "14:00")),  # inside the day
    (("Tue", 2026, 11, 17, 7, 15), 4, ("Tue 2026-11-17", "13:00")),  # before opening: counted from 09:00
    (("Tue", 2026, 11, 17, 19, 0), 4, ("Wed 2026-11-18", "13:00")),  # after closing: counted from tomorrow
    (("Tue", 2026, 11, 17, 16, 0), 4, ("Wed 2026-11-18", "11:00")),  # two hours today, two tomorrow
    (("Sat", 2026, 11, 21, 11, 0), 4, ("Mon 2026-11-23", "13:00")),  # weekend: counted from Monday
    (("Sun", 2026, 11, 22, 23, 30), 4, ("Mon 2026-11-23", "13:00")),
    (("Fri", 2026, 11, 20, 18, 0), 2, ("Mon 2026-11-23", "11:00")),  # at closing time
    (("Mon", 2026, 11, 16, 10, 0), 20, ("Wed 2026-11-18", "12:00")),  # 8 + 9 + 3 over three days
    (("Thu", 2026, 11, 19, 15, 0), 40, ("Thu 2026-11-26", "10:00")),  # 3 + 9 + 9 + 9 + 9 + 1, over a weekend
    (("Wed", 2026, 11, 18, 12, 0), 0.5, ("Wed 2026-11-18", "12:30")),
])
def test_targets_count_only_the_engagements_business_hours(session_factory, asked, hours, due):
    acme = engagement(session_factory)
    _, *parts = asked
    start = at(LONDON, *parts)
    assert wall(start, LONDON)[0].startswith(asked[0])
    ends = add_business_hours(acme, start, hours)
    assert wall(ends, LONDON) == due
    assert business_hours_between(acme, start, ends) == pytest.approx(hours)


@pytest.mark.parametrize(("start", "end", "hours"), [
    ((2026, 11, 17, 10, 0), (2026, 11, 17, 12, 30), 2.5),  # same day
    ((2026, 11, 21, 10, 0), (2026, 11, 22, 17, 0), 0),  # all weekend
    ((2026, 11, 17, 19, 0), (2026, 11, 18, 8, 59), 0),  # overnight
    ((2026, 11, 20, 17, 30), (2026, 11, 23, 12, 30), 4),  # the example, the other way round
    ((2026, 11, 16, 0, 0), (2026, 11, 23, 0, 0), 45),  # a whole week
    ((2026, 11, 17, 12, 0), (2026, 11, 17, 11, 0), 0),  # end before start
])
def test_business_hours_between_two_moments(session_factory, start, end, hours):
    acme = engagement(session_factory)
    assert business_hours_between(acme, at(LONDON, *start), at(LONDON, *end)) == pytest.approx(hours)


# --- other time zones -------------------------------------------------------------------------------------------


def test_an_engagement_in_new_york_counts_new_york_business_hours(session_factory):
    nyc = engagement(session_factory, timezone="America/New_York")
    friday_evening = at(NEW_YORK, 2026, 11, 20, 17, 30)
    assert wall(add_business_hours(nyc, friday_evening, 4), NEW_YORK) == ("Mon 2026-11-23", "12:30")
    # 14:00 in London is 09:00 in New York: the whole target fits in New York's Tuesday.
    asked = at(LONDON, 2026, 11, 17, 14, 0)
    due = add_business_hours(nyc, asked, 4)
    assert wall(due, NEW_YORK) == ("Tue 2026-11-17", "13:00")
    assert due == datetime(2026, 11, 17, 18, 0, tzinfo=UTC)
    # 08:00 in New York is 13:00 in London, inside London's day but before New York opens.
    assert business_hours_between(nyc, at(NEW_YORK, 2026, 11, 17, 8, 0), at(NEW_YORK, 2026, 11, 17, 10, 0)) == (
        pytest.approx(1))


def test_an_engagement_in_kolkata_counts_india_business_hours_at_its_half_hour_offset(session_factory):
    blr = engagement(session_factory, timezone="Asia/Kolkata")
    friday_evening = at(KOLKATA, 2026, 11, 20, 17, 30)
    assert friday_evening == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    due = add_business_hours(blr, friday_evening, 4)
    assert wall(due, KOLKATA) == ("Mon 2026-11-23", "12:30")
    assert due == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    # 08:00 UTC is 13:30 in Kolkata: four hours later is 17:30 there, the same day.
    assert add_business_hours(blr, datetime(2026, 11, 17, 8, 0, tzinfo=UTC), 4) == datetime(
        2026, 11, 17, 12, 0, tzinfo=UTC)
    # 13:00 UTC is 18:30 in Kolkata, after closing: nothing counts until Wednesday 09:00 there.
    assert business_hours_between(blr, datetime(2026, 11, 17, 13, 0, tzinfo=UTC),
                                  at(KOLKATA, 2026, 11, 18, 9, 0)) == 0


# --- daylight saving --------------------------------------------------------------------------------------------

DST_WEEKENDS = [
    # zone, the Friday before the change, the Monday after, UTC offset (hours) on Friday and on Monday
    pytest.param("Europe/London", (2026, 3, 27), (2026, 3, 30), 0, 1, id="london-spring-forward"),
    pytest.param("Europe/London", (2026, 10, 23), (2026, 10, 26), 1, 0, id="london-fall-back"),
    pytest.param("America/New_York", (2026, 3, 6), (2026, 3, 9), -5, -4, id="new-york-spring-forward"),
    pytest.param("America/New_York", (2026, 10, 30), (2026, 11, 2), -4, -5, id="new-york-fall-back"),
]


@pytest.mark.parametrize(("zone_name", "friday", "monday", "friday_offset", "monday_offset"), DST_WEEKENDS)
def test_a_question_asked_the_friday_before_a_clock_change_is_due_at_monday_1230_local(
        session_factory, zone_name, friday, monday, friday_offset, monday_offset):
    zone = ZoneInfo(zone_name)
    client = engagement(session_factory, timezone=zone_name)
    asked = at(zone, *friday, 17, 30)
    assert asked.astimezone(zone).utcoffset() == timedelta(hours=friday_offset)
    due = add_business_hours(client, asked, 4)
    assert wall(due, zone) == (datetime(*monday).strftime("%a %Y-%m-%d"), "12:30")
    assert due.astimezone(zone).utcoffset() == timedelta(hours=monday_offset)
    assert due == datetime(*monday, 12, 30, tzinfo=UTC) - timedelta(hours=monday_offset)


@pytest.mark.parametrize(("zone_name", "friday", "monday", "friday_offset", "monday_offset"), DST_WEEKENDS)
def test_business_hours_over_a_clock_change_weekend_are_the_real_ones(
        session_factory, zone_name, friday, monday, friday_offset, monday_offset):
    zone = ZoneInfo(zone_name)
    client = engagement(session_factory, timezone=zone_name)
    # Elapsed time differs from the wall clock by an hour; the business hours do not.
    friday_17, monday_10 = at(zone, *friday, 17, 0), at(zone, *monday, 10, 0)
    elapsed = (monday_10 - friday_17).total_seconds() / 3600
    assert elapsed == 65 + friday_offset - monday_offset
    assert business_hours_between(client, friday_17, monday_10) == pytest.approx(2)
    assert business_hours_between(client, at(zone, *friday, 9, 0), at(zone, *monday, 18, 0)) == pytest.approx(18)
    # Nine business hours on Friday, the same nine on Monday, whatever the clocks did at the weekend.
    assert business_hours_between(client, at(zone, *monday, 0, 0), at(zone, *monday, 23, 59)) == pytest.approx(9)


def test_the_same_utc_moment_is_due_at_different_utc_times_in_the_weeks_london_and_new_york_disagree(
        session_factory):
    """8–29 March 2026: New York has changed its clocks, London has not, so they are 4 hours apart, not 5."""
    nyc = engagement(session_factory, timezone="America/New_York")
    asked = datetime(2026, 3, 16, 13, 0, tzinfo=UTC)  # Monday 09:00 EDT
    assert wall(asked, NEW_YORK) == ("Mon 2026-03-16", "09:00")
    assert add_business_hours(nyc, asked, 9) == datetime(2026, 3, 16, 22, 0, tzinfo=UTC)  # 18:00 EDT


# --- custom working weeks and hours -----------------------------------------------------------------------------


def test_a_sunday_to_thursday_working_week(session_factory):
    tlv = engagement(session_factory, timezone="Asia/Jerusalem", business_days="sun,mon,tue,wed,thu")
    thursday_evening = at(JERUSALEM, 2026, 11, 19, 17, 30)
    assert wall(add_business_hours(tlv, thursday_evening, 4), JERUSALEM) == ("Sun 2026-11-22", "12:30")
    friday_morning = at(JERUSALEM, 2026, 11, 20, 11, 0)
    assert wall(add_business_hours(tlv, friday_morning, 4), JERUSALEM) == ("Sun 2026-11-22", "13:00")
    # Friday and Saturday count nothing; Sunday counts.
    assert business_hours_between(tlv, at(JERUSALEM, 2026, 11, 20, 9, 0), at(JERUSALEM, 2026, 11, 21, 18, 0)) == 0
    assert business_hours_between(tlv, at(JERUSALEM, 2026, 11, 22, 9, 0), at(JERUSALEM, 2026, 11, 22, 18, 0)) == (
        pytest.approx(9))


def test_custom_business_hours(session_factory):
    acme = engagement(session_factory, business_start=time(8, 0), business_end=time(16, 30))
    monday_15 = at(LONDON, 2026, 11, 16, 15, 0)
    assert wall(add_business_hours(acme, monday_15, 4), LONDON) == ("Tue 2026-11-17", "10:30")
    assert wall(add_business_hours(acme, at(LONDON, 2026, 11, 16, 7, 0), 1), LONDON) == ("Mon 2026-11-16", "09:00")
    week = business_hours_between(acme, at(LONDON, 2026, 11, 16, 0, 0), at(LONDON, 2026, 11, 21, 0, 0))
    assert week == pytest.approx(5 * 8.5)


def test_a_working_week_with_a_weekend_day_in_it(session_factory):
    acme = engagement(session_factory, business_days="mon,tue,wed,thu,fri,sat")
    assert wall(add_business_hours(acme, at(LONDON, 2026, 11, 20, 17, 30), 4), LONDON) == ("Sat 2026-11-21", "12:30")


# --- properties -------------------------------------------------------------------------------------------------

CALENDARS = {
    "london": {"timezone": "Europe/London"},
    "new-york": {"timezone": "America/New_York"},
    "kolkata": {"timezone": "Asia/Kolkata"},
    "jerusalem-sun-thu-8-to-1630": {"timezone": "Asia/Jerusalem", "business_days": "sun,mon,tue,wed,thu",
                                    "business_start": time(8, 0), "business_end": time(16, 30)},
}

# Seconds from 2026-01-01 to 2028-01-01 UTC: two years, so every DST change of 2026 and 2027 is in range.
starts = st.integers(min_value=0, max_value=2 * 365 * 24 * 3600).map(
    lambda s: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s))
targets = st.floats(min_value=0, max_value=40, allow_nan=False, allow_infinity=False)


@pytest.fixture
def calendars(session_factory) -> dict[str, Engagement]:
    return {name: engagement(session_factory, name=name.split("-")[0], channel=f"C{i}", **fields)
            for i, (name, fields) in enumerate(CALENDARS.items(), start=1)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(CALENDARS)), start=starts, hours=targets)
def test_counting_back_the_hours_added_gives_the_hours(calendars, name, start, hours):
    client = calendars[name]
    due = add_business_hours(client, start, hours)
    assert due >= start
    assert abs(business_hours_between(client, start, due) - hours) * 3600 < 1, (start, hours, due)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(CALENDARS)), start=starts, first=targets, second=targets)
def test_more_hours_are_never_due_sooner(calendars, name, start, first, second):
    client = calendars[name]
    fewer, more = sorted((first, second))
    assert add_business_hours(client, start, fewer) <= add_business_hours(client, start, more)
