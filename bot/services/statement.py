"""The monthly statement: last month's hours by category against the band, over or under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.models import Engagement
from bot.services import retainer
from bot.services.retainer import MonthSummary


@dataclass(frozen=True)
class MonthlyStatement:
    """One engagement's finished month."""

    engagement: Engagement
    summary: MonthSummary

    @property
    def month(self) -> date:
        return self.summary.month

    @property
    def period(self) -> str:
        """`2026-10`: the statement's key in digest_run."""
        return f"{self.month:%Y-%m}"

    @property
    def over_under_hours(self) -> float:
        """Hours above the band's top (positive), below its bottom (negative), or 0 within it."""
        hours = self.summary.hours
        if hours > self.summary.hours_max:
            return hours - self.summary.hours_max
        if hours < self.summary.hours_min:
            return hours - self.summary.hours_min
        return 0.0


def build_statement(session: Session, *, engagement: Engagement, month: date) -> MonthlyStatement:
    """The statement of the whole of `month`'s month."""
    first = retainer.month_start(month)
    summary = retainer.month_summary(session, engagement=engagement, month=first, today=retainer.month_end(first))
    return MonthlyStatement(engagement=engagement, summary=summary)
