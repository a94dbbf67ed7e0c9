"""Buttons on `/logtime` messages: Undo and Edit on a confirmation, Delete in the week's list."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.flows.time_entries import ledger_changed
from bot.formatting import duration
from bot.models import Engagement, TimeEntry
from bot.services import engagements, ownership, retainer, timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.slack import ids, timelog_blocks
from handlers.context import Request
from handlers.errors import user_errors


def _own_entry(session: Session, action: dict[str, Any], req: Request) -> tuple[TimeEntry, Engagement]:
    """The button's time entry: one of the engagement of the channel it was clicked in (in a DM: this workspace's)."""
    return ownership.owned(session, TimeEntry, action.get("value"), scope=req.scope(session), what="time entry")


def _confirmed_request(value: Any) -> dict[str, Any]:
    """The entry a "Log it and amend" button carries; InvalidInput when it is not one."""
    try:
        asked = json.loads(value or "")
        return {"engagement": asked["engagement"], "minutes": int(asked["minutes"]),
                "category": str(asked["category"]), "work_date": date.fromisoformat(asked["work_date"]),
                "note": str(asked.get("note") or "")}
    except (ValueError, TypeError, KeyError):
        raise InvalidInput("That button no longer holds an entry; nothing was logged. Run `/logtime` again.") from None


def register(app: App, deps: Deps) -> None:
    """Register the `/logtime` buttons."""

    @app.action(ids.ACTION_LOGTIME_UNDO)
    @user_errors()
    def undo_clicked(ack: Ack, action: dict[str, Any], respond: Respond, req: Request) -> None:
        ack()
        with transaction(deps.session_factory) as session:
            entry, _ = _own_entry(session, action, req)
            entry = timelog.delete_entry(session, entry_id=entry.id, user_id=req.user_id)  # type: ignore[arg-type]
            text = (f"Undone: {duration(entry.minutes)} of {entry.category} on "
                    f"{entry.work_date.isoformat()} (kept in the export's audit trail).")
            engagement_id, day = entry.engagement_id, entry.work_date
        respond(text=text, replace_original=True)
        deps.background.submit(ledger_changed, deps, engagement_id, [day])

    @app.action(ids.ACTION_LOGTIME_CONFIRM_SENT)
    @user_errors()
    def confirm_sent_clicked(ack: Ack, action: dict[str, Any], respond: Respond, req: Request) -> None:
        """"Log it and amend": the entry into a sent month, then (in the background) the amendment."""
        ack()
        asked = _confirmed_request(action.get("value"))
        # One entry per confirmation message, however often the button is clicked.
        source_ref = f"confirm:{(req.body.get('container') or {}).get('message_ts') or action.get('action_ts')}"
        with transaction(deps.session_factory) as session:
            engagement, _ = ownership.owned(session, Engagement, asked.pop("engagement"), scope=req.scope(session),
                                            what="client")
            today = req.today(session, engagement)
            logged = timelog.log_time(session, engagement=engagement, user_id=req.user_id, today=today,
                                      request=LogtimeRequest(**asked), source="command", source_ref=source_ref)
            text, message_blocks = _entry_message(session, logged.entry, engagement, today)
            engagement_id, day = engagement.id, logged.entry.work_date
        respond(text=text, blocks=message_blocks, replace_original=True)
        if not logged.duplicate:
            deps.background.submit(ledger_changed, deps, engagement_id, [day])

    @app.action(ids.ACTION_LOGTIME_CANCEL)
    @user_errors()
    def cancel_clicked(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Nothing was logged.", replace_original=True)

    @app.action(ids.ACTION_LOGTIME_DELETE)
    @user_errors()
    def delete_clicked(ack: Ack, action: dict[str, Any], respond: Respond, req: Request) -> None:
        ack()
        with transaction(deps.session_factory) as session:
            entry, engagement = _own_entry(session, action, req)
            timelog.delete_entry(session, entry_id=entry.id, user_id=req.user_id)  # type: ignore[arg-type]
            text, message_blocks = _week_message(session, engagement, req.today(session, engagement))
            engagement_id, day = engagement.id, entry.work_date
        respond(text=text, blocks=message_blocks, replace_original=True)
        deps.background.submit(ledger_changed, deps, engagement_id, [day])

    @app.action(ids.ACTION_LOGTIME_EDIT)
    @user_errors()
    def edit_clicked(ack: Ack, action: dict[str, Any], req: Request) -> None:
        ack()
        with transaction(deps.session_factory) as session:
            entry, engagement = _own_entry(session, action, req)
            engagements.require_cto(engagement, req.user_id, to="change its time entries")
            mine = [e for e in engagements.list_engagements(session, team_id=req.team_id)
                    if engagements.is_cto(e, req.user_id)] or [engagement]
            view = timelog_blocks.logtime_modal(engagements=mine, selected=engagement, entry=entry,
                                                today=req.today(session, engagement), channel_id=req.channel_id)
        req.client.views_open(trigger_id=req.trigger_id, view=view)


def _entry_message(session: Session, entry: TimeEntry, engagement: Engagement,
                   today: date) -> tuple[str, list[dict[str, Any]]]:
    """The confirmation of a logged entry, with the month's hours so far."""
    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
    return timelog_blocks.logged_message(entry, engagement=engagement, summary=summary, today=today)


def _week_message(session: Session, engagement: Engagement, today: date) -> tuple[str, list[dict[str, Any]]]:
    """The week's entries and the month's hours so far."""
    entries = timelog.week_entries(session, engagement_id=engagement.id, today=today)  # type: ignore[arg-type]
    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
    return timelog_blocks.week_message(entries, engagement=engagement, summary=summary, today=today)
