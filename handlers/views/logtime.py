"""The `/logtime` modal's submission: a new entry, or an edit of an existing one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.flows.time_entries import ledger_changed
from bot.models import Engagement
from bot.services import ownership, retainer, time_entries
from bot.services.logtime_parser import LogtimeRequest, parse_duration, resolve_or_refuse
from bot.services.ownership import Scope
from bot.slack import ids, timelog_blocks
from handlers.context import Request, metadata
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
    def logtime_submitted(ack: Ack, req: Request, view: dict[str, Any]) -> None:
        """Save the form's entry, then confirm it and (in the background) what the change makes due."""
        engagement_id, request = parse_logtime_values(view["state"]["values"])
        with transaction(deps.session_factory) as session:
            confirmation = _save(session, req, view, engagement_id, request)
        ack()
        deps.background.submit(_confirm, req.client, *confirmation.message)
        deps.background.submit(ledger_changed, deps, engagement_id, confirmation.changed_days)


@dataclass(frozen=True)
class _Confirmation:
    message: tuple[str | None, str, str, list[dict[str, Any]]]  # (channel or None for a DM, user, text, blocks)
    changed_days: list[date]


def _save(session: Session, req: Request, view: dict[str, Any], engagement_id: int,
          request: LogtimeRequest) -> _Confirmation:
    """The entry saved for the client the form names (in this workspace), and how to confirm it."""
    meta = metadata(view)
    here = ownership.scope_of(session, team_id=req.team_id, channel_id=meta.get("channel_id"))
    engagement, _ = ownership.owned(session, Engagement, engagement_id, scope=Scope(here.team_id), what="client",
                                    field="engagement")
    today = req.today(session, engagement)
    saved = time_entries.save_from_form(
        session, engagement=engagement, user_id=req.user_id, request=request, today=today,
        entry_id=meta.get("entry_id"), amend_confirmed=amend_confirmed(view["state"]["values"]),
        source_ref=f"view:{view['id']}", scope=Scope(here.team_id))
    text, message_blocks = timelog_blocks.logged_message(
        saved.entry, engagement=engagement, today=today, verb=saved.verb,
        summary=retainer.month_summary(session, engagement=engagement, month=today, today=today))
    # Confirmed in the channel it came from only when that is the client's; otherwise by DM.
    confirm_in = meta.get("channel_id") if here.engagement is not None and here.holds(engagement) else None
    return _Confirmation((confirm_in, req.user_id, text, message_blocks), saved.changed_days)


def _confirm(client: WebClient, channel_id: str | None, user_id: str, text: str,
             message_blocks: list[dict[str, Any]]) -> None:
    if channel_id and not channel_id.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=message_blocks)
            return
        except Exception:
            logger.info("could not confirm in %s; sending a DM", channel_id)
    client.chat_postMessage(channel=user_id, text=text, blocks=message_blocks)
