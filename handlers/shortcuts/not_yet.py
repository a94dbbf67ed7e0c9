"""Shortcuts the manifest declares whose features are not built yet: say so instead of failing."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.deps import Deps

NOT_YET: dict[str, str] = {}


def register(app: App, deps: Deps) -> None:
    """Answer each unbuilt shortcut ephemerally."""
    for callback_id, name in NOT_YET.items():

        def not_available(ack: Ack, respond: Respond, shortcut: dict[str, Any], _name: str = name) -> None:
            ack()
            respond(text=f"“{_name}” isn't available in this version of ctobot yet.", response_type="ephemeral")

        app.shortcut(callback_id)(not_available)
