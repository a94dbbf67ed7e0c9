"""`/risk`, `/finding`, `/vendor`, `/roadmap` and `/system`: one listener shape for every register kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.models import Engagement
from bot.services import engagements, registers
from bot.services.register_kinds import BY_COMMAND, CHOICE, KindSpec
from bot.slack import blocks, register_blocks
from bot.slack.mrkdwn import escape
from handlers.context import Reply, Request, dispatch
from handlers.errors import user_errors


def added_text(spec: KindSpec, entry: Any) -> str:
    """`Added risk R1 (high): …`."""
    choice = next((getattr(entry, f.name) for f in spec.fields if f.type == CHOICE and f.required), None)
    return f"Added {spec.noun} {spec.label(entry.number)}{f' ({choice})' if choice else ''}: {escape(entry.title)}"


def _number(spec: KindSpec, words: list[str], sub: str, example: str = "") -> int:
    if len(words) < 2:
        raise InvalidInput(f"Name the {spec.noun}'s number: `{spec.command} {sub} 3{example}`. "
                           f"`{spec.command}` lists them.")
    return registers.parse_number(spec, words[1])


def register(app: App, deps: Deps) -> None:
    """Register the register kinds' commands."""
    for command, spec in BY_COMMAND.items():
        app.command(command)(user_errors()(_listener(deps, spec)))


def _listener(deps: Deps, spec: KindSpec) -> Any:
    def register_command(ack: Ack, req: Request) -> None:
        """The register's list (after a change, if asked), its changes, or a modal to add or edit an entry."""
        with transaction(deps.session_factory) as session:
            reply = dispatch(SUBCOMMANDS, req, session, spec, default=_list)
        reply.send(ack, req)

    register_command.__name__ = f"{spec.kind}_command"
    return register_command


def _help(req: Request, session: Session, spec: KindSpec) -> Reply:
    return Reply(text=blocks.command_usage(spec.command))


def _list(req: Request, session: Session, spec: KindSpec) -> Reply:
    """The register, after the change the words ask for (`add …`, a verb, `set N <status>`)."""
    engagement = req.engagement(session)
    if req.sub == "add" and spec.add_in_modal:
        return _modal(req, session, spec, engagement)
    prefix = _change(session, spec, engagement, req.words, req.sub, req.user_id, req.text) if req.sub else ""
    entries = registers.list_entries(session, spec, engagement_id=engagement.id)  # type: ignore[arg-type]
    text, message_blocks = register_blocks.register_message(spec, entries, engagement=engagement, prefix=prefix)
    return Reply(text=text, blocks=message_blocks)


def _edit(req: Request, session: Session, spec: KindSpec) -> Reply:
    return _modal(req, session, spec, req.engagement(session))


def _changes(req: Request, session: Session, spec: KindSpec) -> Reply:
    """`changes [YYYY-MM-DD]`: what changed since the day (by default since the last digest)."""
    engagement, words = req.engagement(session), req.words
    since = (registers.parse_day(words[1]) if len(words) > 1
             else registers.default_since(session, spec, engagement=engagement))
    report = registers.changes_since(session, spec, engagement=engagement, since=since)
    text, message_blocks = register_blocks.changes_message(spec, report, engagement=engagement)
    return Reply(text=text, blocks=message_blocks)


SUBCOMMANDS: dict[str, Callable[[Request, Session, KindSpec], Reply]] = {
    "help": _help, "edit": _edit, "changes": _changes}


def _modal(req: Request, session: Session, spec: KindSpec, engagement: Engagement) -> Reply:
    """`add <name>` (a kind added in a modal) or `edit N`: the permission is checked before the modal opens."""
    if req.sub == "add":
        if not spec.anyone_adds:
            engagements.require_cto(engagement, req.user_id, to=f"add {spec.plural}")
        return Reply(modal=register_blocks.edit_modal(spec, channel_id=req.channel,
                                                      title=req.text[len(req.words[0]):].strip()))
    number = _number(spec, req.words, req.sub)
    engagements.require_cto(engagement, req.user_id, to=f"edit {spec.plural}")
    entry = registers.get_entry(session, spec, engagement=engagement, number=number)
    return Reply(modal=register_blocks.edit_modal(spec, channel_id=req.channel, entry=entry))


def _change(session: Any, spec: KindSpec, engagement: Engagement, words: list[str], sub: str, user_id: str,
            text: str) -> str:
    """`add …` parsed from the line, a verb (`close N [note]`, `drop N <rationale>`…) or `set N <status>`."""
    if sub == "add" and spec.parse_add is not None:
        title, values = spec.parse_add(text[len(words[0]):])
        entry = registers.add_entry(session, spec, engagement=engagement, user_id=user_id, title=title,
                                    values=values)
        return added_text(spec, entry)
    if sub in spec.verbs:
        status, text_field, past = spec.verbs[sub]
        number = _number(spec, words, sub, " <note>" if text_field == "close_note" else " <rationale>")
        rest = " ".join(words[2:])
        changed: dict[str, Any] | None = {text_field: rest} if text_field != "close_note" else None
        entry = registers.set_status(session, spec, engagement=engagement, number=number, status=status,
                                     user_id=user_id, note=rest if text_field == "close_note" else "",
                                     values=changed, verb=sub)
        return f"{past} {spec.noun} {spec.label(entry.number)}: {escape(entry.title)}"
    if sub == "set":
        number = _number(spec, words, sub, f" {spec.statuses[-1]}")
        if len(words) < 3:
            raise InvalidInput(f"Name the status: `{spec.command} set {number} <{'|'.join(spec.statuses)}>`.")
        entry = registers.set_status(session, spec, engagement=engagement, number=number, status=words[2].lower(),
                                     user_id=user_id, note=" ".join(words[3:]))
        return f"Set {spec.noun} {spec.label(entry.number)} to {entry.status}: {escape(entry.title)}"
    raise InvalidInput(f"I don't know `{spec.command} {sub}`.\n{blocks.command_usage(spec.command)}")
