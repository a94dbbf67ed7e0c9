"""The App Home tab: a CTO sees their engagements; anyone else sees how to reach the CTO."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.models import utcnow
from bot.services import engagements, retainer
from bot.slack import blocks
from handlers.context import team_of

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Publish the home view when a user opens it."""

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        user_id = event["user"]
        with transaction(deps.session_factory) as session:
            mine = [
                (e, engagements.engagement_status(session, engagement=e))
                for e in engagements.list_engagements(session, team_id=team_of(context, body))
                if engagements.is_cto(e, user_id)
            ]
            summaries = {}
            for engagement, _ in mine:
                today = utcnow().astimezone(ZoneInfo(engagement.timezone)).date()
                summaries[engagement.id] = retainer.month_summary(session, engagement=engagement, month=today,
                                                                  today=today)
            view = blocks.home_view([status for _, status in mine], summaries)
        client.views_publish(user_id=user_id, view=view)
