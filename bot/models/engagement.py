"""Engagements (one per client) and the Slack channels linked to them."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.types import UTCDateTime, text_field, utcnow


class Engagement(SQLModel, table=True):
    """A client of the CTO: its retainer, calendar and people."""

    __tablename__ = "engagement"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_engagement_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    # "" until the first request from Slack binds a CLI-created engagement to its workspace.
    team_id: str = Field(default="", max_length=32, index=True)
    name: str = text_field(64)
    display_name: str = text_field(200)
    tier: str = Field(max_length=16)
    hours_min: int
    hours_max: int
    response_target_hours: float
    start_date: date
    end_date: date | None = None  # the engagement's last day; set when notice is given
    # The client's person who inherits the systems and the handover (a Slack user id).
    internal_owner_id: str | None = Field(default=None, max_length=32)
    # Post-handover check-ins after the end date: none, monthly or quarterly.
    checkin_cadence: str = Field(default="none", max_length=16)
    timezone: str = Field(max_length=64)
    business_days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    business_start: time = Field(default=time(9, 0))
    business_end: time = Field(default=time(18, 0))
    digest_weekday: str = Field(default="fri", max_length=3)
    digest_time: time = Field(default=time(16, 0))
    cto_user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    founder_user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Who may accept and reject decisions; empty: the founders and the CTOs ("you and your leadership team decide").
    decider_user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    llm_consent: bool = False
    # Business days the CTO has to close a month before its statement goes out by itself.
    statement_grace_days: int = Field(default=2)
    # Hours of last month's unused floor carried into this month's band (0: no rollover).
    rollover_cap_hours: int = Field(default=0)
    capture_questions: bool = True
    capture_reviews: bool = True
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChannelLink(SQLModel, table=True):
    """A Slack channel linked to an engagement; one link per engagement is the digest's."""

    __tablename__ = "channel_link"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_channel_link_team_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    team_id: str = Field(default="", max_length=32)
    channel_id: str = Field(max_length=32)
    is_primary: bool = False
    linked_by: str | None = Field(default=None, max_length=32)
    linked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
