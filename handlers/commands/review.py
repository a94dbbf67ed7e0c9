"""`/review <PR URL> [note]` and `/review list`."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.models import utcnow
from bot.services import capture
from bot.slack import blocks, capture_blocks, ids
from bot.slack.mrkdwn import inline
from handlers.context import Reply, Request, dispatch
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/review`."""

    @app.command(ids.CMD_REVIEW)
    @user_errors()
    def review_command(ack: Ack, req: Request) -> None:
        """Record a review request, or list the open ones."""
        with transaction(deps.session_factory) as session:
            reply = dispatch(SUBCOMMANDS, req, session, default=_request)
        reply.send(ack, req)


def _help(req: Request, session: Session) -> Reply:
    return Reply(text=blocks.command_usage(ids.CMD_REVIEW))


def _list(req: Request, session: Session) -> Reply:
    engagement = req.engagement(session)
    reviews = capture.open_reviews(session, engagement_id=engagement.id)  # type: ignore[arg-type]
    text, message_blocks = capture_blocks.reviews_message(reviews, engagement=engagement, now=utcnow())
    return Reply(text=text, blocks=message_blocks)


def _request(req: Request, session: Session) -> Reply:
    """`/review <PR URL> [note]`: recorded once per URL."""
    review, new = capture.request_review(session, engagement=req.engagement(session), text=req.text,
                                         channel_id=req.channel, requester_id=req.user_id)
    if new:
        return Reply(text=f"Recorded a review request for {review.url}"
                          f"{' — ' + inline(review.note) if review.note else ''}. The CTO will see it in "
                          "`/review list` and in the weekly digest.")
    return Reply(text=f"{review.url} is already on the list (requested by <@{review.requester_user_id}> on "
                      f"{review.requested_at:%d %b}, {review.status.replace('_', ' ')}).")


SUBCOMMANDS: dict[str, Callable[[Request, Session], Reply]] = {"help": _help, "list": _list}
