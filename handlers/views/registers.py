"""The register modal's submission: a new entry of a kind added in a modal, or an edited entry of any kind."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.services import ownership, registers
from bot.slack import ids, register_blocks
from bot.slack.mrkdwn import escape
from handlers.context import form_scope, metadata
from handlers.errors import user_errors

logger = logging.getLogger("ctobot.registers")


def register(app: App, deps: Deps) -> None:
    """Register the register modal's submission."""

    @app.view(ids.VIEW_REGISTER)
    @user_errors(view_fields=register_blocks.FIELD_BLOCKS)
    def register_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                           context: BoltContext) -> None:
        meta, user_id = metadata(view), body["user"]["id"]
        spec = registers.kind_spec(meta.get("kind"))
        form = register_blocks.read_form(spec, view["state"]["values"])
        channel_id = meta.get("channel_id")
        with transaction(deps.session_factory) as session:
            scope = form_scope(session, context, body, client, channel_id=channel_id, user_id=user_id)
            if "entry_id" not in meta:
                entry = registers.add_entry(session, spec, engagement=scope.channel_engagement, user_id=user_id,
                                            title=form.title, owner=form.owner, values=form.values)
                verb = "Added"
            else:
                entry, engagement = ownership.owned(session, spec.model, meta.get("entry_id"), scope=scope,
                                                    what=spec.noun)
                registers.update_entry(session, spec, engagement=engagement, entry=entry, user_id=user_id,
                                       title=form.title, owner=form.owner, status=form.status,
                                       values=form.values, note=form.note, to=f"edit {spec.plural}")
                verb = "Saved"
            text = f"{verb} {spec.noun} {spec.label(entry.number)}: {escape(entry.title)}"
        ack()
        deps.background.submit(_confirm, client, channel_id, user_id, text)


def _confirm(client: WebClient, channel_id: str, user_id: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    except Exception:  # the entry is saved; only the confirmation is lost
        logger.warning("could not confirm a register entry to %s", user_id, exc_info=True)
