"""`/decision`: record (inline or in a modal), list, draft, accept, reject, supersede."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.flows import decision_work
from bot.models import id_of
from bot.services import decisions
from bot.services.decisions import require_thread
from bot.slack import blocks, decision_blocks, ids
from bot.slack.decision_blocks import decide_reply
from bot.slack.mrkdwn import escape
from handlers.context import Reply, Request, dispatch
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/decision`."""

    @app.command(ids.CMD_DECISION)
    @user_errors()
    def decision_command(ack: Ack, req: Request) -> None:
        """Record a decision (its title, or the modal), or run a subcommand."""
        with transaction(deps.session_factory) as session:
            reply = dispatch(SUBCOMMANDS, req, session, default=_record)
        reply.send(ack, req)


def _help(req: Request, session: Session) -> Reply:
    return Reply(text=blocks.command_usage(ids.CMD_DECISION))


def _record(req: Request, session: Session) -> Reply:
    """`/decision <title>` records it (its card goes to the channel); `/decision` alone opens the modal."""
    engagement = req.engagement(session)
    if not req.text:
        return Reply(modal=decision_blocks.new_decision_modal(channel_id=req.channel))
    decision = decisions.record_decision(session, engagement=engagement, title=req.text, user_id=req.user_id,
                                         channel_id=req.channel)
    return Reply(text=f"Recorded {decisions.label(decision.number)}: {escape(decision.title)}. "
                      f"Its card is in the channel; discuss in its thread.",
                 after=[partial(decision_work.post_card, req.deps, req.client, id_of(decision))])


def _list(req: Request, session: Session) -> Reply:
    if len(req.words) > 1:  # `/decision list of vendors` is a title
        return _record(req, session)
    engagement = req.engagement(session)
    text, message_blocks = decision_blocks.list_message(
        decisions.list_decisions(session, engagement_id=engagement.id), engagement=engagement)  # type: ignore[arg-type]
    return Reply(text=text, blocks=message_blocks)


def _numbered(req: Request, session: Session) -> Reply:
    """`draft N`, `accept N`, `reject N`."""
    if len(req.words) > 2:
        return _record(req, session)
    engagement, sub = req.engagement(session), req.sub
    decision = decisions.get_decision(session, engagement=engagement, number=_number(req))
    if sub == "draft":
        require_thread(decision)
        return Reply(text=f"Drafting the ADR for {decisions.label(decision.number)} in its thread…",
                     after=[partial(decision_work.draft_in_thread, req.deps, req.client, id_of(decision))])
    decision, changed = decisions.decide(session, engagement=engagement, decision=decision, user_id=req.user_id,
                                         verb=sub)
    after = [partial(decision_work.after_decision, req.deps, req.client, id_of(decision))] if changed else []
    return Reply(text=decide_reply(decision, changed, sub), after=after)


def _supersede(req: Request, session: Session) -> Reply:
    """`supersede N <new title>`: the new decision recorded, the old one marked superseded."""
    engagement = req.engagement(session)
    number = _number(req)
    if len(req.words) < 3:
        raise InvalidInput("Name the new decision: `/decision supersede 3 Use Postgres 16 for events`.")
    new, old = decisions.supersede(session, engagement=engagement, number=number,
                                   title=" ".join(req.words[2:]), user_id=req.user_id, channel_id=req.channel)
    return Reply(text=f"Recorded {decisions.label(new.number)}: {escape(new.title)}, superseding "
                      f"{decisions.label(old.number)}.",
                 after=[partial(decision_work.post_card, req.deps, req.client, id_of(new)),
                        partial(decision_work.refresh_card, req.deps, req.client, id_of(old))])


def _number(req: Request) -> int:
    if len(req.words) < 2:
        raise InvalidInput(f"Name the decision's number: `/decision {req.sub} 3`. `/decision list` shows them.")
    return decisions.parse_number(req.words[1])


SUBCOMMANDS: dict[str, Callable[[Request, Session], Reply]] = {
    "help": _help, "list": _list, "draft": _numbered, "accept": _numbered, "reject": _numbered,
    "supersede": _supersede}
