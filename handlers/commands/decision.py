"""`/decision`: record (inline or in a modal), list, draft, accept, reject, supersede."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.flows import decision_work
from bot.models import Engagement
from bot.services import decisions, engagements
from bot.services.decisions import require_thread
from bot.slack import blocks, decision_blocks, ids
from bot.slack.decision_blocks import decide_reply
from bot.slack.mrkdwn import escape
from handlers.context import team_of
from handlers.errors import user_errors

NUMBERED = ("draft", "accept", "reject")


def register(app: App, deps: Deps) -> None:
    """Register `/decision`."""

    @app.command(ids.CMD_DECISION)
    @user_errors()
    def decision_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
                         context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        words = text.split()
        sub = words[0].lower() if words else ""
        if sub == "help":
            ack(text=blocks.command_usage(ids.CMD_DECISION))
            return
        user_id, channel_id = command["user_id"], command["channel_id"]
        with transaction(deps.session_factory) as session:
            engagement = engagements.require_engagement(session, team_id=team_of(context, body), channel_id=channel_id)
        if not text:
            ack()
            client.views_open(trigger_id=command["trigger_id"],
                              view=decision_blocks.new_decision_modal(channel_id=channel_id))
            return
        if sub == "list" and len(words) == 1:
            with transaction(deps.session_factory) as session:
                reply, message_blocks = decision_blocks.list_message(
                    decisions.list_decisions(session, engagement_id=engagement.id), engagement=engagement)  # type: ignore[arg-type]
            ack(text=reply, blocks=message_blocks)
            return
        if sub in (*NUMBERED, "supersede") and len(words) == 1:
            raise InvalidInput(f"Name the decision's number: `/decision {sub} 3`. `/decision list` shows them.")
        if sub in NUMBERED and len(words) == 2:
            _numbered(ack, client, engagement, sub, decisions.parse_number(words[1]), user_id)
            return
        if sub == "supersede" and len(words) >= 2:
            if len(words) < 3:
                raise InvalidInput("Name the new decision: `/decision supersede 3 Use Postgres 16 for events`.")
            number = decisions.parse_number(words[1])
            with transaction(deps.session_factory) as session:
                new, old = decisions.supersede(session, engagement=engagement, number=number,
                                               title=" ".join(words[2:]), user_id=user_id, channel_id=channel_id)
                reply = (f"Recorded {decisions.label(new.number)}: {escape(new.title)}, superseding "
                         f"{decisions.label(old.number)}.")
                new_id, old_id = new.id, old.id
            ack(text=reply)
            deps.background.submit(decision_work.post_card, deps, client, new_id)
            deps.background.submit(decision_work.refresh_card, deps, client, old_id)
            return
        with transaction(deps.session_factory) as session:
            decision = decisions.record_decision(session, engagement=engagement, title=text, user_id=user_id,
                                                 channel_id=channel_id)
            reply, decision_id = (f"Recorded {decisions.label(decision.number)}: {escape(decision.title)}. "
                                  f"Its card is in the channel; discuss in its thread."), decision.id
        ack(text=reply)
        deps.background.submit(decision_work.post_card, deps, client, decision_id)

    def _numbered(ack: Ack, client: WebClient, engagement: Engagement, sub: str, number: int, user_id: str) -> None:
        with transaction(deps.session_factory) as session:
            decision = decisions.get_decision(session, engagement=engagement, number=number)
            if sub == "draft":
                require_thread(decision)
                reply = f"Drafting the ADR for {decisions.label(number)} in its thread…"
                changed = True
            else:
                decision, changed = decisions.decide(session, engagement=engagement, decision=decision,
                                                     user_id=user_id, verb=sub)
                reply = decide_reply(decision, changed, sub)
            decision_id = decision.id
        ack(text=reply)
        if sub == "draft":
            deps.background.submit(decision_work.draft_in_thread, deps, client, decision_id)
        elif changed:
            deps.background.submit(decision_work.after_decision, deps, client, decision_id)
