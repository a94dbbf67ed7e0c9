"""Message, mention and reaction events: acknowledged now; capture of questions and reviews comes later."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Acknowledge the subscribed message events so that Slack neither retries nor disables them."""

    @app.event("message")
    def message_received() -> None:
        return None

    @app.event("app_mention")
    def app_mentioned() -> None:
        return None

    @app.event("reaction_added")
    def reaction_added() -> None:
        return None
