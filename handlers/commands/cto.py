"""`/cto`: help, setup, status."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput, NotAllowed
from bot.flows.handover_send import send_handover
from bot.flows.month_close import last_month, local_today, send_and_tell
from bot.models import utcnow
from bot.services import capture, digest, engagements, lifecycle, months, portfolio, retainer
from bot.slack import blocks, capture_blocks, digest_blocks, ids, lifecycle_blocks, portfolio_blocks
from bot.slack.mrkdwn import escape
from handlers.context import team_of
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Register `/cto`."""

    @app.command(ids.CMD_CTO)
    @user_errors()
    def cto_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
                    context: BoltContext, respond: Respond) -> None:
        sub, _, rest = (command.get("text") or "").strip().partition(" ")
        sub = sub.lower()
        if sub in ("", "help"):
            text, message_blocks = blocks.help_message()
            ack(text=text, blocks=message_blocks)
        elif sub == "setup":
            open_setup(ack=ack, command=command, body=body, client=client, context=context, deps=deps)
        elif sub == "status":
            ack(**status_reply(command=command, body=body, context=context, deps=deps))
        elif sub == "questions":
            ack(**questions_reply(command=command, body=body, context=context, deps=deps))
        elif sub == "digest":
            ack(**digest_reply(command=command, body=body, context=context, deps=deps))
        elif sub == "close":
            ack(**close_reply(command=command, body=body, rest=rest, respond=respond, context=context, deps=deps))
        elif sub == "end":
            ack(text=end_reply(command=command, body=body, context=context, deps=deps, text=rest))
        elif sub == "handover":
            ack(**handover_reply(command=command, body=body, client=client, context=context, deps=deps))
        else:
            raise InvalidInput(f"I don't know `/cto {sub}`.\n{blocks.command_usage(ids.CMD_CTO)}")


def status_reply(*, command: dict[str, Any], body: dict[str, Any], context: BoltContext, deps: Deps) -> dict[str, Any]:
    """`/cto status` for the channel's engagement; in a DM, every client of the caller in this workspace."""
    if command["channel_id"].startswith("D"):
        with transaction(deps.session_factory) as session:
            mine = portfolio.portfolio(session, now=utcnow(), team_id=team_of(context, body),
                                       cto_user_id=command["user_id"])
            text, message_blocks = portfolio_blocks.portfolio_message(mine)
        return {"text": text, "blocks": message_blocks}
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        status = engagements.engagement_status(session, engagement=engagement)
        today = utcnow().astimezone(ZoneInfo(engagement.timezone)).date()
        summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
        text, message_blocks = blocks.status_message(status, summary)
    return {"text": text, "blocks": message_blocks}


def questions_reply(*, command: dict[str, Any], body: dict[str, Any], context: BoltContext,
                    deps: Deps) -> dict[str, Any]:
    """`/cto questions`: the channel's engagement's open questions, oldest first."""
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        questions = capture.open_questions(session, engagement_id=engagement.id)  # type: ignore[arg-type]
        text, message_blocks = capture_blocks.questions_message(questions, engagement=engagement, now=utcnow())
    return {"text": text, "blocks": message_blocks}


def digest_reply(*, command: dict[str, Any], body: dict[str, Any], context: BoltContext,
                 deps: Deps) -> dict[str, Any]:
    """`/cto digest`: what the next digest would count (this week's, or next week's once this week's is posted),
    shown only to the caller; nothing is marked as reported."""
    now = utcnow()
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        week = digest.next_digest_week(session, engagement=engagement, now=now)
        built = digest.next_digest(session, engagement=engagement, week=week, now=now)
        text, message_blocks = digest_blocks.digest_message(built, now=now)
    return {"text": text, "blocks": message_blocks}


def end_reply(*, command: dict[str, Any], body: dict[str, Any], context: BoltContext, deps: Deps, text: str) -> str:
    """`/cto end [YYYY-MM-DD|none]` (CTO only): set the end date (30 days from today by default) or clear it."""
    now = utcnow()
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        engagements.require_cto(engagement, command["user_id"], to="set its end date")
        today = now.astimezone(ZoneInfo(engagement.timezone)).date()
        end = lifecycle.parse_end(text, today=today)
        engagements.set_end_date(session, engagement=engagement, user_id=command["user_id"], end=end)
        return lifecycle_blocks.end_set_text(engagement, today=today,
                                             next_checkin=lifecycle.next_checkin(engagement, now=now))


def handover_reply(*, command: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext,
                   deps: Deps) -> dict[str, Any]:
    """`/cto handover` (CTO only): the pack goes to the caller's DM as a Markdown file, in the background."""
    now, user_id = utcnow(), command["user_id"]
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        engagements.require_cto(engagement, user_id, to="prepare its handover pack")
        today = now.astimezone(ZoneInfo(engagement.timezone)).date()
        engagement_id, name, display = engagement.id, engagement.name, engagement.display_name
    queued = deps.background.submit(send_handover, deps, client, engagement_id=engagement_id, user_id=user_id,
                                    now=now, today=today,
                                    filename=f"{name}-handover-{today:%Y-%m-%d}.md",
                                    title=f"{display} handover pack, {today:%d %b %Y}")
    if queued is None:
        return {"text": "ctobot is busy right now; please try `/cto handover` again in a minute."}
    return {"text": f"Preparing {escape(display)}'s handover pack: it will arrive in your DM as a Markdown file "
                    "(also `ctobot export handover --client " + name + "`)."}


def close_reply(*, command: dict[str, Any], body: dict[str, Any], rest: str, respond: Respond, context: BoltContext,
                deps: Deps) -> dict[str, Any]:
    """`/cto close [YYYY-MM]` (CTO only): close the month (default: last month) and send its statement."""
    user_id, now = command["user_id"], utcnow()
    with transaction(deps.session_factory) as session:
        engagement = engagements.require_engagement(
            session, team_id=team_of(context, body), channel_id=command["channel_id"])
        engagements.require_cto(engagement, user_id, to="close a month")
        month = months.parse_month(rest) if rest.strip() else last_month(engagement, now)
        months.check_closable(session, engagement=engagement, month=month, today=local_today(engagement, now))
        engagement_id, display = engagement.id, engagement.display_name
        channel = engagements.engagement_status(session, engagement=engagement).primary_channel
    if deps.background.submit(send_and_tell, deps, respond, engagement_id=engagement_id, month=month,
                              user_id=user_id, replace_original=False) is None:
        return {"text": "ctobot is busy right now; please try `/cto close` again in a minute."}
    where = f"<#{channel}>" if channel else "the client's channel"
    return {"text": f"Closing {month:%B %Y} for {escape(display)}: its statement goes to {where} with the "
                    "Harvest CSV in its thread."}


def open_setup(*, ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
               context: BoltContext, deps: Deps) -> None:
    """Check the caller may set up this channel, then open the modal (the trigger id lives 3 s)."""
    channel_id = command["channel_id"]
    user_id = command["user_id"]
    if channel_id.startswith("D"):
        raise InvalidInput("Run `/cto setup` in the client channel you want to link, not in a DM.")
    team_id = team_of(context, body)
    with transaction(deps.session_factory) as session:
        engagement = engagements.engagement_for_channel(session, team_id=team_id, channel_id=channel_id)
        if engagement is not None:
            engagements.require_cto(engagement, user_id, to="change its settings")
        elif deps.settings.cto_user_ids and user_id not in deps.settings.cto_user_ids:
            raise NotAllowed("Only a CTO can set up a client engagement (see CTO_USER_IDS).")
        today = utcnow().astimezone(ZoneInfo(engagement.timezone)).date() if engagement else utcnow().date()
        view = blocks.setup_modal(channel_id=channel_id, team_id=team_id, user_id=user_id,
                                  engagement=engagement, today=today)
    ack()
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as exc:
        logger.warning("views.open failed: %s", exc.response.get("error"))
        raise InvalidInput("I couldn't open the setup form (Slack said "
                           f"`{exc.response.get('error')}`). Please try `/cto setup` again.") from None
