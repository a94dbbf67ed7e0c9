"""Budget alerts: month-to-date hours crossing 80 % and 100 % of the band's top, and an under-pace note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.models import DigestRun, Engagement
from bot.services.retainer import MonthSummary, month_summary
from bot.services.runs import claim_run

BUDGET_80, BUDGET_100, UNDER_PACE = "budget-80", "budget-100", "under-pace"


@dataclass(frozen=True)
class BudgetAlert:
    """An alert claimed for this month, to be sent to the engagement's CTO users."""

    kind: str
    text: str
    runs: tuple[DigestRun, ...]


def _fmt(hours: float) -> str:
    return f"{hours:.1f}".rstrip("0").rstrip(".")


def claim_budget_alerts(session: Session, *, engagement: Engagement, today: date, claimed_by: str) -> list[BudgetAlert]:
    """The alerts due now that no process has claimed yet this month; claiming them is part of the call."""
    if today < engagement.start_date:
        return []
    summary = month_summary(session, engagement=engagement, month=today, today=today)
    period = today.strftime("%Y-%m")
    alerts: list[BudgetAlert] = []
    crossed = [kind for kind, share in ((BUDGET_100, 1.0), (BUDGET_80, 0.8)) if summary.share_of_top >= share]
    claimed = [run for kind in crossed if (run := claim_run(
        session, engagement_id=engagement.id, kind=kind, period=period, claimed_by=claimed_by))]  # type: ignore[arg-type]
    if claimed:
        top_kind = claimed[0].kind
        alerts.append(BudgetAlert(kind=top_kind, text=_budget_text(engagement, summary, top_kind), runs=tuple(claimed)))
    if _under_pace(summary):
        run = claim_run(session, engagement_id=engagement.id, kind=UNDER_PACE, period=period,  # type: ignore[arg-type]
                        claimed_by=claimed_by)
        if run:
            alerts.append(BudgetAlert(kind=UNDER_PACE, text=_under_pace_text(engagement, summary), runs=(run,)))
    return alerts


def _under_pace(summary: MonthSummary) -> bool:
    past_mid_month = summary.business_days_elapsed * 2 > summary.business_days_total
    return past_mid_month and summary.hours < 0.5 * summary.expected_hours_by_now


def _budget_text(engagement: Engagement, summary: MonthSummary, kind: str) -> str:
    percent = round(summary.share_of_top * 100)
    band = f"{engagement.hours_min}–{engagement.hours_max} h"
    head = ":rotating_light: *Over budget*" if kind == BUDGET_100 else ":warning: *80 % of budget*"
    return (f"{head} — {engagement.display_name}: {_fmt(summary.hours)} h logged this month, {percent} % of the "
            f"{engagement.hours_max} h top of the {band} band. Projected month end: "
            f"{_fmt(summary.projected_hours)} h.")


def _under_pace_text(engagement: Engagement, summary: MonthSummary) -> str:
    return (f":turtle: *Under pace* — {engagement.display_name}: {_fmt(summary.hours)} h logged by "
            f"{summary.as_of.isoformat()}, less than half of the {_fmt(summary.expected_hours_by_now)} h the "
            f"{engagement.hours_min} h floor of the band expects by now. Projected month end: "
            f"{_fmt(summary.projected_hours)} h.")
