"""Bolt listeners, one register(app, deps) per surface."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from handlers import actions, commands, errors, events, home, shortcuts, views
from handlers.context import Request


def register_handlers(app: App, deps: Deps) -> None:
    """Attach every listener to `app`, after the middleware that builds each request's context."""

    @app.middleware
    def request_context(context: BoltContext, body: dict[str, Any], client: WebClient,
                        next: Callable[[], Any]) -> Any:  # Bolt injects `next` by name
        context["req"] = Request.of(deps, client, context, body)
        return next()

    errors.register(app)
    commands.register(app, deps)
    views.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    events.register(app, deps)
    home.register(app, deps)
