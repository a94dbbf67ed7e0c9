"""The time ledger: who may log, the day and date limits, retries, edits, soft deletes, undo and this week's list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from bot.db import transaction
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models import TimeEntry, utcnow
from bot.services import retainer, timelog
from bot.services.logtime_parser import LogtimeRequest, parse_logtime
from tests.helpers.factories import add_engagement

TODAY = date(2026, 11, 18)  # a Wednesday


def log(session_factory, engagement, text: str, *, user: str = "U1", today: date = TODAY, **kwargs) -> TimeEntry:
    with transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id=user, today=today,
                                request=parse_logtime(text, today=today), **kwargs).entry


def all_entries(session_factory) -> list[TimeEntry]:
    with transaction(session_factory) as session:
        return list(session.exec(select(TimeEntry).order_by(TimeEntry.id)).all())


def count_entries(session_factory) -> int:
    with transaction(session_factory) as session:
        return session.exec(select(func.count()).select_from(TimeEntry)).one()


def notes(entries) -> list[str]:
    return [entry.note for entry in entries]


# --- log_time ----------------------------------------------------------------------------------------------------


def test_the_cto_logs_time_and_it_is_recorded_as_asked(session_factory):
    acme = add_engagement(session_factory)
    logged = log(session_factory, acme, "45m review PR 142 yesterday", source_ref="cmd-1")
    [entry] = all_entries(session_factory)
    assert entry.id == logged.id
    assert (entry.engagement_id, entry.user_id, entry.work_date, entry.minutes, entry.category, entry.note) == (
        acme.id, "U1", date(2026, 11, 17), 45, "review", "PR 142")
    assert entry.created_at is not None and entry.edited_at is None and entry.deleted_at is None


def test_every_cto_of_the_engagement_may_log(session_factory):
    acme = add_engagement(session_factory, ctos=("U1", "U2"))
    log(session_factory, acme, "1h review", user="U1")
    log(session_factory, acme, "2h build", user="U2")
    assert [(e.user_id, e.minutes) for e in all_entries(session_factory)] == [("U1", 60), ("U2", 120)]


@pytest.mark.parametrize("user", ["U2", "UFOUNDER"])
def test_only_the_engagements_cto_may_log_and_a_refusal_records_nothing(session_factory, user):
    acme = add_engagement(session_factory, ctos=("U1",), founder_user_ids=["UFOUNDER"])
    with pytest.raises(NotAllowed) as refused:
        log(session_factory, acme, "1h review", user=user)
    assert "Acme" in refused.value.message and "CTO" in refused.value.message
    assert count_entries(session_factory) == 0


def test_the_cto_of_one_engagement_may_not_log_to_another(session_factory):
    add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=("U2",))
    with pytest.raises(NotAllowed):
        log(session_factory, beta, "1h review", user="U1")
    assert count_entries(session_factory) == 0


def test_a_future_date_is_refused_and_records_nothing(session_factory):
    acme = add_engagement(session_factory)
    request = LogtimeRequest(minutes=60, category="review", work_date=TODAY + timedelta(days=1), note="")
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:
        timelog.log_time(session, engagement=acme, user_id="U1", request=request, today=TODAY)
    assert "future" in refused.value.message
    assert count_entries(session_factory) == 0


@pytest.mark.parametrize(("minutes", "reason"), [(0, "longer than zero"), (-30, "longer than zero"),
                                                 (721, "more than 12 h")])
def test_a_request_built_elsewhere_still_obeys_the_entry_limits(session_factory, minutes, reason):
    acme = add_engagement(session_factory)
    request = LogtimeRequest(minutes=minutes, category="build", work_date=TODAY, note="")
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:
        timelog.log_time(session, engagement=acme, user_id="U1", request=request, today=TODAY)
    assert reason in refused.value.message
    assert count_entries(session_factory) == 0


def test_more_than_24_hours_on_one_day_across_engagements_is_refused_naming_what_is_logged(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=("U1", "U2"))
    log(session_factory, acme, "12h build yesterday")
    log(session_factory, beta, "10h build yesterday")

    with pytest.raises(InvalidInput) as refused:
        log(session_factory, acme, "2h30m review yesterday")
    assert "more than 24 h" in refused.value.message
    assert "(22h logged already)" in refused.value.message
    assert "2026-11-17" in refused.value.message
    assert count_entries(session_factory) == 2

    log(session_factory, acme, "2h review yesterday")  # exactly 24 h is allowed
    log(session_factory, beta, "3h review yesterday", user="U2")  # someone else's day is their own
    log(session_factory, acme, "3h review")  # and so is another day
    assert count_entries(session_factory) == 5


def test_deleted_entries_do_not_count_towards_the_day(session_factory):
    acme = add_engagement(session_factory)
    big = log(session_factory, acme, "12h build")
    log(session_factory, acme, "12h build")
    with pytest.raises(InvalidInput):
        log(session_factory, acme, "1h review")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=big.id, user_id="U1")
    log(session_factory, acme, "1h review")
    assert sorted(e.minutes for e in all_entries(session_factory) if e.deleted_at is None) == [60, 720]


def test_a_repeated_source_ref_records_once(session_factory):
    acme = add_engagement(session_factory)
    with transaction(session_factory) as session:
        first = timelog.log_time(session, engagement=acme, user_id="U1", today=TODAY, source="modal",
                                 source_ref="V123", request=parse_logtime("1h review", today=TODAY))
    with transaction(session_factory) as session:
        again = timelog.log_time(session, engagement=acme, user_id="U1", today=TODAY, source="modal",
                                 source_ref="V123", request=parse_logtime("1h review", today=TODAY))
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.entry.id == first.entry.id
    assert count_entries(session_factory) == 1

    log(session_factory, acme, "1h review", source_ref="V124")  # another request is another entry
    assert count_entries(session_factory) == 2


def test_a_source_ref_is_scoped_to_its_engagement(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    beta = add_engagement(session_factory, name="beta", channel="C2")
    log(session_factory, acme, "1h review", source_ref="V1")
    log(session_factory, beta, "1h review", source_ref="V1")
    assert sorted(e.engagement_id for e in all_entries(session_factory)) == sorted([acme.id, beta.id])


# --- edit_entry --------------------------------------------------------------------------------------------------


def test_an_edit_changes_the_entry_in_place_and_records_when(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review PR 1")
    with transaction(session_factory) as session:
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", today=TODAY,
                           request=parse_logtime("1h30m arch queue design monday", today=TODAY))
    [edited] = all_entries(session_factory)
    assert edited.id == entry.id
    assert (edited.minutes, edited.category, edited.work_date, edited.note) == (
        90, "architecture", date(2026, 11, 16), "queue design")
    assert edited.edited_at is not None and edited.edited_at >= edited.created_at
    assert edited.created_at == entry.created_at


@pytest.mark.parametrize(("request_", "reason"), [
    (LogtimeRequest(60, "review", TODAY + timedelta(days=1), ""), "future"),
    (LogtimeRequest(780, "build", TODAY, ""), "more than 12 h"),
    (LogtimeRequest(0, "build", TODAY, ""), "longer than zero"),
])
def test_an_edit_obeys_the_entry_limits_and_leaves_the_entry_as_it_was(session_factory, request_, reason):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", request=request_, today=TODAY)
    assert reason in refused.value.message
    [unchanged] = all_entries(session_factory)
    assert (unchanged.minutes, unchanged.work_date, unchanged.edited_at) == (60, TODAY, None)


def test_an_edit_obeys_the_day_limit_not_counting_the_entry_itself(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "12h build")
    entry = log(session_factory, acme, "10h build")
    with transaction(session_factory) as session:  # 12 h + 12 h: allowed, the old 10 h is replaced
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", today=TODAY,
                           request=LogtimeRequest(720, "build", TODAY, "all day"))
    assert sorted(e.minutes for e in all_entries(session_factory)) == [720, 720]
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:  # but not one minute more
        timelog.log_time(session, engagement=acme, user_id="U1", today=TODAY,
                         request=LogtimeRequest(1, "review", TODAY, ""))
    assert "(24h logged already)" in refused.value.message


def test_moving_an_entry_onto_a_full_day_is_refused(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "12h build monday")
    log(session_factory, acme, "12h build monday")
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", today=TODAY,
                           request=LogtimeRequest(60, "review", date(2026, 11, 16), ""))
    assert "more than 24 h" in refused.value.message and "(24h logged already)" in refused.value.message
    assert [e.work_date for e in all_entries(session_factory)][-1] == TODAY


def test_only_a_cto_may_edit_and_a_deleted_entry_cannot_be_edited(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(NotAllowed):
        timelog.edit_entry(session, entry_id=entry.id, user_id="U2", today=TODAY,
                           request=LogtimeRequest(120, "review", TODAY, ""))
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=entry.id, user_id="U1")
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.edit_entry(session, entry_id=entry.id, user_id="U1", today=TODAY,
                           request=LogtimeRequest(120, "review", TODAY, ""))
    [kept] = all_entries(session_factory)
    assert kept.minutes == 60 and kept.edited_at is None


# --- delete_entry ------------------------------------------------------------------------------------------------


def test_deletion_is_soft_and_takes_the_entry_out_of_the_week_and_the_month(session_factory):
    acme = add_engagement(session_factory)
    keep = log(session_factory, acme, "2h review keep")
    gone = log(session_factory, acme, "1h build gone")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=gone.id, user_id="U1")

    with transaction(session_factory) as session:
        row = session.get(TimeEntry, gone.id)
        assert row is not None and row.deleted_at is not None and row.deleted_by == "U1"
        assert row.minutes == 60 and row.note == "gone"
        assert [e.id for e in timelog.week_entries(session, engagement_id=acme.id, today=TODAY)] == [keep.id]
        summary = retainer.month_summary(session, engagement=acme, month=TODAY, today=TODAY)
        assert summary.minutes == 120 and summary.by_category == {"review": 120}


def test_an_entry_cannot_be_deleted_twice_or_by_a_non_cto(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(NotAllowed):
        timelog.delete_entry(session, entry_id=entry.id, user_id="U2")
    with transaction(session_factory) as session:
        first = timelog.delete_entry(session, entry_id=entry.id, user_id="U1")
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.delete_entry(session, entry_id=entry.id, user_id="U1")
    [row] = all_entries(session_factory)
    assert row.deleted_at == first.deleted_at


def test_deleting_an_entry_that_never_existed_is_not_found(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.delete_entry(session, entry_id=entry.id + 1000, user_id="U1")


# --- undo_last ---------------------------------------------------------------------------------------------------


def test_undo_removes_the_most_recently_logged_entry_not_the_latest_work_date(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "1h build today first")
    last = log(session_factory, acme, "1h review yesterday second")
    with transaction(session_factory) as session:
        undone = timelog.undo_last(session, user_id="U1", engagement=acme)
    assert undone.id == last.id and undone.deleted_by == "U1"
    with transaction(session_factory) as session:
        assert notes(timelog.week_entries(session, engagement_id=acme.id, today=TODAY)) == ["first"]
        timelog.undo_last(session, user_id="U1", engagement=acme)
        assert timelog.week_entries(session, engagement_id=acme.id, today=TODAY) == []
    assert len(all_entries(session_factory)) == 2  # both kept for the audit trail
    with transaction(session_factory) as session, pytest.raises(NotFound) as refused:
        timelog.undo_last(session, user_id="U1", engagement=acme)
    assert "24 hours" in refused.value.message


def test_undo_is_scoped_to_the_engagement_when_given(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    beta = add_engagement(session_factory, name="beta", channel="C2")
    in_acme = log(session_factory, acme, "1h review acme")
    in_beta = log(session_factory, beta, "1h review beta")
    with transaction(session_factory) as session:
        assert timelog.undo_last(session, user_id="U1", engagement=acme).id == in_acme.id
    with transaction(session_factory) as session:
        assert session.get(TimeEntry, in_beta.id).deleted_at is None
        assert timelog.undo_last(session, user_id="U1", engagement=None).id == in_beta.id


def test_undo_without_an_engagement_takes_the_newest_over_all_engagements(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    beta = add_engagement(session_factory, name="beta", channel="C2")
    log(session_factory, beta, "1h review beta")
    newest = log(session_factory, acme, "1h review acme")
    with transaction(session_factory) as session:
        assert timelog.undo_last(session, user_id="U1", engagement=None).id == newest.id


def test_undo_only_touches_the_users_own_entries(session_factory):
    acme = add_engagement(session_factory, ctos=("U1", "U2"))
    mine = log(session_factory, acme, "1h review mine", user="U1")
    log(session_factory, acme, "1h review theirs", user="U2")
    with transaction(session_factory) as session:
        assert timelog.undo_last(session, user_id="U1", engagement=acme).id == mine.id
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.undo_last(session, user_id="U1", engagement=acme)
    assert [e.note for e in all_entries(session_factory) if e.deleted_at is None] == ["theirs"]


def test_undo_reaches_back_24_hours_and_no_further(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review")
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.undo_last(session, user_id="U1", engagement=acme, now=utcnow() + timedelta(hours=25))
    assert all_entries(session_factory)[0].deleted_at is None
    with transaction(session_factory) as session:
        undone = timelog.undo_last(session, user_id="U1", engagement=acme, now=utcnow() + timedelta(hours=23))
    assert undone.id == entry.id


def test_undo_with_nothing_logged_is_not_found(session_factory):
    acme = add_engagement(session_factory)
    with transaction(session_factory) as session, pytest.raises(NotFound):
        timelog.undo_last(session, user_id="U1", engagement=acme)


# --- week_entries ------------------------------------------------------------------------------------------------


def test_the_week_runs_monday_to_sunday_of_today(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    beta = add_engagement(session_factory, name="beta", channel="C2")
    later = date(2026, 11, 30)
    for text in ("1h review 2026-11-15 previous-sunday", "1h review 2026-11-16 monday",
                 "1h review 2026-11-18 wednesday", "1h review 2026-11-22 sunday",
                 "1h review 2026-11-23 next-monday"):
        log(session_factory, acme, text, today=later)
    log(session_factory, beta, "1h review 2026-11-18 other-client", today=later)
    deleted = log(session_factory, acme, "1h build 2026-11-19 deleted", today=later)
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=deleted.id, user_id="U1")

    with transaction(session_factory) as session:
        for today in (date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 22)):
            week = timelog.week_entries(session, engagement_id=acme.id, today=today)
            assert notes(week) == ["monday", "wednesday", "sunday"], today
        assert notes(timelog.week_entries(session, engagement_id=acme.id, today=date(2026, 11, 23))) == [
            "next-monday"]
