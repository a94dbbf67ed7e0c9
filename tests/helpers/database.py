"""A migrated test database: SQLite in a temp dir, or PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import bot.models  # noqa: F401
from bot.db import make_engine
from bot.db.migrate import upgrade
from bot.settings import normalise_database_url


def test_database_url(tmp_dir: Path) -> str:
    """The URL tests run against, freshly migrated."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_dir / 'ctobot-test.db'}"
    upgrade(url)
    return url


def empty_all_tables(engine: Engine) -> None:
    """Delete every row, so that each test starts from an empty, migrated database."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
