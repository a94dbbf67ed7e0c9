"""Retainer maths: hours against the band, pace to month end, executor share. Everything else asks here."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.models import Engagement, TimeEntry
from bot.services.categories import EXECUTE, mode_of

DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@dataclass(frozen=True)
class MonthSummary:
    """One engagement's month: hours so far, the band, the pace and the mix."""

    month: date  # the first of the month
    as_of: date
    minutes: int
    hours_min: int
    hours_max: int
    business_days_elapsed: int
    business_days_total: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def projected_hours(self) -> float:
        """Month-end hours if the pace so far (per business day) holds."""
        if self.business_days_elapsed == 0 or self.business_days_elapsed >= self.business_days_total:
            return self.hours
        return self.hours / self.business_days_elapsed * self.business_days_total

    @property
    def expected_hours_by_now(self) -> float:
        """Where the bottom of the band puts us today, pro rata by business days (from the start, if later)."""
        if self.business_days_total == 0:
            return 0.0
        return self.hours_min * self.business_days_elapsed / self.business_days_total

    @property
    def share_of_top(self) -> float:
        """Hours so far as a fraction of the band's top."""
        return self.hours / self.hours_max if self.hours_max else 0.0

    @property
    def executor_share(self) -> float | None:
        """The share of hours spent executing (building) rather than deciding or supporting."""
        return self.by_mode.get(EXECUTE, 0) / self.minutes if self.minutes else None

    @property
    def pace_word(self) -> str:
        """under, within or over the band, judged by the projection."""
        projected = self.projected_hours
        if projected > self.hours_max:
            return "over"
        return "under" if projected < self.hours_min else "within"


def month_start(day: date) -> date:
    """The first of `day`'s month."""
    return day.replace(day=1)


def previous_month(first: date) -> date:
    """The first of the month before."""
    return month_start(first - timedelta(days=1))


def month_end(first: date) -> date:
    """The last day of the month starting at `first`."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def business_days(engagement: Engagement, start: date, end: date) -> int:
    """Days from start to end inclusive that are business days of the engagement."""
    working = {DAY_INDEX[d] for d in engagement.business_days.split(",") if d in DAY_INDEX}
    if end < start:
        return 0
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() in working)


def month_summary(session: Session, *, engagement: Engagement, month: date, today: date) -> MonthSummary:
    """Hours of `month` (any day in it) up to `today`, by category and mode, with the pace.

    Business days count from the engagement's start when it starts within the month, so a client who
    started on the 20th is not judged against the whole month.
    """
    first = month_start(month)
    last = month_end(first)
    as_of = min(max(today, first - timedelta(days=1)), last)
    counted_from = max(first, engagement.start_date)
    rows = session.exec(
        select(TimeEntry.category, func.sum(TimeEntry.minutes)).where(
            TimeEntry.engagement_id == engagement.id, TimeEntry.work_date >= first, TimeEntry.work_date <= last,
            col(TimeEntry.deleted_at).is_(None)).group_by(TimeEntry.category)
    ).all()
    by_category = {category: int(minutes) for category, minutes in rows}
    by_mode: dict[str, int] = defaultdict(int)
    for category, minutes in by_category.items():
        by_mode[mode_of(category)] += minutes
    return MonthSummary(
        month=first, as_of=as_of, minutes=sum(by_category.values()), hours_min=engagement.hours_min,
        hours_max=engagement.hours_max, business_days_elapsed=business_days(engagement, counted_from, as_of),
        business_days_total=business_days(engagement, counted_from, last), by_category=by_category,
        by_mode=dict(by_mode))


def last_month_summary(session: Session, *, engagement: Engagement, today: date) -> MonthSummary:
    """The whole of the month before `today`'s."""
    first = previous_month(month_start(today))
    return month_summary(session, engagement=engagement, month=first, today=month_end(first))


def executor_shares(session: Session, *, engagement: Engagement, today: date) -> tuple[float | None, float | None]:
    """Executor share this month and last month."""
    this = month_summary(session, engagement=engagement, month=today, today=today)
    return this.executor_share, last_month_summary(session, engagement=engagement, today=today).executor_share
