"""Block Kit for `/logtime`: confirmations, the week's list, the modal, and the month-to-date line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from bot.errors import InvalidInput
from bot.formatting import duration
from bot.models import Engagement, MonthStatement, TimeEntry
from bot.services.categories import CATEGORIES
from bot.services.logtime_parser import LogtimeRequest
from bot.services.retainer import MonthSummary
from bot.slack import ids
from bot.slack.blocks import Blocks, context, input_block, month_line, section
from bot.slack.lists import cut
from bot.slack.mrkdwn import escape, inline

MAX_LISTED = 40  # a head, a context line, 40 entries and "and N more": within a message's 50 blocks
NOTE_LIMIT = 500


def day_text(day: date, today: date) -> str:
    """`today`, `yesterday` or `Fri 20 Nov`."""
    if day == today:
        return f"today ({day:%a %d %b})"
    if day == today - timedelta(days=1):
        return f"yesterday ({day:%a %d %b})"
    return f"{day:%a %d %b %Y}" if day.year != today.year else f"{day:%a %d %b}"


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text},
                              "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def logged_message(entry: TimeEntry, *, engagement: Engagement, summary: MonthSummary, today: date,
                   verb: str = "Logged") -> tuple[str, Blocks]:
    """The ephemeral confirmation of a new or edited entry, with Undo and Edit."""
    what = f"{duration(entry.minutes)} of {entry.category}"
    note = f" — “{inline(entry.note, NOTE_LIMIT)}”" if entry.note else ""
    text = (f"{verb} {what} for <@{entry.user_id}> on {day_text(entry.work_date, today)} "
            f"at *{escape(engagement.display_name)}*{note}.")
    blocks: Blocks = [
        section(text),
        context(month_line(summary, engagement)),
        {"type": "actions", "elements": [
            _button("Undo", ids.ACTION_LOGTIME_UNDO, str(entry.id), style="danger"),
            _button("Edit", ids.ACTION_LOGTIME_EDIT, str(entry.id)),
        ]},
    ]
    return text.replace("*", ""), blocks


def week_message(entries: list[TimeEntry], *, engagement: Engagement, summary: MonthSummary,
                 today: date) -> tuple[str, Blocks]:
    """`/logtime list`: this week's entries, each with a Delete button."""
    total = sum(e.minutes for e in entries)
    name = escape(engagement.display_name)
    head = f"*{name}* — this week: {duration(total) if total else 'nothing logged yet'}"
    blocks: Blocks = [section(head), context(month_line(summary, engagement))]
    shown, more = cut(entries, MAX_LISTED)
    for entry in shown:
        note = f" — {inline(entry.note, NOTE_LIMIT)}" if entry.note else ""
        line = (f"{entry.work_date:%a %d %b} · *{duration(entry.minutes)}* {entry.category} · "
                f"<@{entry.user_id}>{note}")
        block = section(line)
        block["accessory"] = _button("Delete", ids.ACTION_LOGTIME_DELETE, str(entry.id))
        blocks.append(block)
    if more:
        blocks.append(context(more))
    text = f"{name}: {len(entries)} entries this week ({duration(total) if total else '0h'})"
    return text, blocks


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


def logtime_modal(*, engagements: list[Engagement], selected: Engagement | None, today: date,
                  channel_id: str | None, entry: TimeEntry | None = None) -> dict[str, Any]:
    """The `/logtime` modal (and its Edit twin, prefilled from `entry`)."""
    engagement_options = [_option(e.display_name, str(e.id)) for e in engagements[:100]]
    category_options = [_option(name, name) for name in CATEGORIES]
    engagement_element: dict[str, Any] = {"type": "static_select", "action_id": ids.ACTION_LOGTIME_ENGAGEMENT,
                                          "options": engagement_options}
    chosen = selected or (engagements[0] if len(engagements) == 1 else None)
    if chosen is not None:
        engagement_element["initial_option"] = _option(chosen.display_name, str(chosen.id))
    category_element: dict[str, Any] = {"type": "static_select", "action_id": ids.ACTION_LOGTIME_CATEGORY,
                                        "options": category_options}
    if entry is not None:
        category_element["initial_option"] = _option(entry.category, entry.category)
    duration_element: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.ACTION_LOGTIME_DURATION,
                                        "placeholder": {"type": "plain_text", "text": "1h30m, 1.5h, 90m or 1:30"}}
    note_element: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.ACTION_LOGTIME_NOTE,
                                    "multiline": True, "max_length": 2000}
    if entry is not None:
        duration_element["initial_value"] = duration(entry.minutes).replace(" ", "")
        if entry.note:
            note_element["initial_value"] = entry.note

    blocks = [
        input_block(ids.BLOCK_LOGTIME_ENGAGEMENT, "Client", engagement_element),
        input_block(ids.BLOCK_LOGTIME_DATE, "Date", {"type": "datepicker", "action_id": ids.ACTION_LOGTIME_DATE,
                                               "initial_date": (entry.work_date if entry else today).isoformat()}),
        input_block(ids.BLOCK_LOGTIME_DURATION, "Duration", duration_element),
        input_block(ids.BLOCK_LOGTIME_CATEGORY, "Category", category_element),
        input_block(ids.BLOCK_LOGTIME_NOTE, "Note", note_element, optional=True),
        input_block(ids.BLOCK_LOGTIME_AMEND, "Sent months", {
            "type": "checkboxes", "action_id": ids.ACTION_LOGTIME_AMEND, "options": [{
                "text": {"type": "plain_text", "text": "Amend a statement already sent"},
                "description": {"type": "plain_text", "text": "Only needed for a month whose statement went out"},
                "value": ids.OPTION_LOGTIME_AMEND}]}, optional=True),
    ]
    return {
        "type": "modal", "callback_id": ids.VIEW_LOGTIME,
        "private_metadata": json.dumps({"channel_id": channel_id, "entry_id": entry.id if entry else None}),
        "title": {"type": "plain_text", "text": "Edit time" if entry else "Log time"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def sent_month_confirmation(request: LogtimeRequest, *, engagement: Engagement, statement: MonthStatement,
                            today: date) -> tuple[str, Blocks]:
    """Logging into a month whose statement was sent: say what will happen, and ask first."""
    what = f"{duration(request.minutes)} of {request.category} on {day_text(request.work_date, today)}"
    text = (f"{escape(engagement.display_name)}'s *{statement.month:%B %Y}* statement was already sent. Logging "
            f"{what} will post an amendment in that statement's thread (the change and a new Harvest CSV); "
            "the statement itself stays as it was sent.")
    value = json.dumps({"engagement": engagement.id, "minutes": request.minutes, "category": request.category,
                        "work_date": request.work_date.isoformat(), "note": request.note}, ensure_ascii=False)
    if len(value) > BUTTON_VALUE_LIMIT:
        raise InvalidInput("That note is too long to confirm with a button: use `/logtime` alone (the form) to log "
                           "time into a month whose statement was sent.")
    blocks: Blocks = [section(text), {"type": "actions", "elements": [
        _button("Log it and amend", ids.ACTION_LOGTIME_CONFIRM_SENT, value, style="primary"),
        _button("Cancel", ids.ACTION_LOGTIME_CANCEL, "cancel"),
    ]}]
    return text.replace("*", ""), blocks


BUTTON_VALUE_LIMIT = 2000

LOGTIME_FIELD_BLOCKS = {
    "engagement": ids.BLOCK_LOGTIME_ENGAGEMENT,
    "date": ids.BLOCK_LOGTIME_DATE,
    "duration": ids.BLOCK_LOGTIME_DURATION,
    "category": ids.BLOCK_LOGTIME_CATEGORY,
    "amend": ids.BLOCK_LOGTIME_AMEND,
}
