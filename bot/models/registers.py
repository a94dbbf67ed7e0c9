"""The registers: risks, findings, vendors, roadmap items and systems, one shape with each kind's own fields.

Every kind is a table of its own with the same common columns (RegisterFields): a number per engagement, a
title, an owner, a status, who opened it and when, when its status last changed, when it left its current
statuses (closed_at) and with what note, and the last edit. bot/services/register_kinds.py says, per kind,
which columns it adds and which statuses and rules it has; bot/services/registers.py is the one service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._fk import engagement_fk
from bot.models.types import UTCDateTime, text_field, utcnow


class RegisterFields(SQLModel):
    """The columns every register kind has (not a table)."""

    id: int | None = Field(default=None, primary_key=True)
    number: int
    title: str = text_field(300)
    owner: str | None = text_field(64, default=None)
    status: str = Field(default="open", max_length=16)
    opened_by: str | None = Field(default=None, max_length=32)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_note: str | None = text_field(1000, default=None)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_by: str | None = Field(default=None, max_length=32)

    if TYPE_CHECKING:  # every kind has it; each table declares its own column, as a Column belongs to one table
        engagement_id: int


class Finding(RegisterFields, table=True):
    """One of the audit's prioritised interventions."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_finding_number"),)

    engagement_id: int = Field(sa_column=engagement_fk())
    priority: str = Field(default="medium", max_length=8)
    effort: str = Field(default="", max_length=8)
    rationale: str = text_field(2000, default="")


class Vendor(RegisterFields, table=True):
    """A vendor the client depends on, with its contract and who to call on each side."""

    __tablename__ = "vendor"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_vendor_number"),)

    engagement_id: int = Field(sa_column=engagement_fk())
    purpose: str = text_field(300, default="")
    contract_terms: str = text_field(2000, default="")
    cost: str = text_field(100, default="")
    renewal_date: date | None = None
    notice_days: int | None = None
    escalation_theirs: str = text_field(300, default="")
    escalation_ours: str = text_field(300, default="")


class RoadmapItem(RegisterFields, table=True):
    """An item of the roadmap, in a quarter, with the commercial target it serves."""

    __tablename__ = "roadmap_item"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_roadmap_item_number"),)

    engagement_id: int = Field(sa_column=engagement_fk())
    quarter: str = Field(default="", max_length=7)
    commercial_target: str = text_field(300, default="")


class BuiltSystem(RegisterFields, table=True):
    """A system built during the engagement, with its handover note."""

    __tablename__ = "built_system"
    __table_args__ = (UniqueConstraint("engagement_id", "number", name="uq_built_system_number"),)

    engagement_id: int = Field(sa_column=engagement_fk())
    what_it_does: str = text_field(2000, default="")
    how_it_runs: str = text_field(2000, default="")
    when_it_breaks: str = text_field(2000, default="")
    metric: str = text_field(300, default="")
