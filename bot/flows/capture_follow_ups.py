"""Follow-ups of a captured question or review request, after the ack: its permalink, and the text of a message
tracked by a reaction (slow Slack calls, run in the background pool, each result stored in its own transaction)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.models import Question, ReviewRequest
from bot.services import capture

logger = logging.getLogger(__name__)


def fill_in(deps: Deps, client: WebClient, questions: list[tuple[int, str, str, bool]],
            reviews: list[tuple[int, str, str]]) -> None:
    """Permalinks for new records, and the text of messages tracked by a reaction."""
    for question_id, channel_id, ts, needs_text in questions:
        if needs_text:
            text = _message_text(client, channel_id, ts)
            if text:
                with transaction(deps.session_factory) as session:
                    capture.set_question_text(session, question_id=question_id, text=text)
        _store_permalink(deps, client, Question, question_id, channel_id, ts)
    for review_id, channel_id, ts in reviews:
        _store_permalink(deps, client, ReviewRequest, review_id, channel_id, ts)


def _message_text(client: WebClient, channel_id: str, ts: str) -> str | None:
    try:
        replies = client.conversations_replies(channel=channel_id, ts=ts, limit=50, inclusive=True)
    except Exception as exc:
        logger.info("could not fetch message %s in %s (%s)", ts, channel_id, type(exc).__name__)
        return None
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return message.get("text")
    return None


def _store_permalink(deps: Deps, client: WebClient, record: Any, record_id: int, channel_id: str, ts: str) -> None:
    try:
        permalink = client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"]
    except Exception as exc:
        logger.info("no permalink for %s in %s (%s)", ts, channel_id, type(exc).__name__)
        return
    with transaction(deps.session_factory) as session:
        capture.set_permalink(session, record=record, record_id=record_id, permalink=permalink)
