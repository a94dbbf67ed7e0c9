"""The monthly statement: last month's hours by category against the band, over or under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot import calendar
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
    def over_under_minutes(self) -> int:
        """Minutes above the band's top (positive), below its floor (negative), or 0 within it (the top included)."""
        minutes, band = self.summary.minutes, self.summary.band
        if minutes > band.top_minutes:
            return minutes - band.top_minutes
        if minutes < band.floor_minutes:
            return minutes - band.floor_minutes
        return 0


def build_statement(session: Session, *, engagement: Engagement, month: date,
                    at: datetime | None = None) -> MonthlyStatement:
    """The statement of the whole of `month`'s month (as the ledger stood at `at`, when given)."""
    first = calendar.month_start(month)
    summary = retainer.month_summary(session, engagement=engagement, month=first, today=calendar.month_end(first),
                                     at=at)
    return MonthlyStatement(engagement=engagement, summary=summary)
