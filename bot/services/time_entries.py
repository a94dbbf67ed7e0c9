"""A time entry saved from the `/logtime` form: a new one (asked first in a month already sent) or an edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.errors import InvalidInput
from bot.models import Engagement, TimeEntry
from bot.services import engagements, months, ownership, timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.services.ownership import Scope


@dataclass(frozen=True)
class Saved:
    """The entry as saved, how to say it ("Logged", "Updated:") and the work days whose totals changed."""

    entry: TimeEntry
    verb: str
    changed_days: list[date]


def save_from_form(session: Session, *, engagement: Engagement, user_id: str, request: LogtimeRequest,
                   today: date, entry_id: int | None, amend_confirmed: bool, source_ref: str,
                   scope: Scope) -> Saved:
    """Log `request` (or, with `entry_id`, edit that entry) for the engagement's CTO `user_id`."""
    engagements.require_cto(engagement, user_id, to="log time")
    if entry_id is None:
        sent = months.sent_statement_for(session, engagement_id=engagement.id, day=request.work_date)  # type: ignore[arg-type]
        if sent is not None and not amend_confirmed:
            raise InvalidInput(f"{sent.month:%B %Y}'s statement was already sent. Tick this box to log it "
                               "anyway: an amendment goes in the statement's thread.", field="amend")
        entry = timelog.log_time(session, engagement=engagement, user_id=user_id, request=request, today=today,
                                 source="modal", source_ref=source_ref).entry
        return Saved(entry=entry, verb="Logged", changed_days=[request.work_date])
    entry, owner = ownership.owned(session, TimeEntry, entry_id, scope=scope, what="time entry")
    if owner.id != engagement.id:
        raise InvalidInput("A time entry stays with its client: delete it, then log it again for the other client.",
                           field="engagement")
    before = entry.work_date
    entry = timelog.edit_entry(session, entry_id=entry.id, user_id=user_id, request=request, today=today)  # type: ignore[arg-type]
    return Saved(entry=entry, verb="Updated:", changed_days=[request.work_date, before])
