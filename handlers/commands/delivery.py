"""`/artifact`: the deliverables schedule (`/risk` is a register: handlers/commands/registers.py)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App
from sqlmodel import Session

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.services import artifacts
from bot.slack import blocks, delivery_blocks, ids
from handlers.context import Reply, Request, dispatch
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/artifact`."""

    @app.command(ids.CMD_ARTIFACT)
    @user_errors()
    def artifact_command(ack: Ack, req: Request) -> None:
        """The schedule of deliverables, after `done`/`skip` if asked."""
        with transaction(deps.session_factory) as session:
            reply = dispatch(SUBCOMMANDS, req, session, default=_unknown)
        reply.send(ack, req)


def _help(req: Request, session: Session) -> Reply:
    return Reply(text=blocks.command_usage(ids.CMD_ARTIFACT))


def _unknown(req: Request, session: Session) -> Reply:
    req.engagement(session)  # an unlinked channel hears that first
    raise InvalidInput(f"I don't know `/artifact {req.sub}`.\n{blocks.command_usage(ids.CMD_ARTIFACT)}")


def _schedule(req: Request, session: Session) -> Reply:
    """`/artifact`: what is due, delivered, skipped."""
    engagement = req.engagement(session)
    states = artifacts.schedule_states(session, engagement=engagement, today=calendar.local_today(engagement))
    text, message_blocks = delivery_blocks.artifacts_message(states, engagement=engagement)
    return Reply(text=text, blocks=message_blocks)


def _done_or_skip(req: Request, session: Session) -> Reply:
    """`done <kind> [link]` or `skip <kind> [reason]`, then the schedule."""
    engagement, words = req.engagement(session), req.words
    if len(words) < 2:
        raise InvalidInput(f"Name the artifact: `/artifact {req.sub} technical-audit …`. "
                           f"Kinds: {', '.join(artifacts.KINDS)}.")
    if req.sub == "done":
        artifacts.mark_delivered(session, engagement=engagement, kind=words[1], user_id=req.user_id,
                                 link=words[2] if len(words) > 2 else None)
    else:
        artifacts.skip(session, engagement=engagement, kind=words[1], user_id=req.user_id,
                       reason=" ".join(words[2:]))
    return _schedule(req, session)


SUBCOMMANDS: dict[str, Callable[[Request, Session], Reply]] = {
    "": _schedule, "help": _help, "done": _done_or_skip, "skip": _done_or_skip}
