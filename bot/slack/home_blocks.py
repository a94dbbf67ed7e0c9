"""The App Home tab: one card per engagement the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models import Question, ReviewRequest
from bot.services.engagements import EngagementStatus
from bot.services.retainer import MonthSummary
from bot.slack.blocks import Blocks, band_text, context, month_line, section
from bot.slack.capture_blocks import question_line, review_line

PER_CARD = 5
MAX_CARDS = 12


@dataclass(frozen=True)
class HomeCard:
    """What the viewer sees of one engagement (hours only for its CTO users)."""

    status: EngagementStatus
    summary: MonthSummary | None
    questions: list[Question]
    reviews: list[ReviewRequest]
    overdue: int


def home_view(cards: list[HomeCard], *, now: datetime, is_cto: bool) -> dict[str, Any]:
    """The published Home view."""
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": "ctobot"}}]
    if not cards:
        blocks.append(section(
            "I keep your fractional CTO's time, questions and decisions in your client channel. "
            "Ask questions there; `/cto help` lists the commands."))
    for card in cards[:MAX_CARDS]:
        e = card.status.engagement
        channels = ", ".join(f"<#{c}>" for c in card.status.channels) or "no channel"
        lines = [f"*{e.display_name}* · {e.tier} tier · {band_text(e)} · {channels}"]
        if card.summary is not None:
            lines.append(month_line(card.summary, e))
        if card.overdue:
            lines.append(f":warning: {card.overdue} question{'s' if card.overdue != 1 else ''} past the "
                         f"{e.response_target_hours:g}-hour first-response target")
        blocks.append({"type": "divider"})
        blocks.append(section("\n".join(lines)))
        blocks.append(section("*Open questions*\n" + _list([question_line(q, e, now) for q in card.questions],
                                                           "none")))
        blocks.append(section("*Open review requests*\n" + _list([review_line(r, now) for r in card.reviews], "none")))
    if len(cards) > MAX_CARDS:
        blocks.append(context(f"and {len(cards) - MAX_CARDS} more engagements"))
    if is_cto:
        blocks.append(context("You see every engagement you are the CTO of. Founders see only their own."))
    return {"type": "home", "blocks": blocks[:50]}


def _list(lines: list[str], empty: str) -> str:
    if not lines:
        return empty
    more = f"\nand {len(lines) - PER_CARD} more" if len(lines) > PER_CARD else ""
    return "\n".join(lines[:PER_CARD]) + more
