"""Exports of the ledger: Harvest's CSV byte for byte, and the JSON audit trail with deleted entries."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bot import formatting
from bot.db import transaction
from bot.services import exports, timelog
from bot.services.logtime_parser import LogtimeRequest, parse_logtime
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import FORMULAS, add_formula_records, csv_rows, formula_cells

NOVEMBER = date(2026, 11, 1)
LATER = date(2026, 12, 31)
TOKEN = "xoxb-1234567890-abcdefghij"


def log(session_factory, engagement, text: str, *, user: str = "U1") -> int:
    with transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id=user, today=LATER,
                                request=parse_logtime(text, today=LATER)).entry.id  # type: ignore[return-value]


def seed(session_factory):
    """A known November for "Acme, Inc.": two CTOs, a deleted entry, and entries either side of the month."""
    acme = add_engagement(session_factory, display_name="Acme, Inc.", ctos=("U1", "U2"))
    log(session_factory, acme, "1h30m architecture 2026-11-02 queue, design")
    log(session_factory, acme, "20m cr 2026-11-03 PR 142")
    log(session_factory, acme, '1h build 2026-11-04 said "ship it"', user="U2")
    log(session_factory, acme, f"45m hiring 2026-11-05 pasted {TOKEN} by mistake")
    deleted = log(session_factory, acme, "2h roadmap 2026-11-06 logged twice")
    log(session_factory, acme, "3h audit 2026-10-31 october")
    log(session_factory, acme, "4h audit 2026-12-01 december")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=deleted, user_id="U1")
    return acme, deleted


def entries(session_factory, acme, *, include_deleted: bool):
    with transaction(session_factory) as session:
        return exports.month_entries(session, engagement=acme, month=NOVEMBER, include_deleted=include_deleted)


EXPECTED_CSV = (
    b"Date,Client,Project,Task,Notes,Hours,First name,Last name\r\n"
    b'2026-11-02,"Acme, Inc.",Fractional CTO retainer,architecture,"queue, design",1.5,Ada,Lovelace\r\n'
    b'2026-11-03,"Acme, Inc.",Fractional CTO retainer,review,PR 142,0.33,Ada,Lovelace\r\n'
    b'2026-11-04,"Acme, Inc.",Fractional CTO retainer,build,"said ""ship it""",1,U2,\r\n'
    b'2026-11-05,"Acme, Inc.",Fractional CTO retainer,hiring,pasted [redacted] by mistake,0.75,Ada,Lovelace\r\n'
)


@pytest.mark.parametrize("include_deleted", [False, True])
def test_hours_csv_byte_for_byte(session_factory, include_deleted):
    acme, _ = seed(session_factory)
    csv_text = exports.hours_csv(entries(session_factory, acme, include_deleted=include_deleted), engagement=acme,
                                 names={"U1": ("Ada", "Lovelace")})
    assert csv_text.encode("utf-8") == EXPECTED_CSV


def test_an_empty_month_is_just_the_header(session_factory):
    acme = add_engagement(session_factory)
    with transaction(session_factory) as session:
        month = exports.month_entries(session, engagement=acme, month=NOVEMBER, include_deleted=True)
    assert exports.hours_csv(month, engagement=acme, names={}) == (
        "Date,Client,Project,Task,Notes,Hours,First name,Last name\r\n")


def test_month_entries_keep_to_the_month_and_the_engagement(session_factory):
    acme, deleted = seed(session_factory)
    other = add_engagement(session_factory, name="other", channel="C2")
    log(session_factory, other, "1h review 2026-11-10 other client")

    live = entries(session_factory, acme, include_deleted=False)
    everything = entries(session_factory, acme, include_deleted=True)

    assert [e.work_date.day for e in live] == [2, 3, 4, 5]
    assert [e.work_date.day for e in everything] == [2, 3, 4, 5, 6]
    assert everything[-1].id == deleted
    with transaction(session_factory) as session:
        for month, days in ((date(2026, 10, 15), [date(2026, 10, 31)]), (date(2026, 12, 1), [date(2026, 12, 1)])):
            found = exports.month_entries(session, engagement=acme, month=month, include_deleted=True)
            assert [e.work_date for e in found] == days


def test_hours_json_is_the_audit_trail_deleted_entries_included(session_factory):
    acme, deleted = seed(session_factory)
    records = json.loads(exports.hours_json(entries(session_factory, acme, include_deleted=True), engagement=acme))

    assert [r["work_date"] for r in records] == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05",
                                                  "2026-11-06"]
    first = records[0]
    assert {k: first[k] for k in ("work_date", "minutes", "category", "note", "user", "hours", "source")} == {
        "work_date": "2026-11-02", "minutes": 90, "category": "architecture", "note": "queue, design",
        "user": "U1", "hours": 1.5, "source": "command"}
    assert first["deleted_at"] is None and first["edited_at"] is None and first["created_at"]
    assert records[1]["hours"] == 0.33 and records[1]["category"] == "review"

    [gone] = [r for r in records if r["id"] == deleted]
    assert gone["deleted_at"] is not None and gone["deleted_by"] == "U1"
    assert (gone["minutes"], gone["category"], gone["note"]) == (120, "roadmap", "logged twice")
    assert sum(1 for r in records if r["deleted_at"] is None) == 4


def test_hours_json_shows_edits(session_factory):
    acme = add_engagement(session_factory)
    entry = log(session_factory, acme, "1h review 2026-11-02")
    with transaction(session_factory) as session:
        timelog.edit_entry(session, entry_id=entry, user_id="U1", today=LATER,
                           request=LogtimeRequest(90, "architecture", date(2026, 11, 2), "fixed"))
    [record] = json.loads(exports.hours_json(entries(session_factory, acme, include_deleted=True), engagement=acme))
    assert record["edited_at"] is not None
    assert (record["minutes"], record["hours"], record["category"], record["note"]) == (90, 1.5, "architecture",
                                                                                        "fixed")


def test_a_slack_token_in_a_note_is_redacted_in_both_exports(session_factory):
    acme, _ = seed(session_factory)
    month = entries(session_factory, acme, include_deleted=True)
    csv_text = exports.hours_csv(month, engagement=acme, names={})
    json_text = exports.hours_json(month, engagement=acme)
    for text in (csv_text, json_text):
        assert TOKEN not in text and "1234567890-abcdefghij" not in text
        assert "pasted [redacted] by mistake" in text


@pytest.mark.parametrize(("minutes", "hours"), [
    (90, "1.5"), (20, "0.33"), (60, "1"), (45, "0.75"), (100, "1.67"), (1, "0.02"), (720, "12"), (600, "10"),
])
def test_decimal_hours(minutes, hours):
    assert formatting.decimal_hours(minutes) == hours


def test_parse_month_accepts_yyyy_mm():
    assert exports.parse_month("2026-11") == date(2026, 11, 1)
    assert exports.parse_month(" 2027-01 ") == date(2027, 1, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "nov", "2026-00", "", "2026-11-01", "26-11", "2026/11",
                                  "november 2026"])
def test_parse_month_refuses_anything_else(text):
    with pytest.raises(ValueError) as refused:
        exports.parse_month(text)
    assert "YYYY-MM" in str(refused.value)


# --- formula injection: every CSV cell a spreadsheet would run is written as text ----------------------


def formula_engagement(session_factory):
    acme = add_engagement(session_factory, display_name="=cmd|' /C calc'!A0")
    add_formula_records(session_factory, acme)
    return acme


def column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_the_harvest_csv_quotes_formulas_and_keeps_hours_numbers(session_factory):
    acme = formula_engagement(session_factory)
    rows = csv_rows(exports.hours_csv(entries(session_factory, acme, include_deleted=False), engagement=acme,
                                      names={"U1": ("@Ada", "-Lovelace")}))
    assert column(rows, "Notes") == ["'" + text for text in FORMULAS]
    assert set(column(rows, "Client")) == {"'=cmd|' /C calc'!A0"}
    assert set(column(rows, "First name")) == {"'@Ada"} and set(column(rows, "Last name")) == {"'-Lovelace"}
    assert set(column(rows, "Hours")) == {"0.5"} and rows[0] == list(exports.HARVEST_COLUMNS)
    assert formula_cells(rows) == []


@pytest.mark.parametrize(("build", "fields", "columns"), [
    (exports.questions_records, exports.QUESTION_FIELDS, ("text",)),
    (exports.reviews_records, exports.REVIEW_FIELDS, ("note",)),
    (exports.risks_records, exports.RISK_FIELDS, ("title", "mitigation", "owner")),
])
def test_record_csvs_quote_formulas(session_factory, build, fields, columns):
    acme = formula_engagement(session_factory)
    with transaction(session_factory) as session:
        rows = csv_rows(exports.records_csv(build(session, engagement=acme), fields))
    for name in columns:
        assert column(rows, name) == ["'" + text for text in FORMULAS], name
    assert formula_cells(rows) == []


def test_the_decisions_csv_quotes_formulas(session_factory):
    acme = formula_engagement(session_factory)
    with transaction(session_factory) as session:
        rows = csv_rows(exports.decisions_csv(exports.decisions_records(session, engagement=acme)))
    assert column(rows, "title") == ["'" + text for text in FORMULAS]
    assert column(rows, "number") == [str(n) for n in range(1, len(FORMULAS) + 1)]
    assert formula_cells(rows) == []


def test_ctobots_own_numbers_stay_numbers_even_when_negative():
    """An amendment's delta is ctobot's number, passed as a number: written as is; a person's `-2` is text."""
    rows = csv_rows(exports.csv_text(["Delta", "Minutes", "Note"], [[Decimal("-1.5"), -90, "-2"],
                                                                   [Decimal("2"), 120, "2"]]))
    assert rows == [["Delta", "Minutes", "Note"], ["-1.5", "-90", "'-2"], ["2", "120", "2"]]


@pytest.mark.parametrize("text", ["Use Postgres", "2026-11-02", "a=b", "x-y", "me@example.com", "", "'=1"])
def test_ordinary_text_is_written_unchanged(text):
    assert exports.formula_safe(text) == text
