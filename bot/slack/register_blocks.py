"""Block Kit for every register kind: the list, the change report and the one edit modal, driven by the kind's spec."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.models import Engagement
from bot.services.register_kinds import CHOICE, DATE, DAYS, KINDS, LEVELS, LONG, FieldSpec, KindSpec
from bot.services.registers import Changes
from bot.slack import ids
from bot.slack.blocks import Blocks, context, input_block, section
from bot.slack.lists import list_sections
from bot.slack.mrkdwn import escape, inline

LEVEL_TEXT = {"high": ":red_circle: high", "medium": ":large_orange_circle: medium", "low": ":white_circle: low"}
MAX_SECTIONS = 20  # per part of a list: head + 20 + heading + 20 + context stays under Slack's 50 blocks
OWNER_LENGTH = 64
NOTE_LENGTH = 1000
HINTS = {
    "risk": "`/risk add <title> [high|medium|low]` · `/risk edit N` · `/risk close N [note]` · "
            "`/risk changes [YYYY-MM-DD]`",
    "finding": "`/finding add <title> [high|medium|low]` · `/finding done N [note]` · `/finding drop N <rationale>`",
    "vendor": "`/vendor add <name>` · `/vendor edit N` · `/vendor end N`",
    "roadmap": "`/roadmap add <YYYY-Qn> <item> [target: <commercial target>]` · "
               "`/roadmap set N planned|in-progress|done|dropped`",
    "system": "`/system add <name>` · `/system edit N` · `/system retire N`",
}


def _plural(spec: KindSpec, count: int) -> str:
    return spec.noun if count == 1 else spec.plural


def _choice(field: FieldSpec, value: str) -> str:
    if field.choices == LEVELS:
        return LEVEL_TEXT.get(value, inline(value))
    return f"{field.name} {inline(value)}"


def entry_line(spec: KindSpec, entry: Any) -> str:
    """`• *R3* :red_circle: high — Single point of failure — owner Dana`: the kind's choices and quarter before
    the title, its other listed fields and the owner after it; the status when it is not a new entry's."""
    before, after = [], []
    if entry.status != spec.statuses[0]:
        before.append(f"_{inline(entry.status)}_")
    for field in spec.fields:
        value = getattr(entry, field.name)
        if not field.listed or value in (None, ""):
            continue
        if field.type == CHOICE:
            before.append(_choice(field, value))
        elif field.type == DATE:
            after.append(f"{field.short or field.label.lower()} {value:%Y-%m-%d}")
        elif field.short:
            after.append(f"{field.short} {inline(value, 200)}")
        else:
            before.append(f"*{inline(value, 40)}*")
    for _name, short, how in spec.derived:
        value = how(entry)
        if value is not None:
            after.append(f"{short} {value:%Y-%m-%d}" if isinstance(value, date) else f"{short} {inline(str(value))}")
    if entry.owner:
        after.append(f"owner {inline(entry.owner)}")
    head = " ".join([f"*{spec.label(entry.number)}*", *before])
    return " — ".join([f"• {head}", inline(entry.title), *after])


def _closed_heading(spec: KindSpec) -> str:
    words = [s for s in spec.statuses if s not in spec.current]
    text = " or ".join(words)
    return text[:1].upper() + text[1:]


def register_message(spec: KindSpec, entries: list[Any], *, engagement: Engagement,
                     prefix: str = "") -> tuple[str, Blocks]:
    """The kind's list: the current entries in the kind's order, then the others under their statuses."""
    name = escape(engagement.display_name)
    current = [e for e in entries if e.status in spec.current]
    other = [e for e in entries if e.status not in spec.current]
    head = f"*{name}* — {len(current)} {spec.current_word} {_plural(spec, len(current))}"
    if other:
        head += f" · {len(other)} {_closed_heading(spec).lower()}"
    texts = list_sections([entry_line(spec, e) for e in current], max_sections=MAX_SECTIONS,
                          empty=f"No {spec.current_word} {spec.plural}.")
    blocks: Blocks = ([section(prefix)] if prefix else []) + [section(head), *[section(t) for t in texts]]
    if other:
        blocks += [section(t) for t in list_sections([entry_line(spec, e) for e in other],
                                                     head=f"*{_closed_heading(spec)}*", max_sections=MAX_SECTIONS)]
    blocks.append(context(escape(HINTS.get(spec.kind, f"`{spec.command} help`"))))
    text = f"{name}: {len(current)} {spec.current_word} {_plural(spec, len(current))}"
    return (f"{prefix}\n{text}" if prefix else text), blocks


def changes_message(spec: KindSpec, changes: Changes, *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/risk changes`: what was fixed, what remains and what is new since the day."""
    name = escape(engagement.display_name)
    counts = f"{len(changes.fixed)} fixed · {len(changes.remaining)} remaining · {len(changes.new)} new"
    head = f"*{name}* — {spec.plural} since {changes.since:%Y-%m-%d}: {counts}"
    blocks: Blocks = [section(head)]
    per_part = (MAX_SECTIONS * 2) // 3
    for title, part in (("Fixed", changes.fixed), ("Remaining", changes.remaining), ("New", changes.new)):
        blocks += [section(t) for t in list_sections([entry_line(spec, e) for e in part], head=f"*{title}*",
                                                     empty="_None._", max_sections=per_part)]
    blocks.append(context(escape(f"Since a day: `{spec.command} changes 2026-10-01`.")))
    return f"{name}: {spec.plural} since {changes.since:%Y-%m-%d}: {counts}", blocks


# --- the one edit modal ------------------------------------------------------------------------------------


def block_id(name: str) -> str:
    """The modal's block for a field (title, owner, status, note, or a kind's field)."""
    return f"{ids.BLOCK_REGISTER_PREFIX}{name}"


def _option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value[:75]}, "value": value}


def _text_input(name: str, *, max_length: int, multiline: bool = False, initial: str = "",
                placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": name, "multiline": multiline,
                               "max_length": min(max_length, 3000)}
    if initial:
        element["initial_value"] = initial[: element["max_length"]]
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder[:150]}
    return element


def _select(name: str, values: tuple[str, ...], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "action_id": name,
                               "options": [_option(v) for v in values]}
    if initial in values:
        element["initial_option"] = _option(initial)
    return element


def _field_input(field: FieldSpec, value: Any) -> dict[str, Any]:
    if field.type == CHOICE:
        element = _select(field.name, field.choices, value or field.default)
    elif field.type == DATE:
        element = {"type": "datepicker", "action_id": field.name}
        if isinstance(value, date):
            element["initial_date"] = value.isoformat()
    elif field.type == DAYS:
        element = {"type": "number_input", "action_id": field.name, "is_decimal_allowed": False,
                   "min_value": "0", "max_value": "3650"}
        if value is not None:
            element["initial_value"] = str(value)
    else:
        element = _text_input(field.name, max_length=field.max_length, multiline=field.type == LONG,
                              initial=str(value or ""), placeholder=field.hint)
    return input_block(block_id(field.name), field.label, element, optional=not field.required,
                       hint=field.hint if field.type not in (CHOICE, DATE, DAYS) else None)


def edit_modal(spec: KindSpec, *, channel_id: str, entry: Any | None = None, title: str = "") -> dict[str, Any]:
    """The kind's modal: title, owner, (when editing) status and note, and the kind's own fields, prefilled."""
    blocks: Blocks = [
        input_block(block_id("title"), spec.title_label,
                    _text_input("title", max_length=300, initial=entry.title if entry else title)),
        input_block(block_id("owner"), "Owner", _text_input("owner", max_length=OWNER_LENGTH,
                                                            initial=(entry.owner or "") if entry else ""),
                    optional=True, hint="Who looks after it on the client's side."),
    ]
    if entry is not None:
        allowed = (entry.status, *spec.transitions.get(entry.status, ()))
        blocks.append(input_block(block_id("status"), "Status", _select("status", allowed, entry.status)))
    blocks += [_field_input(f, getattr(entry, f.name) if entry is not None else None) for f in spec.fields]
    if entry is not None:
        blocks.append(input_block(block_id("close_note"), "Note (how it was closed)",
                                  _text_input("close_note", max_length=NOTE_LENGTH, multiline=True,
                                              initial=entry.close_note or ""), optional=True))
    meta: dict[str, Any] = {"kind": spec.kind, "channel_id": channel_id}
    if entry is not None:
        meta["entry_id"] = entry.id
    heading = f"Edit {spec.label(entry.number)}" if entry is not None else f"New {spec.noun}"
    return {"type": "modal", "callback_id": ids.VIEW_REGISTER, "private_metadata": json.dumps(meta),
            "title": {"type": "plain_text", "text": heading[:24]},
            "submit": {"type": "plain_text", "text": "Save"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


@dataclass(frozen=True)
class Form:
    """What the modal's submission holds."""

    title: str
    owner: str
    status: str | None
    note: str | None
    values: dict[str, Any]


def _read(values: dict[str, Any], name: str) -> Any:
    state = (values.get(block_id(name)) or {}).get(name) or {}
    if not isinstance(state, dict):
        return None
    kind = state.get("type")
    if kind == "static_select":
        return (state.get("selected_option") or {}).get("value")
    if kind == "datepicker":
        return state.get("selected_date")
    return state.get("value")


def read_form(spec: KindSpec, values: dict[str, Any]) -> Form:
    """The submission's values for `spec` (anything Slack did not send is left unchanged by the service)."""
    fields = {f.name: _read(values, f.name) for f in spec.fields if block_id(f.name) in values}
    status = _read(values, "status")
    note = _read(values, "close_note")
    return Form(title=str(_read(values, "title") or ""), owner=str(_read(values, "owner") or ""),
                status=str(status) if status else None, note=str(note) if note is not None else None,
                values={k: ("" if v is None else v) for k, v in fields.items()})


FIELD_BLOCKS = {name: block_id(name) for name in
                {"title", "owner", "status", "close_note", *(f.name for s in KINDS.values() for f in s.fields)}}
