"""`/cto`: help, setup, status."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput, NotAllowed
from bot.flows.handover_send import send_handover
from bot.flows.month_close import send_and_tell
from bot.models import utcnow
from bot.services import capture, digest, engagements, lifecycle, months, portfolio, retainer
from bot.slack import blocks, capture_blocks, digest_blocks, ids, lifecycle_blocks, portfolio_blocks
from bot.slack.mrkdwn import escape
from handlers.context import Reply, Request, dispatch
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Register `/cto`."""

    @app.command(ids.CMD_CTO)
    @user_errors()
    def cto_command(ack: Ack, req: Request, respond: Respond) -> None:
        """Help, setup, status, questions, digest, close, end, handover."""
        dispatch(SUBCOMMANDS, req, respond, default=_unknown).send(ack, req)


def _help(req: Request, respond: Respond) -> Reply:
    text, message_blocks = blocks.help_message()
    return Reply(text=text, blocks=message_blocks)


def _unknown(req: Request, respond: Respond) -> Reply:
    raise InvalidInput(f"I don't know `/cto {req.sub}`.\n{blocks.command_usage(ids.CMD_CTO)}")


def _rest(req: Request) -> str:
    """What follows the subcommand."""
    return req.text.partition(" ")[2]


def status_reply(req: Request, respond: Respond) -> Reply:
    """`/cto status` for the channel's engagement; in a DM, every client of the caller in this workspace."""
    with transaction(req.deps.session_factory) as session:
        if req.in_dm:
            text, message_blocks = portfolio_blocks.portfolio_message(
                portfolio.portfolio(session, now=utcnow(), team_id=req.team_id, cto_user_id=req.user_id))
            return Reply(text=text, blocks=message_blocks)
        engagement = req.engagement(session)
        status = engagements.engagement_status(session, engagement=engagement)
        today = calendar.local_today(engagement)
        summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
        text, message_blocks = blocks.status_message(status, summary)
    return Reply(text=text, blocks=message_blocks)


def questions_reply(req: Request, respond: Respond) -> Reply:
    """`/cto questions`: the channel's engagement's open questions, oldest first."""
    with transaction(req.deps.session_factory) as session:
        engagement = req.engagement(session)
        questions = capture.open_questions(session, engagement_id=engagement.id)  # type: ignore[arg-type]
        text, message_blocks = capture_blocks.questions_message(questions, engagement=engagement, now=utcnow())
    return Reply(text=text, blocks=message_blocks)


def digest_reply(req: Request, respond: Respond) -> Reply:
    """`/cto digest`: what the next digest would count (this week's, or next week's once this week's is posted),
    shown only to the caller; nothing is marked as reported."""
    now = utcnow()
    with transaction(req.deps.session_factory) as session:
        engagement = req.engagement(session)
        week = digest.next_digest_week(session, engagement=engagement, now=now)
        built = digest.next_digest(session, engagement=engagement, week=week, now=now)
        text, message_blocks = digest_blocks.digest_message(built, now=now)
    return Reply(text=text, blocks=message_blocks)


def end_reply(req: Request, respond: Respond) -> Reply:
    """`/cto end [YYYY-MM-DD|none]` (CTO only): set the end date (30 days from today by default) or clear it."""
    now = utcnow()
    with transaction(req.deps.session_factory) as session:
        engagement = req.engagement(session)
        engagements.require_cto(engagement, req.user_id, to="set its end date")
        today = calendar.local_today(engagement, now)
        end = lifecycle.parse_end(_rest(req), today=today)
        engagements.set_end_date(session, engagement=engagement, user_id=req.user_id, end=end)
        return Reply(text=lifecycle_blocks.end_set_text(engagement, today=today,
                                                        next_checkin=lifecycle.next_checkin(engagement, now=now)))


def handover_reply(req: Request, respond: Respond) -> Reply:
    """`/cto handover` (CTO only): the pack goes to the caller's DM as a Markdown file, in the background."""
    now = utcnow()
    with transaction(req.deps.session_factory) as session:
        engagement = req.engagement(session)
        engagements.require_cto(engagement, req.user_id, to="prepare its handover pack")
        today = calendar.local_today(engagement, now)
        engagement_id, name, display = engagement.id, engagement.name, engagement.display_name
    queued = req.deps.background.submit(send_handover, req.deps, req.client, engagement_id=engagement_id,
                                        user_id=req.user_id, now=now, today=today,
                                        filename=f"{name}-handover-{today:%Y-%m-%d}.md",
                                        title=f"{display} handover pack, {today:%d %b %Y}")
    if queued is None:
        return Reply(text="ctobot is busy right now; please try `/cto handover` again in a minute.")
    return Reply(text=f"Preparing {escape(display)}'s handover pack: it will arrive in your DM as a Markdown file "
                      "(also `ctobot export handover --client " + name + "`).")


def close_reply(req: Request, respond: Respond) -> Reply:
    """`/cto close [YYYY-MM]` (CTO only): close the month (default: last month) and send its statement."""
    rest, now = _rest(req), utcnow()
    with transaction(req.deps.session_factory) as session:
        engagement = req.engagement(session)
        engagements.require_cto(engagement, req.user_id, to="close a month")
        month = months.parse_month(rest) if rest.strip() else calendar.last_month(engagement, now)
        months.check_closable(session, engagement=engagement, month=month,
                              today=calendar.local_today(engagement, now))
        engagement_id, display = engagement.id, engagement.display_name
        channel = engagements.engagement_status(session, engagement=engagement).primary_channel
    if req.deps.background.submit(send_and_tell, req.deps, respond, engagement_id=engagement_id, month=month,
                                  user_id=req.user_id, replace_original=False) is None:
        return Reply(text="ctobot is busy right now; please try `/cto close` again in a minute.")
    where = f"<#{channel}>" if channel else "the client's channel"
    return Reply(text=f"Closing {month:%B %Y} for {escape(display)}: its statement goes to {where} with the "
                      "Harvest CSV in its thread.")


def open_setup(req: Request, respond: Respond) -> Reply:
    """Check the caller may set up this channel, then open the modal (the trigger id lives 3 s)."""
    if req.in_dm:
        raise InvalidInput("Run `/cto setup` in the client channel you want to link, not in a DM.")
    with transaction(req.deps.session_factory) as session:
        engagement = engagements.engagement_for_channel(session, team_id=req.team_id, channel_id=req.channel_id or "")
        if engagement is not None:
            engagements.require_cto(engagement, req.user_id, to="change its settings")
        elif req.deps.settings.cto_user_ids and req.user_id not in req.deps.settings.cto_user_ids:
            raise NotAllowed("Only a CTO can set up a client engagement (see CTO_USER_IDS).")
        today = calendar.local_today(engagement) if engagement else utcnow().date()
        return Reply(modal=blocks.setup_modal(channel_id=req.channel, team_id=req.team_id, user_id=req.user_id,
                                              engagement=engagement, today=today),
                     on_modal_error=_setup_failed)


def _setup_failed(exc: SlackApiError) -> None:
    logger.warning("views.open failed: %s", exc.response.get("error"))
    raise InvalidInput("I couldn't open the setup form (Slack said "
                       f"`{exc.response.get('error')}`). Please try `/cto setup` again.") from None


SUBCOMMANDS: dict[str, Callable[[Request, Respond], Reply]] = {
    "": _help, "help": _help, "setup": open_setup, "status": status_reply, "questions": questions_reply,
    "digest": digest_reply, "close": close_reply, "end": end_reply, "handover": handover_reply}
