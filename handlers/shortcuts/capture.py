"""The "Track as question" and "Request review" message shortcuts."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.flows.capture_follow_ups import fill_in
from bot.services import capture
from bot.services.capture import SlackMessage
from bot.slack import ids
from handlers.context import Request, channel_of
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register the capture shortcuts."""

    @app.shortcut(ids.SHORTCUT_TRACK_QUESTION)
    @user_errors()
    def track_question(ack: Ack, shortcut: dict[str, Any], body: dict[str, Any], respond: Respond,
                       client: WebClient, req: Request) -> None:
        message, channel_id = shortcut.get("message") or {}, channel_of(body) or ""
        with transaction(deps.session_factory) as session:
            engagement = req.scope(session, direct_ok=False).channel_engagement
            question = capture.track_question(session, engagement=engagement, message=SlackMessage(
                channel_id=channel_id, ts=str(message.get("ts")), user_id=str(message.get("user") or ""),
                text=str(message.get("text") or ""), thread_ts=message.get("thread_ts")))
            reply = (f"Tracking this as a question from <@{question.asker_user_id}>; it shows in `/cto questions` "
                     f"until the CTO answers in its thread.")
            pending = ([(question.id, channel_id, question.message_ts, not question.text)]
                       if not question.permalink else [])
        ack()  # after the commit: the record is durable before Slack's 200
        deps.background.submit(fill_in, deps, client, pending, [])
        respond(text=reply, response_type="ephemeral", replace_original=False)

    @app.shortcut(ids.SHORTCUT_REQUEST_REVIEW)
    @user_errors()
    def request_review(ack: Ack, shortcut: dict[str, Any], body: dict[str, Any], respond: Respond,
                       client: WebClient, req: Request) -> None:
        message, channel_id = shortcut.get("message") or {}, channel_of(body) or ""
        with transaction(deps.session_factory) as session:
            engagement = req.scope(session, direct_ok=False).channel_engagement
            review, new = capture.request_review(
                session, engagement=engagement, text=str(message.get("text") or ""), channel_id=channel_id,
                requester_id=str(message.get("user") or body["user"]["id"]), message_ts=str(message.get("ts")),
                source="shortcut")
            reply = (f"Recorded a review request for {review.url}." if new
                     else f"{review.url} is already on the review list ({review.status.replace('_', ' ')}).")
            pending = [(review.id, channel_id, review.message_ts)] if new and review.message_ts else []
        ack()
        deps.background.submit(fill_in, deps, client, [], pending)
        respond(text=reply, response_type="ephemeral", replace_original=False)
