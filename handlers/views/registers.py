"""The register modal's submission: a new entry of a kind added in a modal, or an edited entry of any kind."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.services import ownership, registers
from bot.services.register_kinds import KindSpec
from bot.slack import ids, register_blocks
from bot.slack.mrkdwn import escape
from handlers.context import Request, form_scope, metadata
from handlers.errors import user_errors

logger = logging.getLogger("ctobot.registers")


def register(app: App, deps: Deps) -> None:
    """Register the register modal's submission."""

    @app.view(ids.VIEW_REGISTER)
    @user_errors(view_fields=register_blocks.FIELD_BLOCKS)
    def register_submitted(ack: Ack, view: dict[str, Any], req: Request) -> None:
        """Add or save the entry, then confirm it to the user in the channel."""
        meta = metadata(view)
        spec = registers.kind_spec(meta.get("kind"))
        form = register_blocks.read_form(spec, view["state"]["values"])
        with transaction(deps.session_factory) as session:
            text = _save(session, req, spec, meta, form)
        ack()
        deps.background.submit(_confirm, req.client, meta.get("channel_id"), req.user_id, text)


def _save(session: Session, req: Request, spec: KindSpec, meta: dict[str, Any], form: register_blocks.Form) -> str:
    """A new entry (no `entry_id` in the form's metadata) or the edited one; what to tell the user."""
    scope = form_scope(session, req, channel_id=meta.get("channel_id"))
    if "entry_id" not in meta:
        entry = registers.add_entry(session, spec, engagement=scope.channel_engagement, user_id=req.user_id,
                                    title=form.title, owner=form.owner, values=form.values)
        return f"Added {spec.noun} {spec.label(entry.number)}: {escape(entry.title)}"
    entry, engagement = ownership.owned(session, spec.model, meta.get("entry_id"), scope=scope, what=spec.noun)
    registers.update_entry(session, spec, engagement=engagement, entry=entry, user_id=req.user_id, title=form.title,
                           owner=form.owner, status=form.status, values=form.values, note=form.note,
                           to=f"edit {spec.plural}")
    return f"Saved {spec.noun} {spec.label(entry.number)}: {escape(entry.title)}"


def _confirm(client: WebClient, channel_id: str, user_id: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    except Exception:  # the entry is saved; only the confirmation is lost
        logger.warning("could not confirm a register entry to %s", user_id, exc_info=True)
