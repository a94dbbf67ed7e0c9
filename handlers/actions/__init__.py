"""Button and menu actions."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.actions import decision, logtime, statement


def register(app: App, deps: Deps) -> None:
    """Register every block action."""
    logtime.register(app, deps)
    decision.register(app, deps)
    statement.register(app, deps)
