"""A month's statement and its amendments: what a founder was sent about a month, and every change since."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow

OPEN, CLOSED, SENT, AMENDED = "open", "closed", "sent", "amended"
MONTH_STATES = (OPEN, CLOSED, SENT, AMENDED)


class MonthStatement(SQLModel, table=True):
    """One engagement's month: open until closed, then sent to the founders, then amended by later changes.

    The band and the total are kept as they were sent, so an amendment compares against what the founder read.
    """

    __tablename__ = "month_statement"
    __table_args__ = (UniqueConstraint("engagement_id", "month", name="uq_month_statement_month"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    month: date  # its first day
    state: str = Field(default=OPEN, max_length=16)
    # The band of the month as it was sent: pro-rated by business days, plus what rolled over.
    floor_minutes: int | None = None
    top_minutes: int | None = None
    full_floor_minutes: int | None = None
    full_top_minutes: int | None = None
    rollover_minutes: int = 0
    business_days_counted: int | None = None
    business_days_total: int | None = None
    minutes_sent: int | None = None
    # A digest of the month's entries as sent (sha256 of each entry's id, date, minutes, category, note), so any
    # later change, an edit of a note included, is seen.
    ledger_sha: str | None = Field(default=None, max_length=64)
    closed_by: str | None = Field(default=None, max_length=32)  # None with closed_at: closed by the grace's end
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_automatically: bool = False
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementAmendment(SQLModel, table=True):
    """A change to a sent month, posted once in its statement's thread (claimed like a digest run)."""

    __tablename__ = "statement_amendment"
    __table_args__ = (UniqueConstraint("statement_id", "number", name="uq_statement_amendment_number"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(sa_column=Column(Integer, ForeignKey("month_statement.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    number: int  # 1, 2, … per statement
    delta_minutes: int
    total_minutes: int
    ledger_sha: str = Field(max_length=64)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_by: str = text_field(100, default="")
    posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = text_field(500, default=None)
