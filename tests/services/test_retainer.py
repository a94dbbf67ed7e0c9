"""Retainer maths: month-to-date hours against the band, pace by business days, the mix and the executor share."""

from __future__ import annotations

from datetime import date

import pytest

from bot.db import transaction
from bot.services import retainer, timelog
from bot.services.logtime_parser import LogtimeRequest, parse_logtime
from tests.helpers.factories import add_engagement

TODAY = date(2026, 11, 18)  # a Wednesday; November 2026 runs Sunday 1st to Monday 30th
NOV_BUSINESS_DAYS = 21  # 2–6, 9–13, 16–20, 23–27 and 30
ELAPSED_BY_18TH = 13  # 2–6, 9–13, 16, 17, 18


def log(session_factory, engagement, text: str, *, user: str = "U1", today: date = date(2026, 12, 31)):
    with transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id=user, today=today,
                                request=parse_logtime(text, today=today)).entry


def summary(session_factory, engagement, *, month: date = TODAY, today: date = TODAY) -> retainer.MonthSummary:
    with transaction(session_factory) as session:
        return retainer.month_summary(session, engagement=engagement, month=month, today=today)


def seed_november(session_factory, engagement) -> None:
    """12 h in November up to the 18th, plus entries that must not count."""
    for text in ("3h architecture 2026-11-02 queue design", "4h30m review 2026-11-10 PRs",
                 "1h standup 2026-11-16", "2h build 2026-11-17 spike", "30m build 2026-11-18 fix",
                 "1h hiring 2026-11-01 sunday interviews"):
        log(session_factory, engagement, text)
    log(session_factory, engagement, "5h build 2026-10-31 october")
    log(session_factory, engagement, "5h build 2026-12-01 december")
    deleted = log(session_factory, engagement, "4h roadmap 2026-11-12 deleted")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=deleted.id, user_id="U1")


def test_month_summary_of_known_entries(session_factory):
    acme = add_engagement(session_factory)
    other = add_engagement(session_factory, name="other", channel="C2")
    seed_november(session_factory, acme)
    log(session_factory, other, "6h build 2026-11-05 other client")

    month = summary(session_factory, acme)

    assert month.month == date(2026, 11, 1) and month.as_of == TODAY
    assert month.minutes == 720 and month.hours == 12
    assert (month.hours_min, month.hours_max) == (20, 25)
    assert month.by_category == {"architecture": 180, "review": 270, "standup": 60, "build": 150, "hiring": 60}
    assert month.by_mode == {"decide": 510, "support": 60, "execute": 150}
    assert month.business_days_total == NOV_BUSINESS_DAYS
    assert month.business_days_elapsed == ELAPSED_BY_18TH
    assert month.projected_minutes == round(720 * 21 / 13)  # 19h 23m: below the band
    assert month.pace_word == "under" and month.pace_text() == "on pace for about 18–20 h"
    assert month.expected_minutes_by_now == round(20 * 60 * 13 / 21)
    assert month.share_of_top == pytest.approx(12 / 25)
    assert month.executor_share == pytest.approx(150 / 720)


def test_any_day_of_the_month_names_the_month(session_factory):
    acme = add_engagement(session_factory)
    seed_november(session_factory, acme)
    assert summary(session_factory, acme, month=date(2026, 11, 30)) == summary(session_factory, acme)


@pytest.mark.parametrize(("extra", "projected", "pace"), [
    (None, 12 / 13 * 21, "under"),
    ("1h review 2026-11-03", 13 / 13 * 21, "within"),
    ("3h review 2026-11-03", 15 / 13 * 21, "within"),
    ("5h review 2026-11-03", 17 / 13 * 21, "over"),
])
def test_projection_and_pace(session_factory, extra, projected, pace):
    acme = add_engagement(session_factory)
    seed_november(session_factory, acme)
    if extra:
        log(session_factory, acme, extra)
    month = summary(session_factory, acme)
    assert month.projected_minutes == round(projected * 60)
    assert month.pace_word == pace
    low, high = month.projected_range
    assert low <= projected <= high and high - low <= 3  # a calm range around the projection, in whole hours


@pytest.mark.parametrize(("today", "elapsed"), [
    (date(2026, 10, 20), 0),   # before the month: nothing has elapsed
    (date(2026, 11, 1), 0),    # a Sunday: no business day yet
    (date(2026, 11, 2), 1),
    (date(2026, 11, 8), 5),
    (date(2026, 11, 30), 21),
    (date(2027, 1, 15), 21),   # after the month: all of it
])
def test_business_days_elapsed_count_monday_to_friday_up_to_today(session_factory, today, elapsed):
    acme = add_engagement(session_factory)
    month = summary(session_factory, acme, month=date(2026, 11, 1), today=today)
    assert (month.business_days_elapsed, month.business_days_total) == (elapsed, NOV_BUSINESS_DAYS)


@pytest.mark.parametrize("today", [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 5)])
def test_no_projection_before_five_business_days(session_factory, today):
    """Day one used to say "projected 33 h (over the band)"; early pace is noise, so nothing is projected."""
    acme = add_engagement(session_factory)
    log(session_factory, acme, "2h review 2026-11-01", today=date(2026, 11, 1))
    month = summary(session_factory, acme, today=today)
    assert month.business_days_elapsed < 5
    assert month.projected_minutes is None and month.pace_word is None
    assert month.pace_text() == "no projection before 5 business days of the month"


def test_the_fifth_business_day_brings_the_first_projection(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "5h review 2026-11-02", today=date(2026, 11, 9))
    month = summary(session_factory, acme, today=date(2026, 11, 8))  # Sunday: Mon 2 – Fri 6 have passed
    assert month.business_days_elapsed == 5
    assert month.projected_minutes == 300 * 21 // 5  # 21h
    assert month.pace_text() == "on pace for about 20–22 h"


def test_with_no_business_day_elapsed_nothing_is_expected_yet(session_factory):
    acme = add_engagement(session_factory)
    month = summary(session_factory, acme, today=date(2026, 11, 1))
    assert month.business_days_elapsed == 0 and month.expected_hours_by_now == 0


def test_a_finished_month_projects_what_was_logged(session_factory):
    acme = add_engagement(session_factory)
    seed_november(session_factory, acme)
    month = summary(session_factory, acme, today=date(2026, 12, 3))
    assert month.as_of == date(2026, 11, 30)
    assert month.projected_minutes == 720 and month.pace_word == "under" and month.standing == "under"
    assert month.expected_hours_by_now == 20


def test_an_empty_month(session_factory):
    acme = add_engagement(session_factory)
    month = summary(session_factory, acme)
    assert month.minutes == 0 and month.by_category == {} and month.by_mode == {}
    assert month.executor_share is None and month.share_of_top == 0 and month.pace_word == "under"


def test_the_band_comes_from_the_tier_or_the_override(session_factory):
    advisory = add_engagement(session_factory, name="adv", channel="C2", tier="advisory")
    custom = add_engagement(session_factory, name="cus", channel="C3", tier="custom", hours=(12, 15))
    log(session_factory, advisory, "5h review 2026-11-02")
    log(session_factory, custom, "6h review 2026-11-02")
    adv, cus = summary(session_factory, advisory), summary(session_factory, custom)
    assert (adv.hours_min, adv.hours_max, adv.share_of_top) == (8, 10, 0.5)
    assert (cus.hours_min, cus.hours_max, cus.share_of_top) == (12, 15, pytest.approx(0.4))


def test_an_edit_moves_hours_between_categories_and_modes(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "2h build 2026-11-03")
    log(session_factory, acme, "2h review 2026-11-04")
    assert summary(session_factory, acme).executor_share == pytest.approx(0.5)
    with transaction(session_factory) as session:
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", today=TODAY,
                           request=LogtimeRequest(60, "architecture", date(2026, 11, 3), ""))
    month = summary(session_factory, acme)
    assert month.minutes == 180 and month.by_category == {"architecture": 60, "review": 120}
    assert month.executor_share == 0


def test_executor_share_this_month_and_last(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "6h build 2026-10-05")
    log(session_factory, acme, "2h review 2026-10-30")
    log(session_factory, acme, "1h build 2026-11-02")
    log(session_factory, acme, "3h architecture 2026-11-03")
    log(session_factory, acme, "9h build 2026-09-30 september does not count")
    with transaction(session_factory) as session:
        this, last = retainer.executor_shares(session, engagement=acme, today=TODAY)
    assert this == pytest.approx(0.25) and last == pytest.approx(0.75)


def test_executor_share_is_none_for_a_month_without_hours(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "1h build 2026-11-02")
    with transaction(session_factory) as session:
        assert retainer.executor_shares(session, engagement=acme, today=TODAY) == (1.0, None)
        assert retainer.executor_shares(session, engagement=acme, today=date(2026, 12, 1)) == (None, 1.0)


def test_executor_share_across_the_new_year(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "1h build 2026-12-15")
    log(session_factory, acme, "3h review 2026-12-16", today=date(2027, 1, 5))
    log(session_factory, acme, "2h build 2027-01-04", today=date(2027, 1, 5))
    with transaction(session_factory) as session:
        assert retainer.executor_shares(session, engagement=acme, today=date(2027, 1, 5)) == (1.0, 0.25)
