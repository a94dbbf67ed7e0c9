"""The collaborators every entry point receives, injected rather than global."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.background import Background, ListenerPool
from bot.db.engine import SessionFactory
from bot.settings import Settings
from bot.slack.users import UserDirectory


@dataclass
class Deps:
    """Settings, the database, the LLM (or None) and the pool for slow work."""

    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    background: Background
    llm: Any = None
    users: UserDirectory = field(default_factory=UserDirectory)
    listeners: ListenerPool | None = None  # Bolt's listener pool, once the app is built
    identity: Any = None  # single-workspace mode: bot.slack.identity.BotIdentityKeeper (set by create_app)
    installations: Any = None  # OAuth mode: bot.slack.identity.StoredInstallationAuthorize (set by create_app)

    def slack_client(self, team_id: str, *, max_rate_limit_wait: float | None = None) -> WebClient | None:
        """A Web API client for the workspace, for work that no request started (the clock, the CLI); with
        `max_rate_limit_wait`, a 429 asking for a longer wait is raised rather than slept through."""
        from bot.slack.client import client_for_team

        return client_for_team(self.settings, self.engine, team_id, max_rate_limit_wait=max_rate_limit_wait)
