"""The registers' one service: numbering, owner, status lifecycle, edits, lists, the change report, records.

Each kind's own fields, statuses, transitions, permissions and rules are in bot/services/register_kinds.py.
Anyone in a linked channel adds risks and findings; the CTO adds vendors, roadmap items and systems, and only
the CTO edits an entry or changes its status (docs/design.md, Permissions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot import calendar
from bot.db.unique import insert_once
from bot.errors import InvalidInput, NotFound
from bot.models import Artifact, Engagement, id_of, utcnow
from bot.models.registers import RegisterFields
from bot.redact import redact
from bot.services.engagements import require_cto
from bot.services.register_kinds import (
    CHOICE,
    DATE,
    DAYS,
    KINDS,
    LONG,
    QUARTER_TYPE,
    FieldSpec,
    KindSpec,
    parse_quarter,
)

UNSET: Any = object()
OWNER_LENGTH = 64
NOTE_LENGTH = 1000
TITLE_LENGTH = 300
COMMON_BEFORE = ("number", "engagement", "title")
COMMON_AFTER = ("owner", "status", "opened_by", "opened_at", "closed_at", "close_note", "status_changed_at",
                "updated_at")


def kind_spec(kind: Any) -> KindSpec:
    """The spec of `kind` (from a form's metadata, so anything); NotFound for a kind there is not."""
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise NotFound("That register no longer exists; nothing was changed.")
    return spec


def parse_number(spec: KindSpec, text: str) -> int:
    """`3`, `R3`, `r3` -> 3; InvalidInput otherwise."""
    word = text.strip()
    if word[: len(spec.prefix)].upper() == spec.prefix:
        word = word[len(spec.prefix):]
    if not (word.isascii() and word.isdigit() and len(word) <= 9):
        raise InvalidInput(f"Name the {spec.noun}'s number, e.g. `{spec.command} edit 3`. "
                           f"`{spec.command}` lists them.")
    return int(word)


def clean_value(spec: FieldSpec, value: Any) -> Any:
    """A field's value as it is stored: checked against its type, user text redacted and cut to its column."""
    name = spec.label.split(" (")[0]
    if spec.type == DATE:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{name} is a date like 2027-01-31.", field=spec.name) from None
    if spec.type == DAYS:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 5):
            raise InvalidInput(f"{name} is a whole number of days.", field=spec.name)
        return int(text)
    text = " ".join(str(value or "").split()) if spec.type != LONG else str(value or "").strip()
    if spec.type == CHOICE:
        text = text.lower() or (spec.default or "")
        if not text and not spec.required:
            return ""
        if text not in spec.choices:
            raise InvalidInput(f"{name} is one of {', '.join(spec.choices)}.", field=spec.name)
        return text
    if spec.type == QUARTER_TYPE:
        return parse_quarter(text) if text or spec.required else ""
    if spec.required and not text:
        raise InvalidInput(f"Give the {name.lower()}.", field=spec.name)
    return redact(text)[: spec.max_length]


def _text(value: Any, limit: int) -> str:
    return redact(str(value or "").strip())[:limit]


def get_entry(session: Session, spec: KindSpec, *, engagement: Engagement, number: int) -> Any:
    """Entry N of the engagement's register of this kind; NotFound otherwise."""
    model = spec.model
    entry = session.exec(select(model).where(model.engagement_id == engagement.id,
                                             model.number == number)).first()
    if entry is None:
        raise NotFound(f"There is no {spec.noun} {number}. `{spec.command}` lists them.")
    return entry


def add_entry(session: Session, spec: KindSpec, *, engagement: Engagement, user_id: str, title: str,
              values: Mapping[str, Any] | None = None, owner: str | None = None) -> Any:
    """A new entry with the engagement's next number of this kind, in the kind's first status."""
    if not spec.anyone_adds:
        require_cto(engagement, user_id, to=f"add {spec.plural}")
    title = _text(" ".join(title.split()), TITLE_LENGTH)
    if not title:
        raise InvalidInput(f"Give the {spec.noun} a {spec.title_word}, e.g. {spec.add_usage}.", field="title")
    cleaned = {f.name: clean_value(f, (values or {}).get(f.name)) for f in spec.fields
               if f.name in (values or {}) or f.required}
    now = utcnow()
    model = spec.model
    for _ in range(5):  # two people adding at once: the loser takes the next number
        number = (session.exec(select(func.max(model.number)).where(
            model.engagement_id == engagement.id)).one() or 0) + 1
        entry = model(engagement_id=id_of(engagement), number=number, title=title, status=spec.statuses[0],
                      opened_by=user_id, opened_at=now, status_changed_at=now,
                      owner=_text(owner, OWNER_LENGTH) or None, **cleaned)
        spec.check(entry)
        if insert_once(session, entry):
            return entry
    raise InvalidInput(f"Several {spec.plural} were added at the same moment; please try again.")


def update_entry(session: Session, spec: KindSpec, *, engagement: Engagement, entry: Any, user_id: str,
                 title: str | None = None, owner: Any = UNSET, status: str | None = None,
                 values: Mapping[str, Any] | None = None, note: str | None = None, to: str | None = None) -> Any:
    """Edit an entry (CTO only): any of its title, owner, fields and status, then the kind's rules.

    A status change must be one of the kind's transitions; it stamps status_changed_at, and closed_at when the
    entry leaves the kind's current statuses (a reopened entry loses closed_at and its note)."""
    require_cto(engagement, user_id, to=to or f"change {spec.plural}")
    now = utcnow()
    updates: dict[str, Any] = {}  # everything is checked before anything changes
    if title is not None:
        updates["title"] = _text(" ".join(title.split()), TITLE_LENGTH)
        if not updates["title"]:
            raise InvalidInput(f"Give the {spec.noun} a {spec.title_word}.", field="title")
    if owner is not UNSET:
        updates["owner"] = _text(owner, OWNER_LENGTH) or None
    for name, value in (values or {}).items():
        field_spec = spec.field_spec(name)
        if field_spec is None:
            raise InvalidInput(f"A {spec.noun} has no field {name}.")
        updates[name] = clean_value(field_spec, value)
    if status is not None and status != entry.status:
        if status not in spec.statuses:
            raise InvalidInput(f"A {spec.noun}'s status is one of {', '.join(spec.statuses)}.", field="status")
        allowed = spec.transitions.get(entry.status, ())
        if status not in allowed:
            raise InvalidInput(f"{spec.title_case} {spec.label(entry.number)} is {entry.status}; it can become "
                               f"{' or '.join(allowed) or 'nothing else'}, not {status}.", field="status")
        updates.update(status=status, status_changed_at=now)
        if status in spec.current:
            updates.update(closed_at=None, close_note=None)
        elif entry.status in spec.current:
            updates["closed_at"] = now
    if note is not None and note.strip():
        updates["close_note"] = _text(note, NOTE_LENGTH)
    before = {name: getattr(entry, name) for name in updates}
    for name, value in updates.items():
        setattr(entry, name, value)
    try:
        spec.check(entry)
    except InvalidInput:
        for name, value in before.items():
            setattr(entry, name, value)
        raise
    entry.updated_at, entry.updated_by = now, user_id
    session.add(entry)
    session.flush()
    return entry


def set_status(session: Session, spec: KindSpec, *, engagement: Engagement, number: int, status: str,
               user_id: str, note: str = "", values: Mapping[str, Any] | None = None, verb: str | None = None) -> Any:
    """Move entry N to `status` (CTO only); saying it already is when it is."""
    require_cto(engagement, user_id, to=f"{verb or 'change'} {spec.plural}")
    entry = get_entry(session, spec, engagement=engagement, number=number)
    if entry.status == status:
        raise InvalidInput(f"{spec.title_case} {number} is already {status}.")
    return update_entry(session, spec, engagement=engagement, entry=entry, user_id=user_id, status=status,
                        values=values, note=note)


def list_entries(session: Session, spec: KindSpec, *, engagement_id: int) -> list[Any]:
    """Every entry: the current ones first in the kind's order, then the others in the same order."""
    model = spec.model
    rows = list(session.exec(select(model).where(model.engagement_id == engagement_id)).all())
    return sorted(rows, key=lambda e: (e.status not in spec.current, spec.sort(e)))


def all_entries(session: Session, spec: KindSpec, *, engagement_id: int) -> list[Any]:
    """Every entry, by number."""
    model = spec.model
    return list(session.exec(select(model).where(model.engagement_id == engagement_id)
                             .order_by(col(model.number))).all())


@dataclass(frozen=True)
class Changes:
    """The register as a change report since a day: what was fixed, what remains, what is new."""

    since: date
    fixed: list[Any]  # there before the day, left its current statuses on or after it
    remaining: list[Any]  # there before the day, still current
    new: list[Any]  # opened on or after the day (whatever their status now)


def changes_since(session: Session, spec: KindSpec, *, engagement: Engagement, since: date) -> Changes:
    """The change report from the start of `since` in the engagement's time zone."""
    start = datetime.combine(since, time(0), ZoneInfo(engagement.timezone))
    entries = list_entries(session, spec, engagement_id=id_of(engagement))
    new = [e for e in entries if e.opened_at >= start]
    before = [e for e in entries if e.opened_at < start]
    fixed = [e for e in before if e.status not in spec.current
             and (e.status_changed_at or e.closed_at or e.opened_at) >= start]
    remaining = [e for e in before if e.status in spec.current]
    return Changes(since=since, fixed=fixed, remaining=remaining, new=new)


def export_fields(spec: KindSpec) -> tuple[str, ...]:
    """The export's keys: number, engagement, title, the kind's fields and derived ones, then the common ones."""
    return (*COMMON_BEFORE, *(f.name for f in spec.fields), *(name for name, _, _ in spec.derived), *COMMON_AFTER)


def records(session: Session, spec: KindSpec, *, engagement: Engagement) -> list[dict[str, Any]]:
    """The whole register of this kind, by number, keyed by export_fields (dates in ISO 8601)."""
    derived = {name: how for name, _, how in spec.derived}
    out = []
    for entry in all_entries(session, spec, engagement_id=id_of(engagement)):
        record: dict[str, Any] = {}
        for name in export_fields(spec):
            value = (engagement.name if name == "engagement" else derived[name](entry) if name in derived
                     else getattr(entry, name))
            record[name] = value.isoformat() if isinstance(value, (datetime, date)) else value
        out.append(record)
    return out


def is_current(spec: KindSpec, entry: RegisterFields) -> bool:
    """Whether the entry is in one of its kind's current statuses."""
    return entry.status in spec.current


def default_since(session: Session, spec: KindSpec, *, engagement: Engagement) -> date:
    """`changes` without a date: since the kind's baseline artifact was delivered (the month-1 immediate-risks
    document for risks, the technical audit for findings), else since the engagement started."""
    if spec.baseline_artifact:
        artifact = session.exec(select(Artifact).where(Artifact.engagement_id == engagement.id,
                                                       Artifact.kind == spec.baseline_artifact)).first()
        if artifact is not None and artifact.delivered_at is not None:
            return calendar.local_today(engagement, artifact.delivered_at)
    return engagement.start_date


def parse_day(text: str) -> date:
    """`2026-10-01` -> the date; InvalidInput otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"Give the day as YYYY-MM-DD, e.g. 2026-10-01, not `{text.strip()[:20]}`.") from None
