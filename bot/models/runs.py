"""Claims on scheduled work, so each digest, statement or alert goes out exactly once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint, text
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


class DigestItem(SQLModel, table=True):
    """One thing a posted digest counted: minutes of a time entry (this week's, logged late for an earlier week, or
    a correction of what an earlier digest counted), or an event (a question asked or answered, a review requested,
    first responded to or done, a decision made or accepted). Written in the transaction that records the post, so
    what each posted digest said is kept, and what no posted digest has counted yet is what the next one counts."""

    __tablename__ = "digest_item"
    __table_args__ = (
        Index("ix_digest_item_item", "kind", "item_id"),
        # An event, and an entry's first counting, is counted by one posted digest only; corrections may recur.
        Index("uq_digest_item_once", "kind", "item_id", "event", unique=True,
              sqlite_where=text("event <> 'correction'"), postgresql_where=text("event <> 'correction'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("digest_run.id", ondelete="CASCADE"), nullable=False,
                                         index=True))
    engagement_id: int = Field(sa_column=engagement_fk())
    kind: str = Field(max_length=16)  # time, question, review, decision
    item_id: int
    event: str = Field(max_length=16)  # week, late, correction; asked, answered; requested, responded, done; new, ...
    minutes: int = 0  # time: the minutes counted (a correction: the change)
    work_date: date | None = None
    category: str | None = Field(default=None, max_length=32)
    recorded_at: datetime = Field(sa_type=UTCDateTime)  # when the digest that counted it was posted
