"""Block Kit for the engagement's end: `/cto end`'s reply and the post-handover check-in DM."""

from __future__ import annotations

from datetime import date, datetime

from bot.models import Engagement
from bot.services.lifecycle import NOTICE_DAYS, CheckIn, StillOpen
from bot.services.register_kinds import FINDING, VENDOR
from bot.slack.blocks import Blocks, context, section
from bot.slack.capture_blocks import question_line
from bot.slack.delivery_blocks import risk_line
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline
from bot.slack.register_blocks import entry_line

MAX_LISTED = 15
CADENCE_TEXT = {"none": "no check-ins", "monthly": "monthly check-ins", "quarterly": "quarterly check-ins"}


def end_set_text(engagement: Engagement, *, today: date, next_checkin: CheckIn | None) -> str:
    """What `/cto end` answers once the end date is set or cleared."""
    name = escape(engagement.display_name)
    end = engagement.end_date
    if end is None:
        return (f"*{name}* has no end date any more: the handover is due at the end of the engagement, and "
                "weekly digests go on.")
    notice = f" ({(end - today).days} days' notice)" if end >= today else " (already past)"
    lines = [f"*{name}* ends on *{end:%a %d %b %Y}*{notice}. The handover is due that day; no weekly digest is "
             "posted after it."]
    owner = f"<@{engagement.internal_owner_id}>" if engagement.internal_owner_id else "no internal owner yet"
    cadence = CADENCE_TEXT.get(engagement.checkin_cadence, engagement.checkin_cadence)
    first = f", the first on {next_checkin.day:%a %d %b %Y}" if next_checkin else ""
    lines.append(f"After it: {cadence}{first} (to the CTO and {owner}). `/cto setup` sets the internal owner "
                 f"and the check-in cadence; `/cto end` alone gives {NOTICE_DAYS} days' notice.")
    return "\n".join(lines)


def checkin_message(still: StillOpen, *, now: datetime) -> tuple[str, Blocks]:
    """The check-in DM: which check-in it is, and what the engagement left open."""
    e, ci = still.engagement, still.checkin
    name = escape(e.display_name)
    ended = f"{e.end_date:%d %b %Y}" if e.end_date else "?"
    cadence = e.checkin_cadence
    head = (f":calendar: *{name}* — {cadence} check-in {ci.number} after the handover (the engagement ended "
            f"{ended}).")
    blocks: Blocks = [section(head)]
    if still.nothing:
        blocks.append(section("Nothing is left open: no high risk, no overdue artifact, no open question, no open "
                              "finding, no renewal due."))
    if still.high_risks:
        blocks.append(section(list_text([risk_line(r) for r in still.high_risks], max_items=MAX_LISTED,
                                        head=f"*Open high risks ({len(still.high_risks)})*")))
    if still.overdue_artifacts:
        lines = [f"• `{inline(a.kind)}` — was due {a.due_date:%d %b %Y}" for a in still.overdue_artifacts]
        blocks.append(section(list_text(lines, max_items=MAX_LISTED,
                                        head=f"*Artifacts overdue ({len(still.overdue_artifacts)})*")))
    if still.open_questions:
        lines = [question_line(q, e, now) for q in still.open_questions]
        blocks.append(section(list_text(lines, max_items=MAX_LISTED,
                                        head=f"*Open questions ({len(still.open_questions)})*")))
    if still.open_findings:
        blocks.append(section(list_text([entry_line(FINDING, f) for f in still.open_findings], max_items=MAX_LISTED,
                                        head=f"*Open findings ({len(still.open_findings)})*")))
    if still.renewals:
        lines = [entry_line(VENDOR, d.vendor) for d in still.renewals]  # the line says "notice by" the deadline
        blocks.append(section(list_text(lines, max_items=MAX_LISTED,
                                        head=f"*Renewals due ({len(still.renewals)})*")))
    blocks.append(context(escape("`/risk`, `/finding`, `/vendor`, `/artifact` and `/cto questions` in the "
                                 "client's channel show the rest; `/cto setup` changes the check-in cadence.")))
    counts = (f"{len(still.high_risks)} open high risks, {len(still.overdue_artifacts)} artifacts overdue, "
              f"{len(still.open_questions)} open questions, {len(still.open_findings)} open findings, "
              f"{len(still.renewals)} renewals due")
    return f"{name}: {cadence} check-in {ci.number} after the handover — {counts}", blocks
