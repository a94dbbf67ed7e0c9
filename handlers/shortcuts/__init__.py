"""Message shortcuts."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.deps import Deps
from bot.slack import ids

SHORTCUT_NAMES = {
    ids.SHORTCUT_TRACK_QUESTION: "Track as question",
    ids.SHORTCUT_RECORD_DECISION: "Record decision from thread",
    ids.SHORTCUT_REQUEST_REVIEW: "Request review",
}


def register(app: App, deps: Deps) -> None:
    """Answer the declared shortcuts that this release does not implement yet."""
    for callback_id, name in SHORTCUT_NAMES.items():

        def not_available(ack: Ack, respond: Respond, shortcut: dict[str, Any], _name: str = name) -> None:
            ack()
            respond(text=f"“{_name}” isn't available in this version of ctobot yet.", response_type="ephemeral")

        app.shortcut(callback_id)(not_available)
