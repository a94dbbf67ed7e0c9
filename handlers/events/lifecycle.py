"""app_uninstalled and tokens_revoked: stop all work for the workspace and forget its tokens."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners

from bot.db import transaction
from bot.deps import Deps
from bot.services import engagements
from handlers.context import team_of

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Register the install-lifecycle events."""
    store = app.installation_store
    revocation = TokenRevocationListeners(store) if store is not None else None

    @app.event("app_uninstalled")
    def app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
        team_id = team_of(context, body)
        with transaction(deps.session_factory) as session:
            count = engagements.mark_team_uninstalled(session, team_id=team_id)
        logger.info("workspace %s uninstalled the app; %d engagements stopped", team_id, count)
        if revocation is not None:
            revocation.handle_app_uninstalled_events(context)
        if deps.installations is not None:
            deps.installations.forget(enterprise_id=context.enterprise_id, team_id=context.team_id)

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        bots = (event.get("tokens") or {}).get("bot") or []
        if bots:
            team_id = team_of(context, body)
            with transaction(deps.session_factory) as session:
                engagements.mark_team_uninstalled(session, team_id=team_id)
            logger.info("workspace %s revoked the bot token; its engagements stopped", team_id)
        if revocation is not None:
            revocation.handle_tokens_revoked_events(event, context)
        if deps.installations is not None:
            deps.installations.forget(enterprise_id=context.enterprise_id, team_id=context.team_id)
