"""Button and menu actions."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register every block action (none yet: the foundation's modal has no interactive elements)."""
