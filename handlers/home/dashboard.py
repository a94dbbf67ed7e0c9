"""The App Home tab: a CTO sees all their engagements; anyone else only those of channels they are in."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows.app_home import publish_home
from handlers.context import team_of

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Publish the home view when a user opens it (built off the listener pool: it calls Slack)."""

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        deps.background.submit(publish_home, deps, client, team_id=team_of(context, body), user_id=event["user"])
