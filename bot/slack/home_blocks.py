"""The App Home tab: one card per engagement the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models import Question, ReviewRequest
from bot.services.engagements import EngagementStatus
from bot.services.portfolio import Portfolio
from bot.services.retainer import MonthSummary
from bot.slack.blocks import Blocks, band_text, context, month_line, section
from bot.slack.capture_blocks import question_line, review_line
from bot.slack.lists import VIEW_BLOCK_LIMIT, cut, list_text
from bot.slack.mrkdwn import escape
from bot.slack.portfolio_blocks import portfolio_blocks

PER_CARD = 5
BLOCKS_PER_CARD = 4
MAX_CARDS = 12  # 1 header + 12 cards of 4 blocks + 2 context lines: within a view's 100 blocks
MAX_PORTFOLIO = 20  # with its header, totals and "and N more": 23 blocks, so 12 cards still fit in 100


@dataclass(frozen=True)
class HomeCard:
    """What the viewer sees of one engagement (hours only for its CTO users)."""

    status: EngagementStatus
    summary: MonthSummary | None
    questions: list[Question]
    reviews: list[ReviewRequest]
    overdue: int


def home_view(cards: list[HomeCard], *, now: datetime, is_cto: bool,
              portfolio: Portfolio | None = None) -> dict[str, Any]:
    """The published Home view: for a CTO, their clients this month at a glance first, then one card each."""
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": "ctobot"}}]
    if not cards:
        blocks.append(section(
            "I keep your fractional CTO's time, questions and decisions in your client channel. "
            "Ask questions there; `/cto help` lists the commands."))
    if portfolio is not None and portfolio.clients:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Your clients this month"}})
        blocks += portfolio_blocks(portfolio, max_clients=MAX_PORTFOLIO)
    room = VIEW_BLOCK_LIMIT - len(blocks) - 2  # the two context lines at the end
    shown, more = cut(cards, min(MAX_CARDS, room // BLOCKS_PER_CARD))
    for card in shown:
        e = card.status.engagement
        channels = ", ".join(f"<#{c}>" for c in card.status.channels) or "no channel"
        lines = [f"*{escape(e.display_name)}* · {e.tier} tier · {band_text(e)} · {channels}"]
        if card.summary is not None:
            lines.append(month_line(card.summary, e))
        if card.overdue:
            lines.append(f":warning: {card.overdue} question{'s' if card.overdue != 1 else ''} past the "
                         f"{e.response_target_hours:g}-hour first-response target")
        blocks.append({"type": "divider"})
        blocks.append(section("\n".join(lines)))
        blocks.append(section(list_text([question_line(q, e, now) for q in card.questions],
                                        head="*Open questions*", empty="none", max_items=PER_CARD)))
        blocks.append(section(list_text([review_line(r, now) for r in card.reviews],
                                        head="*Open review requests*", empty="none", max_items=PER_CARD)))
    if more:
        blocks.append(context(f"{more} engagements"))
    if is_cto:
        blocks.append(context("You see every engagement you are the CTO of. Founders see only their own."))
    return {"type": "home", "blocks": blocks}
