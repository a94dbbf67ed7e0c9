"""`/review <PR URL> [note]` and `/review list`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.models import utcnow
from bot.services import capture, engagements
from bot.slack import blocks, capture_blocks, ids
from bot.slack.mrkdwn import inline
from handlers.context import team_of
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/review`."""

    @app.command(ids.CMD_REVIEW)
    @user_errors()
    def review_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
                       context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        sub = text.split()[0].lower() if text else ""
        if sub == "help":
            ack(text=blocks.command_usage(ids.CMD_REVIEW))
            return
        with transaction(deps.session_factory) as session:
            engagement = engagements.require_engagement(
                session, team_id=team_of(context, body), channel_id=command["channel_id"])
            if sub == "list":
                reviews = capture.open_reviews(session, engagement_id=engagement.id)  # type: ignore[arg-type]
                reply, message_blocks = capture_blocks.reviews_message(reviews, engagement=engagement, now=utcnow())
                ack(text=reply, blocks=message_blocks)
                return
            review, new = capture.request_review(session, engagement=engagement, text=text,
                                                 channel_id=command["channel_id"], requester_id=command["user_id"])
            if new:
                reply = (f"Recorded a review request for {review.url}"
                         f"{' — ' + inline(review.note) if review.note else ''}. The CTO will see it in `/review list` "
                         "and in the weekly digest.")
            else:
                reply = (f"{review.url} is already on the list (requested by <@{review.requester_user_id}> on "
                         f"{review.requested_at:%d %b}, {review.status.replace('_', ' ')}).")
        ack(text=reply)
