"""Architecture decisions, numbered per engagement like adr-tools (ADR-0001, …)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import StoredText, UTCDateTime, text_field, utcnow


class Decision(SQLModel, table=True):
    """A decision, its discussion thread and its ADR draft."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_decision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    number: int
    title: str = text_field(300)
    status: str = Field(default="proposed", max_length=16)
    context: str = Field(default="", sa_column=Column(StoredText(), nullable=False, server_default=""))
    options: str = Field(default="", sa_column=Column(StoredText(), nullable=False, server_default=""))
    outcome: str = Field(default="", sa_column=Column(StoredText(), nullable=False, server_default=""))
    consequences: str = Field(default="", sa_column=Column(StoredText(), nullable=False, server_default=""))
    deciders: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    proposer_user_id: str | None = Field(default=None, max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = text_field(500, default=None)
    supersedes_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("decision.id", ondelete="SET NULL"))
    )
    superseded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("decision.id", ondelete="SET NULL"))
    )
    draft_text: str | None = Field(default=None, sa_column=Column(StoredText()))
    draft_method: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who accepted or rejected it, and which (kept when it is later superseded or deprecated).
    decided_by: str | None = Field(default=None, max_length=32)
    verdict: str | None = Field(default=None, max_length=16)
