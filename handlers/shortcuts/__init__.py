"""Message shortcuts."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.shortcuts import capture, decision


def register(app: App, deps: Deps) -> None:
    """Register every message shortcut."""
    capture.register(app, deps)
    decision.register(app, deps)
