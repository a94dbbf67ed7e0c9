"""Block Kit for the monthly statement."""

from __future__ import annotations

from bot.services.categories import CATEGORIES
from bot.services.logtime_parser import format_minutes
from bot.services.statement import MonthlyStatement
from bot.slack.blocks import Blocks, context, hours, section
from bot.slack.mrkdwn import escape


def statement_title(s: MonthlyStatement) -> str:
    """`Acme — statement, October 2026`."""
    return f"{s.engagement.display_name} — statement, {s.month:%B %Y}"


def verdict(s: MonthlyStatement) -> str:
    """`over the band by 2.5 h`, `under the band by 4 h` or `within the band`."""
    delta = s.over_under_hours
    if delta > 0:
        return f"over the band by {hours(delta)}"
    return f"under the band by {hours(-delta)}" if delta < 0 else "within the band"


def category_lines(s: MonthlyStatement) -> list[str]:
    """`• review — 6h 30m (mode decide)`, largest first."""
    by_category = sorted(s.summary.by_category.items(), key=lambda item: (-item[1], item[0]))
    return [f"• {name} — {format_minutes(minutes)} ({CATEGORIES.get(name, '?')})" for name, minutes in by_category]


def statement_message(s: MonthlyStatement) -> tuple[str, Blocks]:
    """The statement as Block Kit and its plain-text fallback."""
    e, summary = s.engagement, s.summary
    headline = (f"*{hours(summary.hours)}* of {e.hours_min}–{e.hours_max} h — {verdict(s)}."
                + (f" Executor share {round(summary.executor_share * 100)} %." if summary.executor_share is not None
                   else ""))
    lines = category_lines(s) or ["no time logged"]
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": statement_title(s)[:150]}},
                      section(headline), section("*By category*\n" + "\n".join(lines)),
                      context("The Harvest CSV of the month's entries is in this thread.")]
    fallback = f"{escape(statement_title(s))}: {hours(summary.hours)} of {e.hours_min}–{e.hours_max} h, {verdict(s)}."
    return fallback, blocks
