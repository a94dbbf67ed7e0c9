"""Reading what a user would see in the app's reply to a command."""

from __future__ import annotations

import json


def reply_text(response) -> str:  # type: ignore[no-untyped-def]
    """The reply's text and blocks as one string (ack(text=…) alone comes back as plain text)."""
    assert response.status == 200, (response.status, response.body)
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response.text
    payload = response.json()
    return payload.get("text", "") + "\n" + json.dumps(payload.get("blocks", []), ensure_ascii=False)
