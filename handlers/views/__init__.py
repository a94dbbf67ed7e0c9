"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.views import decision, engagement_setup, logtime, registers


def register(app: App, deps: Deps) -> None:
    """Register every modal's submission listener."""
    engagement_setup.register(app, deps)
    logtime.register(app, deps)
    decision.register(app, deps)
    registers.register(app, deps)
