"""`/logtime`: log time inline or in a modal, list the week, undo, export the month as CSV."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial

from slack_bolt import Ack, App
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.errors import DomainError, InvalidInput, NotAllowed
from bot.flows.time_entries import ledger_changed, send_month_csv
from bot.formatting import duration
from bot.models import Engagement, id_of
from bot.services import alerts, engagements, exports, months, retainer, timelog
from bot.services.logtime_parser import parse_logtime
from bot.slack import blocks, ids, timelog_blocks
from bot.slack.mrkdwn import escape
from handlers.context import Reply, Request
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Register `/logtime`."""

    @app.command(ids.CMD_LOGTIME)
    @user_errors()
    def logtime_command(ack: Ack, req: Request) -> None:
        """Log time (`/logtime 1h review`), open the modal (no words) or run a subcommand."""
        # Every reply is sent after the transaction commits: the record is durable before Slack's 200.
        with transaction(deps.session_factory) as session:
            engagement, words = _engagement_and_words(session, req)
            sub = words[0].lower() if words else ""
            reply = SUBCOMMANDS.get(sub, _log)(req, session, engagement, words)
        reply.send(ack, req)


def _help(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    return Reply(text=blocks.command_usage(ids.CMD_LOGTIME))


def _open_modal(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    """The modal, for the caller's clients (the channel's preselected); the permission is checked first."""
    if engagement is not None:
        engagements.require_cto(engagement, req.user_id, to="log time")
    mine = [e for e in engagements.list_engagements(session, team_id=req.team_id) if engagements.is_cto(e, req.user_id)]
    if not mine:
        raise NotAllowed("You are not the CTO of any client here, so there is nowhere to log time.")
    return Reply(modal=timelog_blocks.logtime_modal(engagements=mine, selected=engagement,
                                                    today=req.today(session, engagement or mine[0]),
                                                    channel_id=req.channel_id if engagement else None))


def _undo(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    entry = timelog.undo_last(session, user_id=req.user_id, engagement=engagement, team_id=req.team_id)
    owner = session.get(Engagement, entry.engagement_id)
    assert owner is not None  # an entry's engagement is never deleted
    return Reply(text=f"Removed {duration(entry.minutes)} of {entry.category} on {entry.work_date.isoformat()} "
                      f"from {escape(owner.display_name)}. It stays in the export's audit trail.",
                 after=[partial(ledger_changed, req.deps, entry.engagement_id, [entry.work_date])])


def _list(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    engagement = _require(engagement)
    engagements.require_cto(engagement, req.user_id, to="see its time entries")
    today = req.today(session, engagement)
    entries = timelog.week_entries(session, engagement_id=engagement.id, today=today)  # type: ignore[arg-type]
    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
    text, message_blocks = timelog_blocks.week_message(entries, engagement=engagement, summary=summary, today=today)
    return Reply(text=text, blocks=message_blocks)


def _export(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    engagement = _require(engagement)
    engagements.require_cto(engagement, req.user_id, to="export its hours")
    month = _month_arg(words[1:], default=req.today(session, engagement))
    return Reply(text=f"Preparing {escape(engagement.display_name)}'s hours for {month:%B %Y} as a Harvest CSV; "
                      "I'll send it to you in a direct message.",
                 after=[partial(send_month_csv, req.deps, req.client, engagement_id=id_of(engagement), month=month,
                                user_id=req.user_id)])


def _log(req: Request, session: Session, engagement: Engagement | None, words: list[str]) -> Reply:
    """`/logtime 1h30 review yesterday …`: logged, or (into a month whose statement was sent) asked first."""
    engagement = _require(engagement)
    today = req.today(session, engagement)
    request = parse_logtime(" ".join(words), today=today)
    sent = months.sent_statement_for(session, engagement_id=engagement.id, day=request.work_date)  # type: ignore[arg-type]
    if sent is not None:  # the founder has this month's statement: ask before amending it
        request = timelog.check_request(session, engagement=engagement, user_id=req.user_id, request=request,
                                        today=today)
        text, message_blocks = timelog_blocks.sent_month_confirmation(request, engagement=engagement,
                                                                      statement=sent, today=today)
        return Reply(text=text, blocks=message_blocks)
    logged = timelog.log_time(session, engagement=engagement, user_id=req.user_id, request=request, today=today,
                              source="command")
    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
    text, message_blocks = timelog_blocks.logged_message(logged.entry, engagement=engagement, summary=summary,
                                                         today=today)
    could_fire = alerts.note_could_fire(summary, added_minutes=logged.entry.minutes, day=request.work_date)
    after = [partial(ledger_changed, req.deps, id_of(engagement), [request.work_date])] if could_fire else []
    return Reply(text=text, blocks=message_blocks, after=after)


SUBCOMMANDS: dict[str, Callable[[Request, Session, Engagement | None, list[str]], Reply]] = {
    "": _open_modal, "help": _help, "undo": _undo, "list": _list, "export": _export}


def _require(engagement: Engagement | None) -> Engagement:
    if engagement is None:
        raise InvalidInput("In a direct message, name the client first: `/logtime acme 1h review`.")
    return engagement


def _engagement_and_words(session: Session, req: Request) -> tuple[Engagement | None, list[str]]:
    """The engagement the command is about (the channel's; in a DM, the one named first), and the words left."""
    words = req.words
    if not req.in_dm:
        return req.engagement(session), words
    if not words or words[0].lower() in ("help", "undo"):
        return None, words
    if words[0].lower() in ("list", "export") and len(words) > 1:
        words = [words[1], words[0], *words[2:]]
    try:
        engagement = engagements.get_by_name(session, name=words[0], team_id=req.team_id)
    except DomainError:
        raise InvalidInput(f"In a direct message, start with the client's name, e.g. `/logtime acme 1h review` "
                           f"(`{words[0]}` is not a client here).") from None
    if engagement.uninstalled_at is not None:
        raise InvalidInput(f"`{engagement.name}` is no longer active.")
    return engagement, words[1:]


def _month_arg(words: list[str], *, default: date) -> date:
    if not words:
        return default.replace(day=1)
    try:
        return exports.parse_month(words[0])
    except ValueError:
        raise InvalidInput(f"`{words[0]}` is not a month: use YYYY-MM, e.g. `/logtime export 2026-10`.") from None
