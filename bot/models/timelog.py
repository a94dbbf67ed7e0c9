"""Time the CTO logs against an engagement's retainer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow


class TimeEntry(SQLModel, table=True):
    """Minutes of work on one date, in one category; deleted entries are kept (soft delete)."""

    __tablename__ = "time_entry"
    __table_args__ = (
        UniqueConstraint("engagement_id", "source_ref", name="uq_time_entry_source_ref"),
        Index("ix_time_entry_engagement_date", "engagement_id", "work_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    user_id: str = Field(max_length=32)
    work_date: date
    minutes: int
    category: str = Field(max_length=32)
    note: str = text_field(2000, default="")
    source: str = Field(default="command", max_length=16)
    # Idempotency key of the request that created it (e.g. a modal's view id), so a retry records once.
    source_ref: str | None = text_field(100, default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, max_length=32)
