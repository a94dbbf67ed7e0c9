"""The edge's parse of a signed body: what Bolt is handed, and a check that it has the shape Slack sends.

Bolt's own parse (slack_bolt.request.internals.parse_body) takes any form body that contains the substring
"payload" anywhere for an interactivity payload, so a slash command whose text says "payload" reaches no
listener. The edge parses the body once itself, by its fields, and hands Bolt that result
(bot.web.EdgeBoltRequest).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

JSON_TYPES = {"url_verification", "event_callback", "app_rate_limited"}
MAX_JSON_DEPTH = 64  # Slack's payloads nest about 10 deep; anything deeper is refused before it is walked


def parse_slack_body(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The body as Bolt reads it (a form's fields, or the JSON of an envelope or of `payload=`), or None when
    it is not an Events API envelope, a slash command, an interactivity payload or an SSL check."""
    text = body.decode("utf-8")
    if content_type.startswith("application/json"):
        data = _loads(text)
        return data if _json_envelope(data) else None
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        payload = _loads(form["payload"])
        if isinstance(payload, dict) and isinstance(payload.get("type"), str) and _ids_are_text(payload) \
                and _interaction_is_whole(payload):
            return payload
        return None
    if "command" in form:
        whole = form["command"].startswith("/") and all(form.get(key) for key in ("user_id", "channel_id"))
        return form if whole else None
    return form if "ssl_check" in form else None


def _interaction_is_whole(payload: dict[str, Any]) -> bool:
    """The parts Bolt reads to route an interaction are there (Slack always sends them)."""
    kind = payload["type"]
    if kind == "block_actions":
        actions = payload.get("actions")
        return isinstance(actions, list) and bool(actions) and all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        return isinstance(view, dict) and isinstance(view.get("callback_id"), str)
    if kind in ("shortcut", "message_action"):
        return isinstance(payload.get("callback_id"), str)
    return True


def _json_envelope(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str) or data["type"] not in JSON_TYPES:
        return False
    if data["type"] == "event_callback":
        event = data.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str) and _ids_are_text(data)
    return True


def _ids_are_text(data: dict[str, Any]) -> bool:
    if "event" in data and not isinstance(data["event"], dict):  # Bolt reads body["event"].get(...) for any body
        return False
    for key in ("team_id", "api_app_id", "enterprise_id", "user_id", "channel_id"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            return False
    for key in ("team", "user", "channel", "enterprise"):
        if key in data and data[key] is not None and not isinstance(data[key], (dict, str)):
            return False
    return True


def _loads(text: str) -> Any:
    """JSON no deeper than MAX_JSON_DEPTH, else None (json.loads itself recurses, so very deep input is a
    RecursionError, caught here too)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if _depth_at_most(data, MAX_JSON_DEPTH) else None


def _depth_at_most(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return True
