"""Database engine, sessions and migrations."""

from bot.db.engine import make_engine, make_session_factory, transaction

__all__ = ["make_engine", "make_session_factory", "transaction"]
