"""What the engagement delivers and watches: artifacts on a schedule, and the risk register."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow


class Artifact(SQLModel, table=True):
    """A written deliverable due on the engagement's schedule."""

    __tablename__ = "artifact"
    __table_args__ = (UniqueConstraint("engagement_id", "kind", name="uq_artifact_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    kind: str = Field(max_length=40)
    due_date: date
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_by: str | None = Field(default=None, max_length=32)
    link: str | None = text_field(500, default=None)
    skipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    skip_reason: str | None = text_field(500, default=None)


class Risk(SQLModel, table=True):
    """An entry of the risk register, numbered per engagement."""

    __tablename__ = "risk"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_risk_number"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(sa_column=engagement_fk())
    number: int
    title: str = text_field(300)
    severity: str = Field(default="medium", max_length=8)
    mitigation: str = text_field(2000, default="")
    owner: str | None = text_field(64, default=None)
    status: str = Field(default="open", max_length=16)
    opened_by: str | None = Field(default=None, max_length=32)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_note: str | None = text_field(1000, default=None)
