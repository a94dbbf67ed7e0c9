"""Block Kit for the reminders by DM: a vendor's notice deadline coming up, and the Friday systems nudge."""

from __future__ import annotations

from datetime import date

from bot.models import Engagement
from bot.services.register_kinds import SYSTEM, VENDOR
from bot.services.reminders import NoticeDue, SystemNudge
from bot.slack.blocks import Blocks, context, section
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline
from bot.slack.register_blocks import entry_line

MAX_LISTED = 15


def _days(deadline: date, today: date) -> str:
    days = (deadline - today).days
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def notice_message(engagement: Engagement, due: NoticeDue, *, today: date) -> tuple[str, Blocks]:
    """The DM 14 days before a vendor's notice deadline."""
    vendor = due.vendor
    name, label = escape(engagement.display_name), VENDOR.label(vendor.number)
    head = (f":bell: *{name}* — notice for *{inline(vendor.title)}* ({label}) must be given by "
            f"*{due.deadline:%a %d %b %Y}* ({_days(due.deadline, today)}): it renews on {vendor.renewal_date:%d %b %Y} "
            f"with {vendor.notice_days} days' notice.")
    blocks: Blocks = [section(head), section(entry_line(VENDOR, vendor))]
    if vendor.contract_terms.strip():
        blocks.append(section(f"*Contract terms*\n{inline(vendor.contract_terms, 1500)}"))
    blocks.append(context(escape(f"Renew, renegotiate or end it before then: `/vendor edit {vendor.number}` in the "
                                 f"client's channel changes the dates, `/vendor end {vendor.number}` ends it.")))
    text = (f"{name}: notice for {inline(vendor.title)} ({label}) is due by {due.deadline:%d %b %Y} "
            f"({_days(due.deadline, today)})")
    return text, blocks


def system_nudge_message(engagement: Engagement, nudge: SystemNudge) -> tuple[str, Blocks]:
    """The Friday DM: the systems added this week without a handover note."""
    name, count = escape(engagement.display_name), len(nudge.systems)
    noun = SYSTEM.noun if count == 1 else SYSTEM.plural
    head = (f":memo: *{name}* — {count} {noun} added this week ({nudge.week}) without a handover note: write "
            "how it works and what the team should do when it breaks.")
    lines = [entry_line(SYSTEM, s) for s in nudge.systems]
    blocks: Blocks = [section(head), section(list_text(lines, max_items=MAX_LISTED)),
                      context(escape("`/system edit N` in the client's channel opens the note."))]
    return f"{name}: {count} {noun} added this week without a handover note", blocks
