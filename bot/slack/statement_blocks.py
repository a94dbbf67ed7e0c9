"""Block Kit for the monthly statement."""

from __future__ import annotations

from bot import formatting
from bot.formatting import duration
from bot.services.categories import CATEGORIES, compare_to_typical
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


def typical_week_lines(s: MonthlyStatement) -> list[str]:
    """`• review 35 % (typical 29 %)`: each category's share of the month next to the typical week's, in whole
    percents that sum to 100 on each side; empty when nothing was logged."""
    rows = compare_to_typical(s.summary.by_category)
    shares = formatting.whole_percents([row.share for row in rows])
    typical = formatting.whole_percents([row.typical for row in rows])
    lines = []
    for row, share, usual in zip(rows, shares, typical, strict=True):
        if row.typical:
            lines.append(f"• {row.category} {share} % (typical {usual} %)")
        else:
            lines.append(f"• {row.category} {share} % (not in the typical week)")
    return lines


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
                      section(headline), section("*By category*\n" + "\n".join(lines))]
    typical = typical_week_lines(s)
    if typical:
        blocks.append(section("*Against the typical week* (shares of the hours, not hours)\n" + "\n".join(typical)))
    blocks.append(context("The Harvest CSV of the month's entries is in this thread."))
    fallback = f"{escape(statement_title(s))}: {duration(summary.minutes)} of {band_text}, {verdict(s)}."
    return fallback, blocks
