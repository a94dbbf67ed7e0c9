"""What a founder reads about a month is exact: one precision, the CSV sums to the statement, past weeks as they
stood, partial months pro-rated. Each figure is checked against a recomputation written here from the raw rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import clock
from bot.db import transaction
from bot.models import Engagement, TimeEntry
from bot.services import digest, exports, statement, timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.slack.statement_blocks import statement_message
from tests.helpers.factories import add_engagement


def weekdays(start: date, end: date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).isoweekday() <= 5)


def log_at(session_factory, engagement, when: datetime, minutes: int, work_date: date) -> None:
    """Log `minutes` on `work_date`, as if it were `when`."""
    previous = clock.use(clock.FixedClock(when))
    try:
        with transaction(session_factory) as session:
            timelog.log_time(session, engagement=engagement, user_id="U1", today=when.date(),
                             request=LogtimeRequest(minutes=minutes, category="review", work_date=work_date, note=""))
    finally:
        clock.use(previous)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=720), min_size=1, max_size=80))
def test_the_csv_hours_column_sums_exactly_to_the_months_total(minutes):
    engagement = Engagement(id=1, name="acme", display_name="Acme", tier="active", hours_min=20, hours_max=25,
                            response_target_hours=4, start_date=date(2026, 1, 1), timezone="UTC")
    entries = [TimeEntry(id=i, engagement_id=1, user_id="U1", work_date=date(2026, 11, 2), minutes=m,
                         category="review") for i, m in enumerate(minutes)]
    rows = list(csv.DictReader(io.StringIO(exports.hours_csv(entries, engagement=engagement, names={}))))
    cells = [Decimal(row["Hours"]) for row in rows]
    total = (Decimal(sum(minutes)) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert sum(cells) == total
    for cell, m in zip(cells, minutes, strict=True):  # no row moved by more than the rounding needs
        assert abs(cell - Decimal(m) / 60) < Decimal("0.01")


def test_the_statement_shows_the_same_total_as_its_csv(session_factory):
    acme = add_engagement(session_factory)
    for day, minutes in ((2, 40), (3, 40), (4, 40), (5, 95)):  # 3h 35m; each 40m is 0.666… h
        log_at(session_factory, acme, datetime(2026, 11, day, 18, tzinfo=UTC), minutes, date(2026, 11, day))
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 11, 1))
        entries = exports.month_entries(session, engagement=s.engagement, month=date(2026, 11, 1),
                                        include_deleted=False)
        text, blocks = statement_message(s)
        cells = [Decimal(r["Hours"]) for r in csv.DictReader(io.StringIO(
            exports.hours_csv(entries, engagement=s.engagement, names={})))]
    assert sum(cells) == Decimal("3.58")  # 215 minutes
    assert "3h 35m" in text and "(3.58 h)" in str(blocks)
    assert ".6 h" not in text and "3.6" not in str(blocks)  # never a tenth


def test_a_past_week_renders_as_it_stood_at_its_end(session_factory):
    """`ctobot digest --week 2026-W47` on 4 December shows W47 as it was, not with what was logged since."""
    acme = add_engagement(session_factory, start_date=date(2026, 10, 1))
    log_at(session_factory, acme, datetime(2026, 11, 17, 18, tzinfo=UTC), 180, date(2026, 11, 17))
    log_at(session_factory, acme, datetime(2026, 11, 25, 9, tzinfo=UTC), 120, date(2026, 11, 17))  # late
    log_at(session_factory, acme, datetime(2026, 11, 25, 9, tzinfo=UTC), 240, date(2026, 11, 24))
    log_at(session_factory, acme, datetime(2026, 12, 2, 9, tzinfo=UTC), 600, date(2026, 12, 1))
    with transaction(session_factory) as session:
        engagement = session.get(Engagement, acme.id)
        week = digest.week_of(engagement, key="2026-W47")
        d = digest.build_digest(session, engagement=engagement, week=week,
                                now=datetime(2026, 12, 4, 12, tzinfo=UTC))
    elapsed = weekdays(date(2026, 11, 1), date(2026, 11, 22))
    assert d.week_minutes == 180 and d.month.minutes == 180
    assert d.month.as_of == date(2026, 11, 22) and d.month.business_days_elapsed == elapsed
    assert d.month.projected_minutes == round(180 * weekdays(date(2026, 11, 1), date(2026, 11, 30)) / elapsed)


def test_a_partial_first_month_is_pro_rated_in_the_statement(session_factory):
    """A full-tier client starting on 7 October is judged against its share of October, and told so."""
    dunes = add_engagement(session_factory, name="dunes", tier="full", start_date=date(2026, 10, 7))
    for day in (26, 27, 28, 29, 30):
        log_at(session_factory, dunes, datetime(2026, 10, 30, 18, tzinfo=UTC), 6 * 60, date(2026, 10, day))
    counted, total = weekdays(date(2026, 10, 7), date(2026, 10, 31)), weekdays(date(2026, 10, 1), date(2026, 10, 31))
    floor, top = round(35 * 60 * counted / total), round(40 * 60 * counted / total)
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, dunes.id), month=date(2026, 10, 1))
    text, blocks = statement_message(s)
    assert (s.summary.band.floor_minutes, s.summary.band.top_minutes) == (floor, top)
    assert f"pro-rated to {counted} of {total} business days" in str(blocks)
    expected = "within the band" if floor <= 1800 <= top else ("over" if 1800 > top else "under")
    assert expected in text


def test_exactly_the_top_is_within_the_band(session_factory):
    acme = add_engagement(session_factory)
    for day in (23, 24, 25, 26, 27):
        log_at(session_factory, acme, datetime(2026, 11, 30, 18, tzinfo=UTC), 5 * 60, date(2026, 11, day))
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 11, 1))
    assert s.over_under_minutes == 0 and "within the band" in statement_message(s)[0]


def test_rollover_raises_this_months_band_by_last_months_unused_floor_up_to_the_cap(session_factory):
    acme = add_engagement(session_factory, start_date=date(2026, 10, 1), rollover_cap_hours=3)
    for day in (26, 27, 28):  # October: 18 h of a 20 h floor, so 2 h unused
        log_at(session_factory, acme, datetime(2026, 10, 28, 18, tzinfo=UTC), 6 * 60, date(2026, 10, day))
    beta = add_engagement(session_factory, name="beta", channel="C2", start_date=date(2026, 10, 1),
                          rollover_cap_hours=3)
    log_at(session_factory, beta, datetime(2026, 10, 28, 18, tzinfo=UTC), 10 * 60, date(2026, 10, 28))
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 11, 1))
        capped = statement.build_statement(session, engagement=session.get(Engagement, beta.id),
                                           month=date(2026, 11, 1))
    assert (s.summary.band.floor_minutes, s.summary.band.top_minutes) == (22 * 60, 27 * 60)
    assert "includes 2h rolled over from last month" in str(statement_message(s)[1])
    assert (capped.summary.band.floor_minutes, capped.summary.band.rollover_minutes) == (23 * 60, 3 * 60)


def test_no_rollover_without_a_cap(session_factory):
    acme = add_engagement(session_factory, start_date=date(2026, 10, 1))
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 11, 1))
    assert s.summary.band.rollover_minutes == 0 and "rolled over" not in str(statement_message(s)[1])
