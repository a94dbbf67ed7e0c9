"""The "Record decision from thread" message shortcut."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.flows import decision_work
from bot.services import decisions
from bot.services.decisions import DecisionFields
from bot.slack import ids
from bot.slack.mrkdwn import escape
from handlers.context import Request, channel_of
from handlers.errors import user_errors

TITLE_WORDS = 16


def title_from(text: str) -> str:
    """The message's first line, without Slack markup, cut to a title's length."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = re.sub(r"<[^|>]*\|([^>]*)>", r"\1", first)  # <url|label> -> label
    first = re.sub(r"[<>*_~`]", "", first)
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def register(app: App, deps: Deps) -> None:
    """Register the decision shortcut."""

    @app.shortcut(ids.SHORTCUT_RECORD_DECISION)
    @user_errors()
    def record_from_thread(ack: Ack, shortcut: dict[str, Any], body: dict[str, Any], respond: Respond,
                           client: WebClient, req: Request) -> None:
        message, channel_id = shortcut.get("message") or {}, channel_of(body) or ""
        text = str(message.get("text") or "")
        with transaction(deps.session_factory) as session:
            engagement = req.scope(session, direct_ok=False).channel_engagement
            decision = decisions.record_decision(
                session, engagement=engagement, title=title_from(text), user_id=body["user"]["id"],
                fields=DecisionFields(context=text), channel_id=channel_id,
                thread_ts=str(message.get("thread_ts") or message.get("ts")))
            reply = (f"Recorded {decisions.label(decision.number)}: {escape(decision.title)}. Its card is in this "
                     f"thread; `/decision draft {decision.number}` drafts the ADR from the thread.")
            decision_id = decision.id
        ack()
        deps.background.submit(decision_work.post_card, deps, client, decision_id)
        respond(text=reply, response_type="ephemeral", replace_original=False)
