"""The bot's identity in a single-workspace install: what auth.test said of its token, kept across restarts."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.models.types import UTCDateTime, utcnow


class BotIdentity(SQLModel, table=True):
    """auth.test's answer for one bot token (stored by the token's SHA-256, never the token itself)."""

    __tablename__ = "bot_identity"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    team_id: str = Field(default="", max_length=32)
    team_name: str = Field(default="", max_length=200)
    enterprise_id: str | None = Field(default=None, max_length=32)
    url: str = Field(default="", max_length=200)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    scopes: str = Field(default="", max_length=2000)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
