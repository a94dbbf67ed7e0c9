"""Block Kit for `/decision`: the decision card, the list, the ADR draft in the thread and the two modals."""

from __future__ import annotations

import json
from typing import Any

from bot.models import Decision, Engagement
from bot.services.decisions import label, options_list
from bot.slack import ids
from bot.slack.blocks import Blocks, context, input_block, section
from bot.slack.lists import MESSAGE_BLOCK_LIMIT, SECTION_LIMIT, list_sections, list_text
from bot.slack.mrkdwn import escape, inline, user_text

STATUS_TEXT = {
    "proposed": ":large_blue_circle: proposed",
    "accepted": ":white_check_mark: accepted",
    "rejected": ":no_entry_sign: rejected",
    "deprecated": ":white_circle: deprecated",
    "superseded": ":arrow_right: superseded",
}
LIST_MORE = "and {n} more: `ctobot export decisions` lists every one"
DRAFT_FIELD_LIMIT = 2800  # a draft section's text, leaving room for its heading under Slack's 3,000
FIELD_LIMIT = 3000  # Slack's plain_text_input holds at most 3,000 characters
METHOD_NOTE = {
    "llm": ":robot_face: Drafted by an LLM from this thread (secrets redacted before sending). "
           "Check it before accepting.",
    "template": ":page_facing_up: Assembled from this thread by a template: the first message and who said what "
                "as context, the options people listed, a decider's last message as the outcome.",
}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "value": value,
                              "text": {"type": "plain_text", "text": text}}
    if style:
        button["style"] = style
    return button


def card(decision: Decision, *, links: dict[int, int] | None = None) -> tuple[str, Blocks]:
    """The decision card: number, title, status, proposer; Draft ADR, Accept and Reject while proposed."""
    links = links or {}
    name = f"{label(decision.number)}: {escape(decision.title)}"
    lines = [f"*{label(decision.number)}* · *{escape(decision.title)}*",
             f"{STATUS_TEXT.get(decision.status, decision.status)} · proposed by <@{decision.proposer_user_id}>"]
    if decision.status in ("accepted", "rejected") and decision.deciders:
        lines.append(f"{decision.status.title()} by " + ", ".join(f"<@{u}>" for u in decision.deciders))
    if decision.supersedes_id in links:
        lines.append(f"Supersedes {label(links[decision.supersedes_id])}")
    if decision.superseded_by_id in links:
        lines.append(f"Superseded by {label(links[decision.superseded_by_id])}")
    value = str(decision.id)
    buttons = [_button("Draft ADR", ids.ACTION_DECISION_DRAFT, value)]
    if decision.status == "proposed":
        buttons += [_button("Accept", ids.ACTION_DECISION_ACCEPT, value, "primary"),
                    _button("Reject", ids.ACTION_DECISION_REJECT, value, "danger")]
    blocks = [section("\n".join(lines)),
              context(f"Discuss in this thread. `/decision draft {decision.number}` drafts the ADR from it."),
              {"type": "actions", "block_id": f"decision_card_{decision.id}", "elements": buttons}]
    return f"{name} ({decision.status})", blocks


def list_message(decisions: list[Decision], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/decision list`: every decision with its status, by number."""
    name = escape(engagement.display_name)
    head = f"*{name}* — {len(decisions)} decision{'s' if len(decisions) != 1 else ''}"
    lines = [f"• *{label(d.number)}* {inline(d.title)} — {STATUS_TEXT.get(d.status, d.status)}" for d in decisions]
    texts = list_sections(lines, empty="No decisions yet. `/decision Use Postgres for events` records one.",
                          max_sections=MESSAGE_BLOCK_LIMIT - 2, more=LIST_MORE)
    return f"{name}: {len(decisions)} decisions", [
        section(head), *[section(text) for text in texts],
        context(escape("`/decision <title>` · `/decision draft N` · `/decision accept N` · `/decision reject N`"))]


def drafting_message(decision: Decision, *, again: bool = False) -> tuple[str, Blocks]:
    """What the thread shows while the draft is being made."""
    text = f":hourglass_flowing_sand: {'Redrafting' if again else 'Drafting'} the ADR for {label(decision.number)}…"
    return text, [section(text)]


def draft_message(decision: Decision, *, why_template: str | None = None,
                  edited_by: str | None = None) -> tuple[str, Blocks]:
    """The ADR draft in the thread, with Accept, Edit and Regenerate."""
    def show(text: str | None) -> str:
        return user_text(text, DRAFT_FIELD_LIMIT)

    options = list_text([f"• {inline(o, 300)}" for o in options_list(decision.options)],
                        head="*Considered options*", empty="_None listed._", limit=SECTION_LIMIT)
    note = METHOD_NOTE.get(decision.draft_method or "", "")
    if why_template:
        note += f" (No LLM: {why_template}.)"
    if edited_by:
        note += f" Edited by <@{edited_by}>."
    value = str(decision.id)
    buttons = [_button("Edit", ids.ACTION_DECISION_EDIT, value),
               _button("Regenerate", ids.ACTION_DECISION_REGENERATE, value)]
    if decision.status == "proposed":
        buttons.insert(0, _button("Accept", ids.ACTION_DECISION_ACCEPT, value, "primary"))
    blocks = [
        section(f"*ADR draft — {label(decision.number)}: {escape(decision.title)}*"),
        section(f"*Context and problem*\n{show(decision.context) or '_Not recorded._'}"),
        section(options),
        section(f"*Decision outcome*\n{show(decision.outcome) or '_Not recorded._'}"),
        section(f"*Consequences*\n{show(decision.consequences) or '_Not recorded._'}"),
        context(note.strip() or "Draft"),
        {"type": "actions", "block_id": f"decision_draft_{decision.id}", "elements": buttons},
    ]
    return f"ADR draft for {label(decision.number)}: {escape(decision.title)}", blocks


def _text_input(action_id: str, *, multiline: bool, initial: str = "",
                placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
                               "max_length": 300 if not multiline else FIELD_LIMIT}
    if initial:
        element["initial_value"] = initial[: element["max_length"]]
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder}
    return element


def _section_inputs(decision: Decision | None) -> Blocks:
    d = decision
    return [
        input_block(ids.BLOCK_DECISION_CONTEXT, "Context and problem",
                    _text_input(ids.ACTION_DECISION_CONTEXT, multiline=True, initial=d.context if d else ""),
                    optional=True),
        input_block(ids.BLOCK_DECISION_OPTIONS, "Options considered",
                    _text_input(ids.ACTION_DECISION_OPTIONS, multiline=True, initial=d.options if d else "",
                                placeholder="One per line"), optional=True, hint="One option per line."),
        input_block(ids.BLOCK_DECISION_OUTCOME, "Decision outcome",
                    _text_input(ids.ACTION_DECISION_OUTCOME, multiline=True, initial=d.outcome if d else ""),
                    optional=True),
        input_block(ids.BLOCK_DECISION_CONSEQUENCES, "Consequences",
                    _text_input(ids.ACTION_DECISION_CONSEQUENCES, multiline=True,
                                initial=d.consequences if d else ""), optional=True),
    ]


def new_decision_modal(*, channel_id: str) -> dict[str, Any]:
    """`/decision` alone: title, context, options considered, outcome, consequences, deciders."""
    deciders = {"type": "multi_users_select", "action_id": ids.ACTION_DECISION_DECIDERS}
    return {
        "type": "modal", "callback_id": ids.VIEW_DECISION,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": {"type": "plain_text", "text": "Record a decision"},
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [input_block(ids.BLOCK_DECISION_TITLE, "Title",
                               _text_input(ids.ACTION_DECISION_TITLE, multiline=False,
                                           placeholder="Use Postgres for events")),
                   *_section_inputs(None),
                   input_block(ids.BLOCK_DECISION_DECIDERS, "Deciders", deciders, optional=True)],
    }


def edit_draft_modal(decision: Decision, *, channel_id: str, message_ts: str | None) -> dict[str, Any]:
    """Edit: the draft's sections, prefilled; saving updates the decision and the draft message."""
    return {
        "type": "modal", "callback_id": ids.VIEW_DECISION_EDIT,
        "private_metadata": json.dumps({"decision_id": decision.id, "channel_id": channel_id,
                                        "message_ts": message_ts}),
        "title": {"type": "plain_text", "text": f"Edit {label(decision.number)}"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [section(f"*{escape(decision.title)}*"), *_section_inputs(decision)],
    }


FIELD_BLOCKS = {"title": ids.BLOCK_DECISION_TITLE, "context": ids.BLOCK_DECISION_CONTEXT,
                "options": ids.BLOCK_DECISION_OPTIONS, "outcome": ids.BLOCK_DECISION_OUTCOME,
                "consequences": ids.BLOCK_DECISION_CONSEQUENCES}


def decide_reply(decision: Decision, changed: bool, verb: str) -> str:
    """`Accepted ADR-0003: …` or, when nothing changed, that it already was."""
    name = f"{label(decision.number)}: {escape(decision.title)}"
    return f"{verb.title()}ed {name}." if changed else f"{name} is already {decision.status}."
