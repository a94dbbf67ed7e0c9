"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.commands import cto, decision, delivery, logtime, registers, review


def register(app: App, deps: Deps) -> None:
    """Register every slash command."""
    cto.register(app, deps)
    logtime.register(app, deps)
    review.register(app, deps)
    delivery.register(app, deps)
    decision.register(app, deps)
    registers.register(app, deps)
