"""Commands the manifest declares whose features are not built yet: say so instead of failing."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.slack import blocks
from bot.slack.help import CATALOGUE


def register(app: App, deps: Deps) -> None:
    """Answer each declared-but-unbuilt command with its planned usage."""
    for entry in CATALOGUE.values():
        if entry.available:
            continue

        def not_available(ack: Ack, command: dict[str, Any]) -> None:
            ack(text=blocks.not_available(command["command"]))

        app.command(entry.command)(not_available)
