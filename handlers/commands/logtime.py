"""`/logtime`: log time inline or in a modal, list the week, undo, export the month as CSV."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import DomainError, InvalidInput, NotAllowed
from bot.formatting import duration
from bot.models import Engagement
from bot.services import alerts, engagements, exports, months, retainer, timelog
from bot.services.logtime_parser import parse_logtime
from bot.slack import blocks, ids, timelog_blocks
from bot.slack.mrkdwn import escape
from handlers.clock import user_today
from handlers.context import team_of
from handlers.errors import user_errors
from handlers.timelog_export import send_month_csv

logger = logging.getLogger(__name__)
SUBCOMMANDS = ("help", "list", "undo", "export")


def is_dm(command: dict[str, Any]) -> bool:
    """Whether the command was run in a direct message with the bot."""
    return command.get("channel_id", "").startswith("D") or command.get("channel_name") == "directmessage"


def register(app: App, deps: Deps) -> None:
    """Register `/logtime`."""

    @app.command(ids.CMD_LOGTIME)
    @user_errors()
    def logtime_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
                        context: BoltContext) -> None:
        words = (command.get("text") or "").split()
        user_id = command["user_id"]
        team_id = team_of(context, body)
        modal: dict[str, Any] | None = None
        after: Callable[[], Any] | None = None
        # Every reply is sent after the transaction commits: the record is durable before Slack's 200.
        with transaction(deps.session_factory) as session:
            engagement, words = _engagement_and_words(session, deps, command, team_id, words)
            sub = words[0].lower() if words else ""
            if sub == "help":
                reply: dict[str, Any] = {"text": blocks.command_usage(ids.CMD_LOGTIME)}
            elif not words:
                if engagement is not None:
                    engagements.require_cto(engagement, user_id, to="log time")
                modal = _modal(session, deps, client, team_id=team_id, user_id=user_id, selected=engagement,
                               channel_id=command["channel_id"] if engagement else None)
                reply = {}
            elif sub == "undo":
                entry = timelog.undo_last(session, user_id=user_id, engagement=engagement, team_id=team_id)
                owner = session.get(Engagement, entry.engagement_id)
                reply = {"text": f"Removed {duration(entry.minutes)} of {entry.category} on "
                                 f"{entry.work_date.isoformat()} from {escape(owner.display_name)}. "  # type: ignore[union-attr]
                                 "It stays in the export's audit trail."}
                after = partial(ledger_changed, deps, entry.engagement_id, [entry.work_date])
            else:
                engagement = _require(engagement)
                today = user_today(deps, session, team_id, user_id, engagement)
                if sub == "list":
                    engagements.require_cto(engagement, user_id, to="see its time entries")
                    entries = timelog.week_entries(session, engagement_id=engagement.id, today=today)  # type: ignore[arg-type]
                    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
                    text, message_blocks = timelog_blocks.week_message(entries, engagement=engagement,
                                                                       summary=summary, today=today)
                    reply = {"text": text, "blocks": message_blocks}
                elif sub == "export":
                    engagements.require_cto(engagement, user_id, to="export its hours")
                    month = _month_arg(words[1:], default=today)
                    after = partial(send_month_csv, deps, client, engagement_id=engagement.id, month=month,
                                    user_id=user_id)
                    reply = {"text": f"Preparing {escape(engagement.display_name)}'s hours for {month:%B %Y} as a "
                                     "Harvest CSV; I'll send it to you in a direct message."}
                else:
                    request = parse_logtime(" ".join(words), today=today)
                    sent = months.sent_statement_for(session, engagement_id=engagement.id,  # type: ignore[arg-type]
                                                     day=request.work_date)
                    if sent is not None:  # the founder has this month's statement: ask before amending it
                        request = timelog.check_request(session, engagement=engagement, user_id=user_id,
                                                        request=request, today=today)
                        text, message_blocks = timelog_blocks.sent_month_confirmation(
                            request, engagement=engagement, statement=sent, today=today)
                        reply = {"text": text, "blocks": message_blocks}
                    else:
                        logged = timelog.log_time(session, engagement=engagement, user_id=user_id,
                                                  request=request, today=today, source="command")
                        summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
                        text, message_blocks = timelog_blocks.logged_message(logged.entry, engagement=engagement,
                                                                             summary=summary, today=today)
                        reply = {"text": text, "blocks": message_blocks}
                        if alerts.note_could_fire(summary, added_minutes=logged.entry.minutes, day=request.work_date):
                            after = partial(ledger_changed, deps, engagement.id, [request.work_date])
        ack(**reply)
        if after is not None:
            deps.background.submit(after)
        if modal is not None:
            client.views_open(trigger_id=command["trigger_id"], view=modal)


def check_budget(deps: Deps, engagement_id: int) -> None:
    """Send any budget alert that this entry made due (claimed once per month, whoever gets there first)."""
    from scheduler.jobs import run_budget_alerts

    run_budget_alerts(deps, engagement_id)


def ledger_changed(deps: Deps, engagement_id: int, days: list[date | None]) -> None:
    """After entries on `days` changed: any budget note now due, and an amendment for each sent month among them."""
    from bot.month_close import amend_sent_months
    from scheduler.jobs import process_name

    check_budget(deps, engagement_id)
    amend_sent_months(deps, engagement_id=engagement_id, days=days, claimed_by=process_name())


def _require(engagement: Engagement | None) -> Engagement:
    if engagement is None:
        raise InvalidInput("In a direct message, name the client first: `/logtime acme 1h review`.")
    return engagement


def _engagement_and_words(session, deps: Deps, command: dict[str, Any], team_id: str,  # type: ignore[no-untyped-def]
                          words: list[str]) -> tuple[Engagement | None, list[str]]:
    """The engagement the command is about, and the words left to parse."""
    if not is_dm(command):
        return engagements.require_engagement(session, team_id=team_id, channel_id=command["channel_id"]), words
    if not words or words[0].lower() in ("help", "undo"):
        return None, words
    if words[0].lower() in ("list", "export") and len(words) > 1:
        words = [words[1], words[0], *words[2:]]
    try:
        engagement = engagements.get_by_name(session, name=words[0], team_id=team_id)
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


def _modal(session, deps: Deps, client: WebClient, *, team_id: str, user_id: str,  # type: ignore[no-untyped-def]
           selected: Engagement | None, channel_id: str | None) -> dict[str, Any]:
    mine = [e for e in engagements.list_engagements(session, team_id=team_id) if engagements.is_cto(e, user_id)]
    if not mine:
        raise NotAllowed("You are not the CTO of any client here, so there is nowhere to log time.")
    today = user_today(deps, session, team_id, user_id, selected or mine[0])
    return timelog_blocks.logtime_modal(engagements=mine, selected=selected, today=today, channel_id=channel_id)
