"""App Home."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.home import dashboard


def register(app: App, deps: Deps) -> None:
    """Register the App Home listener."""
    dashboard.register(app, deps)
