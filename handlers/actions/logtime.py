"""Buttons on `/logtime` messages: Undo and Edit on a confirmation, Delete in the week's list."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.models import Engagement
from bot.services import engagements, retainer, timelog
from bot.slack import ids, timelog_blocks
from handlers.clock import user_today
from handlers.context import team_of
from handlers.errors import user_errors


def _entry_id(action: dict[str, Any]) -> int:
    value = str(action.get("value", ""))
    if not value.isdigit():
        raise InvalidInput("That button no longer points at a time entry.")
    return int(value)


def register(app: App, deps: Deps) -> None:
    """Register the `/logtime` buttons."""

    @app.action(ids.ACTION_LOGTIME_UNDO)
    @user_errors()
    def undo_clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        with transaction(deps.session_factory) as session:
            entry = timelog.delete_entry(session, entry_id=_entry_id(action), user_id=body["user"]["id"])
            text = (f"Undone: {timelog_blocks.format_minutes(entry.minutes)} of {entry.category} on "
                    f"{entry.work_date.isoformat()} (kept in the export's audit trail).")
        respond(text=text, replace_original=True)

    @app.action(ids.ACTION_LOGTIME_DELETE)
    @user_errors()
    def delete_clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond,
                       client: WebClient) -> None:
        ack()
        user_id = body["user"]["id"]
        with transaction(deps.session_factory) as session:
            entry = timelog.delete_entry(session, entry_id=_entry_id(action), user_id=user_id)
            engagement = session.get(Engagement, entry.engagement_id)
            assert engagement is not None
            today = user_today(deps, client, user_id, engagement)
            entries = timelog.week_entries(session, engagement_id=engagement.id, today=today)  # type: ignore[arg-type]
            summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
            text, message_blocks = timelog_blocks.week_message(entries, engagement=engagement, summary=summary,
                                                               today=today)
        respond(text=text, blocks=message_blocks, replace_original=True)

    @app.action(ids.ACTION_LOGTIME_EDIT)
    @user_errors()
    def edit_clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient,
                     context: BoltContext) -> None:
        ack()
        user_id = body["user"]["id"]
        with transaction(deps.session_factory) as session:
            entry, engagement = timelog.get_entry(session, entry_id=_entry_id(action), user_id=user_id)
            mine = [e for e in engagements.list_engagements(session, team_id=team_of(context, body))
                    if engagements.is_cto(e, user_id)] or [engagement]
            view = timelog_blocks.logtime_modal(
                engagements=mine, selected=engagement, today=user_today(deps, client, user_id, engagement),
                channel_id=(body.get("channel") or {}).get("id"), entry=entry)
        client.views_open(trigger_id=body["trigger_id"], view=view)
