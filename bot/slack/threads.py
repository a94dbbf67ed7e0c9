"""Reading a whole thread through conversations.replies, page by page."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

PAGE_SIZE = 200
MAX_PAGES = 50  # 10,000 messages: more than any decision thread


def read_thread(client: WebClient, *, channel: str, ts: str) -> list[dict[str, Any]]:
    """Every message of the thread (its parent first), following next_cursor until the last page."""
    messages: list[dict[str, Any]] = []
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        response = client.conversations_replies(channel=channel, ts=ts, limit=PAGE_SIZE, cursor=cursor)
        for message in response.get("messages") or []:
            if message.get("ts") not in seen:  # Slack repeats the parent at the top of every page
                seen.add(message.get("ts"))
                messages.append(message)
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not (response.get("has_more") and cursor):
            break
    return messages


def is_person(message: dict[str, Any]) -> bool:
    """A message written by a person (not a bot, not a join or other system message)."""
    return bool(message.get("user")) and not message.get("bot_id") and message.get("subtype") in (
        None, "thread_broadcast", "file_share")
