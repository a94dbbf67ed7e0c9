"""Claims on scheduled work, so each digest, statement or alert goes out exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow


class DigestRun(SQLModel, table=True):
    """One claimed run of a kind of scheduled post for a period (ISO week, month, …)."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("engagement_id", "kind", "period", name="uq_digest_run_period"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    kind: str = Field(max_length=32)
    period: str = Field(max_length=32)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_by: str = text_field(100, default="")
    posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = text_field(500, default=None)
