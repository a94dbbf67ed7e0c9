"""Exports of the ledger: Harvest-compatible CSV and a JSON audit trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from numbers import Number
from typing import Any

from sqlmodel import Session, col, select

from bot import formatting
from bot.models import Engagement, Question, ReviewRequest, TimeEntry, id_of
from bot.redact import redact
from bot.services import registers
from bot.services.categories import mode_of
from bot.services.register_kinds import FINDING, RISK, ROADMAP, SYSTEM, VENDOR, KindSpec
from bot.services.retainer import month_end, month_start
from bot.services.timelog import entries_between

HARVEST_COLUMNS = ("Date", "Client", "Project", "Task", "Notes", "Hours", "First name", "Last name")
HARVEST_PROJECT = "Fractional CTO retainer"


# OWASP's CSV injection advice: a cell a spreadsheet would read as a formula or a command starts with one of
# these (tab and CR included); such a cell gets a leading single quote, so it is shown as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula.

    Text that starts with `=`, `+`, `-`, `@`, tab or CR, also after leading spaces or line breaks (spreadsheets
    trim those before reading a formula), is prefixed with `'`. ctobot's own numbers are passed as numbers
    (int, Decimal) and written as they are, so a negative number of ctobot's (an amendment's delta) stays a
    number; a person's text `-2` does not.
    """
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The one CSV writer of ctobot: a header and rows, every cell through `formula_safe`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([formula_safe(cell) for cell in header])
    writer.writerows([formula_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def parse_month(text: str) -> date:
    """`2026-11` -> 2026-11-01; ValueError otherwise."""
    year, _, month = text.strip().partition("-")
    if not (len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        raise ValueError(f"'{text}' is not a month in YYYY-MM form")
    return date(int(year), int(month), 1)


def month_entries(session: Session, *, engagement: Engagement, month: date, include_deleted: bool) -> list[TimeEntry]:
    """The month's entries, oldest first (deleted ones too when asked, for the audit trail)."""
    first = month_start(month)
    return entries_between(session, engagement_id=id_of(engagement), start=first, end=month_end(first),
                           include_deleted=include_deleted)


def hours_csv(entries: list[TimeEntry], *, engagement: Engagement, names: Mapping[str, tuple[str, str]]) -> str:
    """Harvest's time import: Date,Client,Project,Task,Notes,Hours,First name,Last name (live entries only)."""
    live = [entry for entry in entries if entry.deleted_at is None]
    rows = []
    # Rounded as a column, so that the Hours column sums exactly to the month's total.
    for entry, hours in zip(live, formatting.hours_column([e.minutes for e in live]), strict=True):
        first, last = names.get(entry.user_id, (entry.user_id, ""))
        rows.append([entry.work_date.isoformat(), engagement.display_name, HARVEST_PROJECT, entry.category,
                     redact(entry.note), Decimal(hours), first, last])
    return csv_text(HARVEST_COLUMNS, rows)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def hours_records(entries: list[TimeEntry], *, engagement: Engagement) -> list[dict[str, Any]]:
    """Every entry, deleted and edited ones included, keyed by the field names of docs/design.md."""
    return [{
        "id": e.id, "engagement": engagement.name, "user": e.user_id, "work_date": e.work_date.isoformat(),
        "minutes": e.minutes, "hours": float(formatting.decimal_hours(e.minutes)), "category": e.category,
        "mode": mode_of(e.category), "note": redact(e.note), "source": e.source,
        "created_at": _iso(e.created_at), "edited_at": _iso(e.edited_at), "deleted_at": _iso(e.deleted_at),
        "deleted_by": e.deleted_by,
    } for e in entries]


def hours_json(entries: list[TimeEntry], *, engagement: Engagement) -> str:
    """The JSON export: a list of objects, pretty-printed, newline-terminated."""
    return json.dumps(hours_records(entries, engagement=engagement), indent=2, ensure_ascii=False) + "\n"


# Keys are docs/design.md's field names in snake_case; ATTRIBUTES maps the few that differ from the model's columns.
QUESTION_FIELDS = ("id", "engagement", "channel", "message_ts", "thread_ts", "asker", "text", "asked_at",
                   "first_response_at", "first_response_by", "resolved_at", "status", "source", "permalink",
                   "deleted_at")
REVIEW_FIELDS = ("id", "engagement", "channel", "message_ts", "requester", "url", "note", "status",
                 "source", "requested_at", "first_response_at", "first_response_by", "completed_at", "permalink",
                 "deleted_at")


ATTRIBUTES = {"channel": "channel_id", "asker": "asker_user_id", "requester": "requester_user_id"}


def _records(rows: list[Any], fields: tuple[str, ...], engagement: Engagement) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        record: dict[str, Any] = {}
        for name in fields:
            value = engagement.name if name == "engagement" else getattr(row, ATTRIBUTES.get(name, name))
            record[name] = value.isoformat() if isinstance(value, (datetime, date)) else value
        out.append(record)
    return out


def questions_records(session: Session, *, engagement: Engagement) -> list[dict[str, Any]]:
    """Every question of the engagement, oldest first (deleted ones marked, their text gone)."""
    rows = session.exec(select(Question).where(Question.engagement_id == engagement.id)
                        .order_by(col(Question.asked_at), col(Question.id))).all()
    return _records(list(rows), QUESTION_FIELDS, engagement)


def reviews_records(session: Session, *, engagement: Engagement) -> list[dict[str, Any]]:
    """Every review request of the engagement, oldest first."""
    rows = session.exec(select(ReviewRequest).where(ReviewRequest.engagement_id == engagement.id)
                        .order_by(col(ReviewRequest.requested_at), col(ReviewRequest.id))).all()
    return _records(list(rows), REVIEW_FIELDS, engagement)


def records_csv(records: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """Records as CSV with a header of `fields` (a key outside `fields` is an error, as with DictWriter)."""
    for record in records:
        if extra := set(record) - set(fields):
            raise ValueError(f"fields not in the CSV header: {sorted(extra)}")
    return csv_text(fields, ([record.get(name) for name in fields] for record in records))


def records_json(records: list[dict[str, Any]]) -> str:
    """Records as pretty JSON, newline-terminated."""
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


# The registers (risks, findings, vendors, roadmap items, systems): one record shape, keyed by
# bot.services.registers.export_fields; the risk export keeps its fields and adds status_changed_at and updated_at.
REGISTER_EXPORTS = {"risks": RISK, "findings": FINDING, "vendors": VENDOR, "roadmap": ROADMAP, "systems": SYSTEM}
RISK_FIELDS = registers.export_fields(RISK)


def register_exporter(spec: KindSpec) -> Callable[..., list[dict[str, Any]]]:
    """The records function of a register kind, shaped like questions_records."""
    def build(session: Session, *, engagement: Engagement) -> list[dict[str, Any]]:
        return registers.records(session, spec, engagement=engagement)
    build.__doc__ = f"The whole {spec.noun} register, by number."
    return build


risks_records = register_exporter(RISK)


DECISION_FIELDS = ("number", "engagement", "title", "status", "context", "options", "outcome", "consequences",
                   "deciders", "proposer", "channel", "thread_ts", "permalink", "supersedes", "superseded_by",
                   "draft_method", "adr_draft", "created_at", "updated_at", "decided_at")


def decisions_records(session: Session, *, engagement: Engagement) -> list[dict[str, Any]]:
    """The decision log, by number; links to other decisions by number; options and deciders as lists."""
    from bot.services.decisions import list_decisions, options_list

    rows = list_decisions(session, engagement_id=id_of(engagement))
    numbers = {d.id: d.number for d in rows}
    return [{
        "number": d.number, "engagement": engagement.name, "title": d.title, "status": d.status,
        "context": d.context, "options": options_list(d.options), "outcome": d.outcome,
        "consequences": d.consequences, "deciders": list(d.deciders), "proposer": d.proposer_user_id,
        "channel": d.channel_id, "thread_ts": d.thread_ts, "permalink": d.permalink,
        "supersedes": numbers.get(d.supersedes_id), "superseded_by": numbers.get(d.superseded_by_id),
        "draft_method": d.draft_method, "adr_draft": d.draft_text, "created_at": _iso(d.created_at),
        "updated_at": _iso(d.updated_at), "decided_at": _iso(d.decided_at),
    } for d in rows]


def decisions_csv(records: list[dict[str, Any]]) -> str:
    """The decision log as CSV: list fields joined with "; "."""
    flat = [{key: "; ".join(value) if isinstance(value, list) else value for key, value in record.items()}
            for record in records]
    return records_csv(flat, DECISION_FIELDS)
