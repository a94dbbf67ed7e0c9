"""Block Kit for the monthly statement: the draft the CTO closes, the statement itself, and its amendments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import formatting
from bot.formatting import duration, signed_duration
from bot.models import MonthStatement, StatementAmendment
from bot.services.categories import CATEGORIES, compare_to_typical
from bot.services.retainer import Band
from bot.services.statement import MonthlyStatement
from bot.slack import ids
from bot.slack.blocks import Blocks, context, section
from bot.slack.mrkdwn import escape


def statement_title(s: MonthlyStatement) -> str:
    """`Acme — statement, October 2026`."""
    return f"{s.engagement.display_name} — statement, {s.month:%B %Y}"


def verdict_of(minutes: int, band: Band) -> str:
    """`over the band by 2h 30m`, `under the band by 4h` or `within the band` (exactly the top is within)."""
    if minutes > band.top_minutes:
        return f"over the band by {duration(minutes - band.top_minutes)}"
    if minutes < band.floor_minutes:
        return f"under the band by {duration(band.floor_minutes - minutes)}"
    return "within the band"


def verdict(s: MonthlyStatement) -> str:
    """The statement's verdict on its month."""
    return verdict_of(s.summary.minutes, s.summary.band)


def category_lines(s: MonthlyStatement) -> list[str]:
    """`• review — 6h 30m (mode decide)`, largest first."""
    by_category = sorted(s.summary.by_category.items(), key=lambda item: (-item[1], item[0]))
    return [f"• {name} — {duration(minutes)} ({CATEGORIES.get(name, '?')})" for name, minutes in by_category]


def business_days_text(days: int) -> str:
    return f"{days} business day" + ("" if days == 1 else "s")


def automatic_note(grace_days: int) -> str:
    """What an unclosed month's statement says about itself."""
    return f"Sent automatically after {business_days_text(grace_days)}; the CTO had not closed the month."


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


def statement_message(s: MonthlyStatement, *, automatic: bool = False) -> tuple[str, Blocks]:
    """The statement as Block Kit and its plain-text fallback (`automatic`: sent at the end of the grace)."""
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
    if automatic:
        blocks.append(context(automatic_note(s.engagement.statement_grace_days)))
    fallback = f"{escape(statement_title(s))}: {duration(summary.minutes)} of {band_text}, {verdict(s)}."
    return fallback, blocks


def draft_message(s: MonthlyStatement, *, statement_id: int, channel_id: str | None,
                  sends_at: datetime) -> tuple[str, Blocks]:
    """The CTO's DM on the first business day: the statement as it would go out, marked draft, to close and send."""
    _, blocks = statement_message(s)
    title = f"DRAFT — {statement_title(s)}"
    blocks[0] = {"type": "header", "text": {"type": "plain_text", "text": title[:150]}}
    where = f"<#{channel_id}>" if channel_id else "the client's channel"
    blocks[-1] = context(f"Draft: nothing has been sent yet. *Close and send* posts it to {where} with the Harvest "
                         f"CSV in its thread. Without it, it goes out by itself on {sends_at:%a %d %b at %H:%M} "
                         f"({escape(s.engagement.timezone)}), saying the month was not closed. Time still to log "
                         f"for {s.month:%B}? Log it first.")
    blocks.append({"type": "actions", "elements": [{
        "type": "button", "action_id": ids.ACTION_STATEMENT_CLOSE, "value": str(statement_id), "style": "primary",
        "text": {"type": "plain_text", "text": "Close and send"},
        "confirm": {"title": {"type": "plain_text", "text": "Send the statement?"},
                    "text": {"type": "plain_text",
                             "text": f"{s.engagement.display_name}'s founders get the {s.month:%B %Y} statement. "
                                     "Later changes go out as amendments."[:300]},
                    "confirm": {"type": "plain_text", "text": "Close and send"},
                    "deny": {"type": "plain_text", "text": "Not yet"}}}]})
    fallback = f"Draft: {escape(statement_title(s))}: {duration(s.summary.minutes)}, {verdict(s)}. Close and send?"
    return fallback, blocks


def amendment_message(row: MonthStatement, amendment: StatementAmendment, *, display_name: str,
                      previous_minutes: int) -> tuple[str, Blocks]:
    """An amendment in the statement's thread: the change, the new total against the band as sent, a new CSV."""
    from bot.services.months import band_as_sent

    band = band_as_sent(row)
    band_text = formatting.band(band.floor_minutes, band.top_minutes)
    total, delta = amendment.total_minutes, amendment.delta_minutes
    head = (f"*Amendment {amendment.number}* to the {row.month:%B %Y} statement: *{signed_duration(delta)}* "
            "(time logged, changed or removed after the statement was sent).")
    figures = (f"New total *{duration(total)}* ({formatting.decimal_hours(total)} h) of {band_text} — "
               f"{verdict_of(total, band)}. The last figure sent was {duration(previous_minutes)}.")
    blocks: Blocks = [section(head), section(figures),
                      context("The month's updated Harvest CSV is in this thread; the statement above stays as it "
                              "was sent.")]
    fallback = (f"{escape(display_name)}, amendment {amendment.number} to the {row.month:%B %Y} statement: "
                f"{signed_duration(delta)}, now {duration(total)} of {band_text}, {verdict_of(total, band)}.")
    return fallback, blocks


def post_result_text(result: Any, *, month_text: str) -> str:
    """What the CTO is told after closing: where it went, or why not."""
    if result.posted:
        return (f"Closed {month_text} and sent its statement to <#{result.channel_id}>, with the Harvest CSV in its "
                "thread. Later changes to that month go out as amendments.")
    return f"{month_text} was not sent: {escape(result.reason)}."
