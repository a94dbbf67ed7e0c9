"""What clients ask of the CTO: questions and review requests captured from Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow


class Question(SQLModel, table=True):
    """A client question and when the CTO first answered it."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("engagement_id", "channel_id", "message_ts", name="uq_question_message"),
        # Open questions oldest first: the status and the order in one index, so history is not scanned.
        Index("ix_question_engagement_status_asked", "engagement_id", "status", "asked_at"),
        Index("ix_question_engagement_asked", "engagement_id", "asked_at"),
        Index("ix_question_engagement_first_response", "engagement_id", "first_response_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    asker_user_id: str = Field(max_length=32)
    text: str = text_field(1000, default="")
    permalink: str | None = text_field(500, default=None)
    asked_at: datetime = Field(sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=16)
    source: str = Field(default="auto", max_length=16)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReviewRequest(SQLModel, table=True):
    """A pull/merge request the client asked the CTO to review."""

    __tablename__ = "review_request"
    __table_args__ = (
        UniqueConstraint("engagement_id", "url", name="uq_review_request_url"),
        # One message may carry several pull requests, so the message is an index here, not a key.
        Index("ix_review_request_message", "engagement_id", "channel_id", "message_ts"),
        Index("ix_review_request_engagement_requested", "engagement_id", "requested_at"),
        Index("ix_review_request_engagement_completed", "engagement_id", "completed_at"),
        Index("ix_review_request_engagement_status", "engagement_id", "status", "requested_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    channel_id: str = Field(max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    requester_user_id: str = Field(max_length=32)
    url: str = text_field(500)
    note: str = text_field(1000, default="")
    permalink: str | None = text_field(500, default=None)
    status: str = Field(default="requested", max_length=24)
    source: str = Field(default="auto", max_length=16)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_by: str | None = Field(default=None, max_length=32)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
