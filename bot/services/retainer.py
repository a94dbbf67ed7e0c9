"""Retainer maths: hours against the band, pace to month end, executor share. Everything else asks here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, or_
from sqlmodel import Session, col, select

from bot import formatting
from bot.calendar import business_days, month_end, month_start, previous_month
from bot.models import Engagement, TimeEntry
from bot.services.categories import EXECUTE, mode_of

# No projection before this many business days of the month have passed: early pace is noise.
PROJECTION_MIN_DAYS = 5


@dataclass(frozen=True)
class Band:
    """A month's band in minutes: the tier's, pro-rated by business days in a partial month, plus rollover."""

    floor_minutes: int
    top_minutes: int
    full_floor_minutes: int
    full_top_minutes: int
    days_counted: int  # business days of the month inside the engagement
    days_total: int  # business days of the month
    rollover_minutes: int = 0

    @property
    def prorated(self) -> bool:
        return self.days_counted < self.days_total

    def notes(self) -> list[str]:
        """Why this band differs from the tier's, in words: pro-rating and rollover."""
        notes = []
        if self.prorated:
            notes.append(f"pro-rated to {self.days_counted} of {self.days_total} business days "
                         f"(full band {formatting.band(self.full_floor_minutes, self.full_top_minutes)})")
        if self.rollover_minutes:
            notes.append(f"includes {formatting.duration(self.rollover_minutes)} rolled over from last month")
        return notes


@dataclass(frozen=True)
class MonthSummary:
    """One engagement's month as it stood at `as_of`: hours so far, the band, the pace and the mix."""

    month: date  # the first of the month
    as_of: date
    minutes: int
    band: Band
    business_days_elapsed: int
    business_days_total: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def hours_min(self) -> float:
        return self.band.floor_minutes / 60

    @property
    def hours_max(self) -> float:
        return self.band.top_minutes / 60

    @property
    def complete(self) -> bool:
        """Whether every business day of the month (inside the engagement) has passed."""
        return self.business_days_elapsed >= self.business_days_total

    @property
    def projected_minutes(self) -> int | None:
        """Month-end minutes if the pace so far (per business day) holds; None too early in the month."""
        if self.complete:
            return self.minutes
        if self.business_days_elapsed < min(PROJECTION_MIN_DAYS, self.business_days_total):
            return None
        return round(self.minutes * self.business_days_total / self.business_days_elapsed)

    @property
    def projected_range(self) -> tuple[int, int] | None:
        """`(22, 24)`: the whole hours the month is on pace for (about ±5 %), never below what is logged."""
        projected = self.projected_minutes
        if projected is None:
            return None
        if self.complete:
            return (self.minutes // 60, -(-self.minutes // 60))
        low = max(self.minutes // 60, round(projected * 0.95 / 60))
        high = max(low + 1, round(projected * 1.05 / 60))
        return low, high

    @property
    def expected_minutes_by_now(self) -> int:
        """Where the band's floor puts us by `as_of`, pro rata by business days (from the start, if later)."""
        if self.business_days_total == 0:
            return 0
        return round(self.band.floor_minutes * self.business_days_elapsed / self.business_days_total)

    @property
    def expected_hours_by_now(self) -> float:
        return self.expected_minutes_by_now / 60

    @property
    def share_of_top(self) -> float:
        """Minutes so far as a fraction of the band's top."""
        return self.minutes / self.band.top_minutes if self.band.top_minutes else 0.0

    @property
    def executor_share(self) -> float | None:
        """The share of hours spent executing (building) rather than deciding or supporting."""
        return self.by_mode.get(EXECUTE, 0) / self.minutes if self.minutes else None

    @property
    def standing(self) -> str:
        """under, within or over the band by what is logged (exactly the top is within)."""
        if self.minutes > self.band.top_minutes:
            return "over"
        return "under" if self.minutes < self.band.floor_minutes else "within"

    @property
    def pace_word(self) -> str | None:
        """under, within or over the band, judged by the projection; None before there is one."""
        projected = self.projected_minutes
        if projected is None:
            return None
        if projected > self.band.top_minutes:
            return "over"
        return "under" if projected < self.band.floor_minutes else "within"

    def pace_text(self) -> str:
        """`on pace for about 22–24 h`, or why there is no projection yet."""
        span = self.projected_range
        if span is None:
            return f"no projection before {PROJECTION_MIN_DAYS} business days of the month"
        if self.complete:
            return f"month complete at {formatting.duration(self.minutes)}"
        low, high = span
        return f"on pace for about {low}–{high} h"


def _engaged_days(engagement: Engagement, first: date) -> tuple[date, date]:
    """The part of the month starting at `first` that lies inside the engagement (may be empty)."""
    last = month_end(first)
    return max(first, engagement.start_date), min(last, engagement.end_date or last)


_LIVE_MINUTES_BY_CATEGORY = select(TimeEntry.category, func.sum(TimeEntry.minutes)).where(
    TimeEntry.engagement_id == bindparam("engagement_id"), TimeEntry.work_date >= bindparam("first"),
    TimeEntry.work_date <= bindparam("last"), col(TimeEntry.deleted_at).is_(None)).group_by(TimeEntry.category)


def minutes_by_category(session: Session, *, engagement: Engagement, first: date, last: date,
                at: datetime | None = None) -> dict[str, int]:
    """Minutes by category worked from `first` to `last`, as the ledger stood at `at` (now by default)."""
    if at is None:  # every /logtime reply: the statement is built once
        live = session.execute(_LIVE_MINUTES_BY_CATEGORY, {"engagement_id": engagement.id, "first": first,
                                                           "last": last}).all()
        return {category: int(minutes) for category, minutes in live if minutes}
    query = select(TimeEntry.category, func.sum(TimeEntry.minutes)).where(
        TimeEntry.engagement_id == engagement.id, TimeEntry.work_date >= first, TimeEntry.work_date <= last,
        TimeEntry.created_at < at, or_(col(TimeEntry.deleted_at).is_(None), col(TimeEntry.deleted_at) >= at))
    rows = session.exec(query.group_by(TimeEntry.category)).all()
    return {category: int(minutes) for category, minutes in rows if minutes}


def base_band(engagement: Engagement, month: date) -> Band:
    """The month's band before rollover: the tier's, pro-rated when the engagement starts or ends inside it."""
    first = month_start(month)
    total = business_days(engagement, first, month_end(first))
    start, end = _engaged_days(engagement, first)
    counted = business_days(engagement, start, end)
    full_floor, full_top = engagement.hours_min * 60, engagement.hours_max * 60
    if counted >= total or total == 0:
        return Band(full_floor, full_top, full_floor, full_top, total, total)
    return Band(round(full_floor * counted / total), round(full_top * counted / total), full_floor, full_top,
                counted, total)


def band_for_month(session: Session, *, engagement: Engagement, month: date) -> Band:
    """The month's band: pro-rated, plus last month's unused floor up to the engagement's rollover cap."""
    band = base_band(engagement, month)
    cap = int(getattr(engagement, "rollover_cap_hours", 0) or 0) * 60
    first = month_start(month)
    before = previous_month(first)
    if cap <= 0 or month_end(before) < engagement.start_date:
        return band
    used = sum(minutes_by_category(session, engagement=engagement, first=before, last=month_end(before)).values())
    unused = min(cap, max(0, base_band(engagement, before).floor_minutes - used))
    return replace(band, floor_minutes=band.floor_minutes + unused, top_minutes=band.top_minutes + unused,
                   rollover_minutes=unused)


def month_summary(session: Session, *, engagement: Engagement, month: date, today: date,
                  at: datetime | None = None) -> MonthSummary:
    """Hours of `month` (any day in it) worked up to `today`, by category and mode, with the band and pace.

    `at` renders the month as the ledger stood at that instant (entries logged later left out, entries deleted
    later still in). Business days count only inside the engagement, so a client who started on the 20th is not
    judged against the whole month.
    """
    first = month_start(month)
    last = month_end(first)
    as_of = min(max(today, first - timedelta(days=1)), last)
    counted_from, counted_to = _engaged_days(engagement, first)
    by_category = minutes_by_category(session, engagement=engagement, first=first, last=as_of, at=at)
    by_mode: dict[str, int] = defaultdict(int)
    for category, minutes in by_category.items():
        by_mode[mode_of(category)] += minutes
    return MonthSummary(
        month=first, as_of=as_of, minutes=sum(by_category.values()),
        band=band_for_month(session, engagement=engagement, month=first),
        business_days_elapsed=business_days(engagement, counted_from, min(as_of, counted_to)),
        business_days_total=business_days(engagement, counted_from, counted_to), by_category=by_category,
        by_mode=dict(by_mode))


def last_month_summary(session: Session, *, engagement: Engagement, today: date,
                       at: datetime | None = None) -> MonthSummary:
    """The whole of the month before `today`'s."""
    first = previous_month(month_start(today))
    return month_summary(session, engagement=engagement, month=first, today=month_end(first), at=at)


def executor_shares(session: Session, *, engagement: Engagement, today: date) -> tuple[float | None, float | None]:
    """Executor share this month and last month."""
    this = month_summary(session, engagement=engagement, month=today, today=today)
    return this.executor_share, last_month_summary(session, engagement=engagement, today=today).executor_share
