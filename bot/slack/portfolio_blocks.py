"""The CTO's cross-client view (`bot.services.portfolio`) as Slack blocks (App Home, `/cto status` in a DM) and as
plain text for a terminal (`ctobot status`): the same lines, with or without mrkdwn."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import formatting
from bot.formatting import duration
from bot.services.portfolio import ClientMonth, Portfolio
from bot.slack.blocks import Blocks, context, section
from bot.slack.lists import MESSAGE_BLOCK_LIMIT, SECTION_LIMIT, cut, list_text
from bot.slack.mrkdwn import clip, inline

PER_LIST = 3  # overdue artifacts, high risks and renewals shown per client, then "and N more"
TITLE_LIMIT = 120
DM_CLIENTS = MESSAGE_BLOCK_LIMIT - 4  # header, totals, "and N more", footer
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class _Style:
    """How a line marks a name and shows user text: mrkdwn for Slack, as it is for a terminal."""

    strong: Callable[[str], str]
    text: Callable[[str, int], str]


SLACK = _Style(strong=lambda s: f"*{s}*", text=lambda s, n: inline(s, n))
PLAIN = _Style(strong=lambda s: s, text=lambda s, n: clip(_SPACES.sub(" ", s or "").strip(), n))


def slot_text(slot: datetime | None) -> str:
    """`Fri 20 Nov 16:00` in the slot's own zone, or `none` (after the engagement's end)."""
    return f"{slot:%a} {slot.day} {slot:%b %H:%M}" if slot is not None else "none (after the end date)"


def hours_line(c: ClientMonth) -> str:
    """`This month 12h 30m of 20–25 h · to the floor 7h 30m · to the top 12h 30m`."""
    e, band = c.engagement, c.summary.band
    if not c.in_band_this_month:
        when = (f"starts {e.start_date.isoformat()}" if e.start_date > c.today
                else f"ended {e.end_date.isoformat() if e.end_date else '?'}")
        return f"This month {duration(c.summary.minutes)} · no band this month ({when})"
    line = (f"This month {duration(c.summary.minutes)} of {formatting.band(band.floor_minutes, band.top_minutes)}"
            f" · to the floor {duration(c.to_floor_minutes)} · to the top {duration(c.to_top_minutes)}")
    if c.over_top_minutes:
        line += f" · over the top by {duration(c.over_top_minutes)}"
    notes = band.notes()
    return line + (f" · band {'; '.join(notes)}" if notes else "")


def client_text(c: ClientMonth, style: _Style) -> str:
    """One client: name, hours to the floor and the top, overdue artifacts, open high risks, renewals due, next
    slots."""
    e = c.engagement
    head = [f"{style.strong(style.text(e.display_name, 200))} · {e.tier} tier · {e.timezone}", hours_line(c),
            f"Next digest {slot_text(c.next_digest)} · next statement {slot_text(c.next_statement)}"]
    parts = ["\n".join(head)]
    overdue = [f"• {s.kind} — due {s.artifact.due_date.isoformat()} ({(c.today - s.artifact.due_date).days} days "
               "late)" for s in c.overdue]
    risks = [f"• #{r.number} {style.text(r.title, TITLE_LIMIT)}" for r in c.high_risks]
    renewals = [f"• V{d.vendor.number} {style.text(d.vendor.title, TITLE_LIMIT)} — notice by "
                f"{d.deadline.isoformat()} (renews {d.vendor.renewal_date})" for d in c.renewals]
    budget = SECTION_LIMIT - len(parts[0]) - 2
    for lines, head_text in ((overdue, "Overdue artifacts"), (risks, "Open high risks"), (renewals, "Renewals due")):
        if lines:
            text = list_text(lines, head=f"{head_text} ({len(lines)}):", max_items=PER_LIST, limit=budget // 3)
            parts.append(text)
    return "\n".join(parts)


def totals_text(p: Portfolio, style: _Style) -> str:
    """`All 3 clients: 30h of 55–70 h · to the floors 25h · to the tops 40h · 3 overdue artifacts · 2 high risks`."""
    count = len(p.clients)
    line = (f"{style.strong(f'All {count} client' + ('s' if count != 1 else ''))}: {duration(p.minutes)} of "
            f"{formatting.band(p.floor_minutes, p.top_minutes)} · to the floors {duration(p.to_floor_minutes)}"
            f" · to the tops {duration(p.to_top_minutes)}")
    if p.over_top_minutes:
        line += f" · over the tops by {duration(p.over_top_minutes)}"
    return (line + f" · {p.overdue_count} overdue artifact{'s' if p.overdue_count != 1 else ''}"
            f" · {p.high_risk_count} open high risk{'s' if p.high_risk_count != 1 else ''}"
            f" · {p.renewal_count} renewal{'s' if p.renewal_count != 1 else ''} due")


def portfolio_blocks(p: Portfolio, *, max_clients: int) -> Blocks:
    """Totals, then one section per client (at most `max_clients`, then "and N more")."""
    blocks: Blocks = [section(totals_text(p, SLACK))]
    shown, more = cut(p.clients, max_clients)
    blocks.extend(section(client_text(c, SLACK)) for c in shown)
    if more:
        blocks.append(context(more + " clients"))
    return blocks


def portfolio_message(p: Portfolio) -> tuple[str, Blocks]:
    """`/cto status` in a DM: every client of the caller in this workspace."""
    if not p.clients:
        text = ("You are not the CTO of any client in this workspace. `/cto setup` in a client channel links one; "
                "in a client channel, `/cto status` shows that client.")
        return text, [section(text)]
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": "Your clients this month"}}]
    blocks += portfolio_blocks(p, max_clients=DM_CLIENTS)
    blocks.append(context("Each client's month in its own time zone, against its band (pro-rated by business days, "
                          "with rollover). `/cto status` in a client channel shows that client."))
    return totals_text(p, SLACK), blocks


def portfolio_plain_text(p: Portfolio) -> str:
    """`ctobot status`: every engagement, for a terminal."""
    if not p.clients:
        return ("No clients yet: `ctobot client add NAME --channel C… --tier active --start YYYY-MM-DD "
                "--tz Area/City` creates one.\n")
    stamp = p.now.astimezone(ZoneInfo("UTC"))
    lines = [f"ctobot status, {stamp:%Y-%m-%d %H:%M} UTC", totals_text(p, PLAIN)]
    for c in p.clients:
        workspace = c.engagement.team_id or "no workspace yet"
        body = client_text(c, PLAIN).split("\n")
        lines += ["", f"{body[0]} · {c.engagement.name} ({workspace})", *("  " + line for line in body[1:])]
    return "\n".join(lines) + "\n"

