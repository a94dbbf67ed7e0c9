"""Reading who and where a request comes from, the same way for every surface."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext


def team_of(context: BoltContext, body: dict[str, Any]) -> str:
    """The workspace the app is installed in for this request (our key for engagements)."""
    result = context.authorize_result
    if result is not None and result.team_id:
        return result.team_id
    team = body.get("team")
    return context.team_id or body.get("team_id") or (team.get("id") if isinstance(team, dict) else "") or ""
