"""Reading who and where a request comes from, the same way for every surface."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.errors import NotAllowed
from bot.models import Engagement
from bot.services import ownership
from bot.services.ownership import Scope
from bot.slack.users import channel_members


def team_of(context: BoltContext, body: dict[str, Any]) -> str:
    """The workspace the app is installed in for this request (our key for engagements)."""
    result = context.authorize_result
    if result is not None and result.team_id:
        return result.team_id
    team = body.get("team")
    return context.team_id or body.get("team_id") or (team.get("id") if isinstance(team, dict) else "") or ""


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel Slack says a click or a shortcut came from (None: a modal, App Home)."""
    channel = body.get("channel")
    container = body.get("container")
    return ((channel.get("id") if isinstance(channel, dict) else None)
            or (container.get("channel_id") if isinstance(container, dict) else None) or None)


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as a dict ({} when it is not one)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def request_scope(session: Session, context: BoltContext, body: dict[str, Any], *, direct_ok: bool = True) -> Scope:
    """The scope of a click or shortcut: the engagement of the channel it came from, in this workspace."""
    return ownership.scope_of(session, team_id=team_of(context, body), channel_id=channel_of(body),
                              direct_ok=direct_ok)


def form_scope(session: Session, context: BoltContext, body: dict[str, Any], client: WebClient, *,
               channel_id: Any, user_id: str, direct_ok: bool = False) -> Scope:
    """The scope of a modal from the channel its private_metadata names, in this workspace.

    Slack did not say that channel; the form did. So the user must also belong there: one of the engagement's
    CTO or founder users, or (asked of Slack) a member of the channel.
    """
    scope = ownership.scope_of(session, team_id=team_of(context, body), channel_id=channel_id, direct_ok=direct_ok)
    if scope.engagement is not None:
        require_in_channel(client, scope.engagement, channel_id, user_id)
    return scope


def require_in_channel(client: WebClient, engagement: Engagement, channel_id: str, user_id: str) -> None:
    """NotAllowed unless the user is a CTO or founder of the engagement or in the channel."""
    if ownership.is_regular(engagement, user_id) or user_id in channel_members(client, channel_id):
        return
    raise NotAllowed("You are not in that channel, so nothing was changed there.")
