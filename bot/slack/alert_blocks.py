"""The budget notes' DM text: the statement's own words, the client's name escaped."""

from __future__ import annotations

from bot import formatting
from bot.services.alerts import BUDGET_90, BUDGET_FLOOR, BUDGET_OVER, BudgetAlert
from bot.services.retainer import MonthSummary
from bot.slack.mrkdwn import inline


def alert_text(alert: BudgetAlert) -> str:
    """The DM that tells the CTO about `alert`."""
    name = inline(alert.display_name)
    if alert.kind in HEADS:
        return _budget_text(name, alert.summary, alert.kind)
    return _under_pace_text(name, alert.summary)


def _band_text(summary: MonthSummary) -> str:
    band = summary.band
    text = f"the {formatting.band(band.floor_minutes, band.top_minutes)} band"
    return text + (f" ({'; '.join(band.notes())})" if band.notes() else "")


HEADS = {
    BUDGET_OVER: ":rotating_light: *Over the band*",
    BUDGET_90: ":warning: *90 % of the band's top*",
    BUDGET_FLOOR: ":white_check_mark: *Band floor reached*",
}


def _budget_text(name: str, summary: MonthSummary, kind: str) -> str:
    logged = formatting.duration(summary.minutes)
    top = formatting.duration(summary.band.top_minutes)
    if kind == BUDGET_OVER:
        where = f"over the top by {formatting.duration(summary.minutes - summary.band.top_minutes)}"
    elif kind == BUDGET_90:
        where = f"{formatting.duration(summary.band.top_minutes - summary.minutes)} left to the {top} top"
    else:
        where = f"within the band; {formatting.duration(summary.band.top_minutes - summary.minutes)} left to the top"
    return (f"{HEADS[kind]} — {name}: {logged} logged this month, {where} of "
            f"{_band_text(summary)}. {summary.pace_text().capitalize()}.")


def _under_pace_text(name: str, summary: MonthSummary) -> str:
    expected = formatting.duration(summary.expected_minutes_by_now)
    return (f":turtle: *Under pace* — {name}: {formatting.duration(summary.minutes)} logged by "
            f"{summary.as_of.isoformat()}, less than half of the {expected} "
            f"that the floor of {_band_text(summary)} expects by now. {summary.pace_text().capitalize()}.")
