"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.events import capture, lifecycle


def register(app: App, deps: Deps) -> None:
    """Register every event listener."""
    lifecycle.register(app, deps)
    capture.register(app, deps)
