"""A cheap check that a signed body has the shape of something Slack sends, before Bolt parses it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

JSON_TYPES = {"url_verification", "event_callback", "app_rate_limited"}


def looks_like_slack(body: bytes, content_type: str) -> bool:
    """Whether `body` is an Events API envelope, a slash command or an interactivity payload."""
    text = body.decode("utf-8")
    if content_type.startswith("application/json"):
        return _json_envelope(_loads(text))
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        payload = _loads(form["payload"][0])
        return isinstance(payload, dict) and isinstance(payload.get("type"), str) and _ids_are_text(payload) \
            and _interaction_is_whole(payload)
    if "command" in form:
        return form["command"][0].startswith("/") and all(form.get(key, [""])[0] for key in ("user_id", "channel_id"))
    return "ssl_check" in form


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
    try:
        return json.loads(text)
    except ValueError:
        return None
