"""The time ledger: logging, editing, undoing and listing entries against an engagement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, or_
from sqlmodel import Session, col, select

from bot.errors import InvalidInput, NotFound
from bot.formatting import duration
from bot.models import Engagement, TimeEntry, id_of, utcnow
from bot.redact import redact
from bot.services.engagements import require_cto
from bot.services.logtime_parser import LogtimeRequest, check_minutes, check_work_date, resolve_or_refuse

MAX_NOTE_CHARS = 2000

MAX_DAY_MINUTES = 24 * 60
UNDO_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Logged:
    """An entry just recorded (or found already recorded, for a retried request)."""

    entry: TimeEntry
    duplicate: bool


def minutes_on(session: Session, *, user_id: str, work_date: date, exclude_id: int | None = None) -> int:
    """Minutes the user has logged on `work_date`, over every engagement."""
    return int(session.execute(_MINUTES_ON, {"user_id": user_id, "work_date": work_date,
                                             "exclude_id": -1 if exclude_id is None else exclude_id}).scalar_one())


_MINUTES_ON = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(  # built once: every /logtime asks it
    TimeEntry.user_id == bindparam("user_id"), TimeEntry.work_date == bindparam("work_date"),
    col(TimeEntry.deleted_at).is_(None), TimeEntry.id != bindparam("exclude_id"))


def _check_day(session: Session, *, user_id: str, work_date: date, minutes: int, exclude_id: int | None = None) -> None:
    already = minutes_on(session, user_id=user_id, work_date=work_date, exclude_id=exclude_id)
    if already + minutes > MAX_DAY_MINUTES:
        raise InvalidInput(
            f"That would make {duration(already + minutes)} on {work_date.isoformat()}, more than 24 h in one day "
            f"({duration(already)} logged already). Check the date, e.g. `/logtime 2h review yesterday`.",
            field="duration")


def _checked(request: LogtimeRequest, *, today: date) -> LogtimeRequest:
    """The request with a known category and a redacted, bounded note; InvalidInput otherwise."""
    check_minutes(request.minutes)
    check_work_date(request.work_date, today=today)
    return LogtimeRequest(minutes=request.minutes, category=resolve_or_refuse(request.category),
                          work_date=request.work_date, note=redact(request.note.strip())[:MAX_NOTE_CHARS])


def check_request(session: Session, *, engagement: Engagement, user_id: str, request: LogtimeRequest,
                  today: date) -> LogtimeRequest:
    """What `log_time` would record, checked (InvalidInput, NotAllowed) without recording it: for a confirmation."""
    require_cto(engagement, user_id, to="log time")
    request = _checked(request, today=today)
    _check_day(session, user_id=user_id, work_date=request.work_date, minutes=request.minutes)
    return request


def log_time(session: Session, *, engagement: Engagement, user_id: str, request: LogtimeRequest, today: date,
             source: str = "command", source_ref: str | None = None) -> Logged:
    """Record `request` for `user_id` (a CTO of the engagement); a repeated `source_ref` records nothing new."""
    require_cto(engagement, user_id, to="log time")
    if source_ref is not None:
        existing = session.exec(select(TimeEntry).where(
            TimeEntry.engagement_id == engagement.id, TimeEntry.source_ref == source_ref)).first()
        if existing is not None:
            return Logged(entry=existing, duplicate=True)
    request = _checked(request, today=today)
    _check_day(session, user_id=user_id, work_date=request.work_date, minutes=request.minutes)
    entry = TimeEntry(engagement_id=id_of(engagement), user_id=user_id, work_date=request.work_date,
                      minutes=request.minutes, category=request.category, note=request.note, source=source,
                      source_ref=source_ref)
    session.add(entry)
    session.flush()
    return Logged(entry=entry, duplicate=False)


def get_entry(session: Session, *, entry_id: int, user_id: str) -> tuple[TimeEntry, Engagement]:
    """A live entry, when the user is one of its engagement's CTO users (only they change the ledger)."""
    entry = session.get(TimeEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise NotFound("That time entry no longer exists (it may have been deleted).")
    engagement = session.get(Engagement, entry.engagement_id)
    assert engagement is not None
    require_cto(engagement, user_id, to="change its time entries")
    return entry, engagement


def edit_entry(session: Session, *, entry_id: int, user_id: str, request: LogtimeRequest, today: date) -> TimeEntry:
    """Replace an entry's duration, category, date and note; the entry keeps its id and records the edit."""
    entry, _ = get_entry(session, entry_id=entry_id, user_id=user_id)
    request = _checked(request, today=today)
    _check_day(session, user_id=entry.user_id, work_date=request.work_date, minutes=request.minutes,
               exclude_id=entry.id)
    entry.minutes, entry.category = request.minutes, request.category
    entry.work_date, entry.note = request.work_date, request.note
    entry.edited_at = utcnow()
    session.add(entry)
    session.flush()
    return entry


def delete_entry(session: Session, *, entry_id: int, user_id: str) -> TimeEntry:
    """Soft-delete an entry: it leaves the totals but stays in the JSON export's audit trail."""
    entry, _ = get_entry(session, entry_id=entry_id, user_id=user_id)
    entry.deleted_at = utcnow()
    entry.deleted_by = user_id
    session.add(entry)
    session.flush()
    return entry


def undo_last(session: Session, *, user_id: str, engagement: Engagement | None, team_id: str | None = None,
              now: datetime | None = None) -> TimeEntry:
    """Soft-delete the user's most recent entry of the last 24 hours (in this engagement when given, else in
    the workspace `team_id` when given)."""
    now = now or utcnow()
    query = select(TimeEntry).where(TimeEntry.user_id == user_id, col(TimeEntry.deleted_at).is_(None),
                                    TimeEntry.created_at >= now - UNDO_WINDOW)
    if engagement is not None:
        query = query.where(TimeEntry.engagement_id == engagement.id)
    elif team_id is not None:
        query = query.join(Engagement, col(Engagement.id) == col(TimeEntry.engagement_id)).where(
            or_(col(Engagement.team_id) == team_id, col(Engagement.team_id) == ""))
    entry = session.exec(query.order_by(col(TimeEntry.created_at).desc(), col(TimeEntry.id).desc())).first()
    if entry is None:
        raise NotFound("You have logged nothing in the last 24 hours to undo. `/logtime list` shows this week.")
    return delete_entry(session, entry_id=id_of(entry), user_id=user_id)


def entries_between(session: Session, *, engagement_id: int, start: date, end: date,
                    include_deleted: bool = False) -> list[TimeEntry]:
    """Entries with start <= work date <= end, oldest first."""
    query = select(TimeEntry).where(TimeEntry.engagement_id == engagement_id, TimeEntry.work_date >= start,
                                    TimeEntry.work_date <= end)
    if not include_deleted:
        query = query.where(col(TimeEntry.deleted_at).is_(None))
    query = query.order_by(col(TimeEntry.work_date), col(TimeEntry.created_at), col(TimeEntry.id))
    return list(session.exec(query).all())


def week_entries(session: Session, *, engagement_id: int, today: date) -> list[TimeEntry]:
    """This ISO week's live entries (Monday to Sunday)."""
    monday = today - timedelta(days=today.weekday())
    return entries_between(session, engagement_id=engagement_id, start=monday, end=monday + timedelta(days=6))
