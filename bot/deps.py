"""The collaborators every entry point receives, injected rather than global."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.background import Background
from bot.db.engine import SessionFactory
from bot.settings import Settings


@dataclass
class Deps:
    """Settings, the database, the LLM (or None) and the pool for slow work."""

    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    background: Background
    llm: Any = None
