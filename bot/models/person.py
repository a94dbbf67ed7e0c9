"""People by name: what users.info said about a Slack user, kept so that exports name people without Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.types import UTCDateTime, text_field, utcnow


class Person(SQLModel, table=True):
    """One Slack user of one workspace, as users.info last described them."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_person_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(default="", max_length=32)
    user_id: str = Field(max_length=32)
    display_name: str = text_field(200, default="")
    real_name: str = text_field(200, default="")
    timezone: str | None = Field(default=None, max_length=64)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
