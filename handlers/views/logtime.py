"""The `/logtime` modal's submission: a new entry, or an edit of an existing one."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.models import Engagement, TimeEntry
from bot.services import engagements, months, ownership, retainer, timelog
from bot.services.logtime_parser import LogtimeRequest, parse_duration, resolve_or_refuse
from bot.services.ownership import Scope
from bot.slack import ids, timelog_blocks
from handlers.clock import user_today
from handlers.context import metadata, team_of
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def parse_logtime_values(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[int, LogtimeRequest]:
    """The modal's state as (engagement id, request)."""

    def field(block: str, action: str) -> dict[str, Any]:
        return values.get(block, {}).get(action, {}) or {}

    selected = (field(ids.BLOCK_LOGTIME_ENGAGEMENT, ids.ACTION_LOGTIME_ENGAGEMENT).get("selected_option") or {})
    if not str(selected.get("value", "")).isdigit():
        raise InvalidInput("Pick the client.", field="engagement")
    try:
        work_date = date.fromisoformat(
            field(ids.BLOCK_LOGTIME_DATE, ids.ACTION_LOGTIME_DATE).get("selected_date") or "")
    except ValueError:
        raise InvalidInput("Pick the date you worked.", field="date") from None
    minutes = parse_duration(field(ids.BLOCK_LOGTIME_DURATION, ids.ACTION_LOGTIME_DURATION).get("value") or "")
    category_value = ((field(ids.BLOCK_LOGTIME_CATEGORY, ids.ACTION_LOGTIME_CATEGORY).get("selected_option") or {})
                      .get("value") or "")
    if not category_value:
        raise InvalidInput("Pick a category.", field="category")
    category = resolve_or_refuse(category_value)
    note = (field(ids.BLOCK_LOGTIME_NOTE, ids.ACTION_LOGTIME_NOTE).get("value") or "").strip()
    return int(selected["value"]), LogtimeRequest(minutes=minutes, category=category, work_date=work_date, note=note)


def amend_confirmed(values: dict[str, dict[str, dict[str, Any]]]) -> bool:
    """Whether the form's "Amend a statement already sent" box is ticked."""
    chosen = (values.get(ids.BLOCK_LOGTIME_AMEND, {}).get(ids.ACTION_LOGTIME_AMEND, {}) or {}).get(
        "selected_options") or []
    return any(isinstance(option, dict) and option.get("value") == ids.OPTION_LOGTIME_AMEND for option in chosen)


def register(app: App, deps: Deps) -> None:
    """Register the `/logtime` modal's submission."""

    @app.view(ids.VIEW_LOGTIME)
    @user_errors(view_fields=timelog_blocks.LOGTIME_FIELD_BLOCKS)
    def logtime_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                          context: BoltContext) -> None:
        meta, user_id = metadata(view), body["user"]["id"]
        engagement_id, request = parse_logtime_values(view["state"]["values"])
        with transaction(deps.session_factory) as session:
            here = ownership.scope_of(session, team_id=team_of(context, body), channel_id=meta.get("channel_id"))
            engagement, _ = ownership.owned(session, Engagement, engagement_id, scope=Scope(here.team_id),
                                            what="client", field="engagement")
            engagements.require_cto(engagement, user_id, to="log time")
            today = user_today(deps, session, here.team_id, user_id, engagement)
            changed_days = [request.work_date]
            if meta.get("entry_id") is None and not amend_confirmed(view["state"]["values"]):
                sent = months.sent_statement_for(session, engagement_id=engagement.id,  # type: ignore[arg-type]
                                                 day=request.work_date)
                if sent is not None:
                    raise InvalidInput(f"{sent.month:%B %Y}'s statement was already sent. Tick this box to log it "
                                       "anyway: an amendment goes in the statement's thread.", field="amend")
            if meta.get("entry_id") is not None:
                entry, owner = ownership.owned(session, TimeEntry, meta["entry_id"], scope=Scope(here.team_id),
                                               what="time entry")
                changed_days.append(entry.work_date)
                if owner.id != engagement.id:
                    raise InvalidInput("A time entry stays with its client: delete it, then log it again for "
                                       "the other client.", field="engagement")
                entry = timelog.edit_entry(session, entry_id=entry.id, user_id=user_id,  # type: ignore[arg-type]
                                           request=request, today=today)
                verb = "Updated:"
            else:
                entry = timelog.log_time(session, engagement=engagement, user_id=user_id, request=request,
                                         today=today, source="modal", source_ref=f"view:{view['id']}").entry
                verb = "Logged"
            summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
            text, message_blocks = timelog_blocks.logged_message(entry, engagement=engagement, summary=summary,
                                                                 today=today, verb=verb)
            # Confirmed in the channel it came from only when that is the client's; otherwise by DM.
            confirm_in = meta.get("channel_id") if here.engagement is not None and here.holds(engagement) else None
        ack()
        deps.background.submit(_confirm, client, confirm_in, user_id, text, message_blocks)
        from handlers.commands.logtime import ledger_changed

        deps.background.submit(ledger_changed, deps, engagement_id, changed_days)


def _confirm(client: WebClient, channel_id: str | None, user_id: str, text: str, message_blocks: list) -> None:  # type: ignore[type-arg]
    if channel_id and not channel_id.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=message_blocks)
            return
        except Exception:
            logger.info("could not confirm in %s; sending a DM", channel_id)
    client.chat_postMessage(channel=user_id, text=text, blocks=message_blocks)
