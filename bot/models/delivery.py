"""What the engagement delivers and watches: artifacts on a schedule, and the risk register (a register kind)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.registers import RegisterFields
from bot.models.types import UTCDateTime, text_field


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


class Risk(RegisterFields, table=True):
    """An entry of the risk register, numbered per engagement (the common columns are RegisterFields')."""

    __tablename__ = "risk"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_risk_number"),)

    engagement_id: int = Field(sa_column=engagement_fk())
    severity: str = Field(default="medium", max_length=8)
    mitigation: str = text_field(2000, default="")
