"""Capture runs as middleware so the record is committed before Slack gets its 200; slow follow-ups
(permalinks, fetching a reacted-to message's text) go to the background pool afterwards."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, TypeGuard

from slack_bolt import App, BoltContext

from bot.db import transaction
from bot.deps import Deps
from bot.flows.capture_follow_ups import fill_in
from bot.services import capture, engagements
from bot.services.capture import Captured, SlackMessage, ts_to_datetime
from handlers.context import team_of

logger = logging.getLogger(__name__)

FOLLOW_UP = "ctobot_capture_follow_up"  # the context key of what the capture left for after the ack
CAPTURED_EVENTS = ("message", "app_mention", "reaction_added")
PLAIN_SUBTYPES = (None, "thread_broadcast", "file_share", "me_message")


TS = re.compile(r"\d{1,12}\.\d{1,9}")


def _is_ts(value: Any) -> TypeGuard[str]:
    """Whether `value` is a Slack message timestamp ("1763805600.000100")."""
    return isinstance(value, str) and TS.fullmatch(value) is not None


def _message(event: Any, channel_id: str) -> SlackMessage | None:
    """A human's message, or None for bots, system messages and anything without an author or a valid shape."""
    if not isinstance(event, dict) or event.get("bot_id") or event.get("subtype") == "bot_message":
        return None
    user, ts, text, thread_ts = event.get("user"), event.get("ts"), event.get("text"), event.get("thread_ts")
    if not isinstance(user, str) or not user or not _is_ts(ts) or not isinstance(text, str | None):
        return None
    return SlackMessage(channel_id=channel_id, ts=ts, user_id=user, text=text or "",
                        thread_ts=thread_ts if _is_ts(thread_ts) else None)


def record_event(deps: Deps, event: dict[str, Any], *, team_id: str, bot_user_id: str | None) -> Captured | None:
    """Commit what the event means for its channel's engagement; None when it means nothing."""
    kind = event.get("type")
    item: dict[str, Any] = {}
    if kind == "reaction_added":
        given = event.get("item")
        item = given if isinstance(given, dict) else {}
        channel_id, ts = item.get("channel"), item.get("ts")
    else:
        channel_id, ts = event.get("channel"), event.get("ts")
    if not isinstance(channel_id, str) or not channel_id or event.get("channel_type") == "im":
        return None
    with transaction(deps.session_factory) as session:
        engagement = engagements.engagement_for_channel(session, team_id=team_id, channel_id=channel_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return None
        subtype = event.get("subtype")
        if kind == "reaction_added":
            user, reaction, item_user = event.get("user"), event.get("reaction"), event.get("item_user")
            if item.get("type") != "message" or not _is_ts(ts) or not isinstance(user, str) or not user \
                    or not isinstance(reaction, str):
                return None
            return capture.reaction_added(
                session, engagement=engagement, channel_id=channel_id, ts=ts, reaction=reaction,
                user_id=user, item_user_id=item_user if isinstance(item_user, str) else None,
                at=ts_to_datetime(str(event.get("event_ts") or "")))
        if kind == "message" and subtype == "message_deleted":
            if _is_ts(event.get("deleted_ts")):
                capture.message_deleted(session, engagement=engagement, channel_id=channel_id,
                                        ts=event["deleted_ts"])
            return None
        if kind == "message" and subtype == "message_changed":
            message = _message(event.get("message"), channel_id)
            if message is None:
                return None
            return capture.message_edited(session, engagement=engagement, message=message, bot_user_id=bot_user_id)
        if subtype not in PLAIN_SUBTYPES:
            return None
        message = _message(event, channel_id)
        if message is None:
            return None
        return capture.capture_message(session, engagement=engagement, message=message, bot_user_id=bot_user_id,
                                       mentions_bot=kind == "app_mention")


def capture_middleware(deps: Deps) -> Callable[..., Any]:
    """A Bolt middleware recording messages and reactions in linked channels before the ack."""

    def capture_before_ack(body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:  # noqa: A002
        event = body.get("event") if body.get("type") == "event_callback" else None
        follow_up = None
        if isinstance(event, dict) and event.get("type") in CAPTURED_EVENTS:
            captured = record_event(deps, event, team_id=team_of(context, body), bot_user_id=context.bot_user_id)
            if captured is not None and captured.new_records and context.client is not None:
                questions = [(q.id, q.channel_id, q.message_ts, not q.text) for q in captured.questions
                             if not q.permalink]
                reviews = [(r.id, r.channel_id, r.message_ts) for r in captured.reviews if r.message_ts]
                follow_up = (context.client, questions, reviews)
        context[FOLLOW_UP] = follow_up  # queued by the event's listener, which Bolt runs once it has acked
        return next()

    return capture_before_ack


def register(app: App, deps: Deps) -> None:
    """Record before the ack; the listeners below only exist so that Slack gets its 200."""
    app.middleware(capture_middleware(deps))

    @app.event("message")
    def message_received(context: BoltContext) -> None:
        follow_up(deps, context)

    @app.event("app_mention")
    def app_mentioned(context: BoltContext) -> None:
        follow_up(deps, context)

    @app.event("reaction_added")
    def reaction_added(context: BoltContext) -> None:
        follow_up(deps, context)


def follow_up(deps: Deps, context: BoltContext) -> None:
    """Queue what the capture middleware left to do (permalinks, a reacted-to message's text): Bolt runs an event's
    listener once it has acked, so Slack is asked only after the 200."""
    pending = context.get(FOLLOW_UP)
    if pending is not None:
        deps.background.submit(fill_in, deps, *pending)
