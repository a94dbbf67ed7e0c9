"""Budget notes: the band's floor reached, 90 % of its top, over the top; and an under-pace note."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from bot.models import DigestRun, Engagement, id_of
from bot.services.retainer import MonthSummary, month_summary
from bot.services.runs import claim_run

# Budget notes, once each per month, in the statement's own words: the floor reached, 90 % of the top, and over
# the top (strictly more: exactly the top is "within the band").
BUDGET_FLOOR, BUDGET_90, BUDGET_OVER, UNDER_PACE = "budget-floor", "budget-90", "budget-over", "under-pace"


@dataclass(frozen=True)
class BudgetAlert:
    """An alert claimed for this month, to be sent to the engagement's CTO users."""

    kind: str
    display_name: str
    summary: MonthSummary
    runs: tuple[DigestRun, ...]


def crossed(summary: MonthSummary) -> list[str]:
    """The budget notes that the month's minutes so far call for, the most serious first."""
    band = summary.band
    checks = ((BUDGET_OVER, summary.minutes > band.top_minutes),
              (BUDGET_90, summary.minutes * 10 >= band.top_minutes * 9),
              (BUDGET_FLOOR, summary.minutes >= band.floor_minutes))
    return [kind for kind, hit in checks if hit and summary.minutes > 0]


def note_could_fire(summary: MonthSummary, *, added_minutes: int, day: date) -> bool:
    """Whether an entry of `added_minutes` on `day`, already counted in `summary`, took the month past a budget
    note's threshold (so a check is worth running now; the hourly job catches anything else)."""
    if (day.year, day.month) != (summary.month.year, summary.month.month) or added_minutes <= 0:
        return False
    before = replace(summary, minutes=max(summary.minutes - added_minutes, 0))
    return crossed(summary) != crossed(before)


def claim_budget_alerts(session: Session, *, engagement: Engagement, today: date, claimed_by: str) -> list[BudgetAlert]:
    """The alerts due now that no process has claimed yet this month; claiming them is part of the call."""
    if today < engagement.start_date or (engagement.end_date is not None and today > engagement.end_date):
        return []
    summary = month_summary(session, engagement=engagement, month=today, today=today)
    period = today.strftime("%Y-%m")
    alerts: list[BudgetAlert] = []
    claimed = [run for kind in crossed(summary) if (run := claim_run(
        session, engagement_id=id_of(engagement), kind=kind, period=period, claimed_by=claimed_by))]
    if claimed:
        top_kind = claimed[0].kind
        alerts.append(BudgetAlert(kind=top_kind, display_name=engagement.display_name, summary=summary,
                                  runs=tuple(claimed)))
    if _under_pace(summary):
        run = claim_run(session, engagement_id=id_of(engagement), kind=UNDER_PACE, period=period,
                        claimed_by=claimed_by)
        if run:
            alerts.append(BudgetAlert(kind=UNDER_PACE, display_name=engagement.display_name, summary=summary,
                                      runs=(run,)))
    return alerts


def _under_pace(summary: MonthSummary) -> bool:
    past_mid_month = summary.business_days_elapsed * 2 > summary.business_days_total
    return past_mid_month and summary.minutes * 2 < summary.expected_minutes_by_now
