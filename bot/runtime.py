"""Builds the whole app from settings: database, Slack client, Bolt app, WSGI app, scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.app import create_app
from bot.background import Background
from bot.db import make_engine, make_session_factory
from bot.deps import Deps
from bot.settings import Settings
from bot.web import create_wsgi_app


@dataclass
class Runtime:
    """Everything one process needs to serve Slack."""

    deps: Deps
    app: App
    wsgi: Any

    def close(self) -> None:
        """Finish queued work and release the database."""
        self.deps.background.shutdown(wait=True)
        self.deps.engine.dispose()


def build_deps(settings: Settings, *, llm: Any = None) -> Deps:
    """The injected collaborators for `settings`."""
    from bot.llm.openai_drafter import OpenAIDrafter

    engine = make_engine(settings.database_url)
    if llm is None:
        llm = OpenAIDrafter.from_settings(settings)
    return Deps(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                background=Background(), llm=llm)


def build_runtime(settings: Settings, *, client: WebClient | None = None, llm: Any = None) -> Runtime:
    """The Bolt app and its WSGI wrapper, ready to serve."""
    deps = build_deps(settings, llm=llm)
    app = create_app(settings, deps=deps, client=client)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    return Runtime(deps=deps, app=app, wsgi=create_wsgi_app(app, engine=deps.engine, signing_secret=secret))
