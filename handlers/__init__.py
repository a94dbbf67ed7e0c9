"""Bolt listeners, one register(app, deps) per surface."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import actions, commands, errors, events, home, shortcuts, views


def register_handlers(app: App, deps: Deps) -> None:
    """Attach every listener to `app`."""
    errors.register(app)
    commands.register(app, deps)
    views.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    events.register(app, deps)
    home.register(app, deps)
