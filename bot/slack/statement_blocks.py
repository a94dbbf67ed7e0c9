"""Block Kit for the monthly statement."""

from __future__ import annotations

from bot import formatting
from bot.formatting import duration
from bot.services.categories import CATEGORIES
from bot.services.statement import MonthlyStatement
from bot.slack.blocks import Blocks, context, section
from bot.slack.mrkdwn import escape


def statement_title(s: MonthlyStatement) -> str:
    """`Acme — statement, October 2026`."""
    return f"{s.engagement.display_name} — statement, {s.month:%B %Y}"


def verdict(s: MonthlyStatement) -> str:
    """`over the band by 2h 30m`, `under the band by 4h` or `within the band`."""
    delta = s.over_under_minutes
    if delta > 0:
        return f"over the band by {duration(delta)}"
    return f"under the band by {duration(-delta)}" if delta < 0 else "within the band"


def category_lines(s: MonthlyStatement) -> list[str]:
    """`• review — 6h 30m (mode decide)`, largest first."""
    by_category = sorted(s.summary.by_category.items(), key=lambda item: (-item[1], item[0]))
    return [f"• {name} — {duration(minutes)} ({CATEGORIES.get(name, '?')})" for name, minutes in by_category]


def statement_message(s: MonthlyStatement) -> tuple[str, Blocks]:
    """The statement as Block Kit and its plain-text fallback."""
    summary = s.summary
    band = summary.band
    band_text = formatting.band(band.floor_minutes, band.top_minutes)
    headline = (f"*{duration(summary.minutes)}* ({formatting.decimal_hours(summary.minutes)} h) of {band_text}"
                f" — {verdict(s)}." + "".join(f"\nBand {note}." for note in band.notes())
                + (f" Executor share {round(summary.executor_share * 100)} %." if summary.executor_share is not None
                   else ""))
    lines = category_lines(s) or ["no time logged"]
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": statement_title(s)[:150]}},
                      section(headline), section("*By category*\n" + "\n".join(lines)),
                      context("The Harvest CSV of the month's entries is in this thread.")]
    fallback = f"{escape(statement_title(s))}: {duration(summary.minutes)} of {band_text}, {verdict(s)}."
    return fallback, blocks
