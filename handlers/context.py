"""Reading who and where a request comes from, the same way for every surface."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.deps import Deps
from bot.errors import InvalidInput, NotAllowed
from bot.models import Engagement
from bot.services import engagements, ownership
from bot.services.ownership import Scope
from bot.slack.users import channel_members
from handlers.clock import user_today


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


def form_scope(session: Session, req: Request, *, channel_id: Any, direct_ok: bool = False) -> Scope:
    """The scope of a modal from the channel its private_metadata names, in this workspace.

    Slack did not say that channel; the form did. So the user must also belong there: one of the engagement's
    CTO or founder users, or (asked of Slack) a member of the channel.
    """
    scope = ownership.scope_of(session, team_id=req.team_id, channel_id=channel_id, direct_ok=direct_ok)
    if scope.engagement is not None:
        require_in_channel(req.client, scope.engagement, channel_id, req.user_id)
    return scope


def require_in_channel(client: WebClient, engagement: Engagement, channel_id: str, user_id: str) -> None:
    """NotAllowed unless the user is a CTO or founder of the engagement or in the channel."""
    if ownership.is_regular(engagement, user_id) or user_id in channel_members(client, channel_id):
        return
    raise NotAllowed("You are not in that channel, so nothing was changed there.")


@dataclass
class Request:
    """Who and where a request comes from, and what they typed: built once per request by the middleware in
    `handlers/__init__.py`, handed to listeners as `req` by `handlers.errors.user_errors`."""

    deps: Deps
    client: WebClient
    context: BoltContext
    body: dict[str, Any]
    team_id: str
    user_id: str
    channel_id: str | None
    text: str
    trigger_id: str | None
    later: list[Callable[[], Any]] = field(default_factory=list)  # queued once the listener has acked

    @classmethod
    def of(cls, deps: Deps, client: WebClient, context: BoltContext, body: dict[str, Any]) -> Request:
        """The request a listener was called for."""
        user = body.get("user")
        user_id = body.get("user_id") or (user.get("id") if isinstance(user, dict) else None) or context.user_id
        event = body.get("event")
        event = event if isinstance(event, dict) else {}
        return cls(deps=deps, client=client, context=context, body=body, team_id=team_of(context, body),
                   user_id=user_id or "", channel_id=body.get("channel_id") or channel_of(body)
                   or event.get("channel") or None,
                   text=(body.get("text") or "").strip() if body.get("command") else "",
                   trigger_id=body.get("trigger_id"))

    @property
    def channel(self) -> str:
        """The channel the request came from; a slash command always has one."""
        if not self.channel_id:
            raise InvalidInput("Run this in a channel or a direct message with ctobot.")
        return self.channel_id

    @property
    def words(self) -> list[str]:
        """What a slash command's user typed after the command, word by word."""
        return self.text.split()

    @property
    def sub(self) -> str:
        """The subcommand: the first word, lower-cased ("" when nothing was typed)."""
        return self.text.split()[0].lower() if self.text else ""

    @property
    def in_dm(self) -> bool:
        """Whether the request came from a direct message with the bot."""
        return (self.channel_id or "").startswith("D") or self.body.get("channel_name") == "directmessage"

    def engagement(self, session: Session) -> Engagement:
        """The engagement linked to the channel the request came from, or NotLinked."""
        return engagements.require_engagement(session, team_id=self.team_id, channel_id=self.channel_id or "")

    def scope(self, session: Session, *, direct_ok: bool = True) -> Scope:
        """The scope of a click or shortcut: the engagement of the channel it came from, in this workspace."""
        return ownership.scope_of(session, team_id=self.team_id, channel_id=self.channel_id, direct_ok=direct_ok)

    def today(self, session: Session, engagement: Engagement | None) -> date:
        """Today where the user is (the engagement's zone until the user's is stored): never a Slack call."""
        return user_today(self.deps, session, self.team_id, self.user_id, engagement, self.later)

    def run_later(self) -> None:
        """Queue what the request found to do once it has acked (a user's zone to look up)."""
        work, self.later = self.later, []
        for item in work:
            item()


@dataclass
class Reply:
    """What a listener answers once its transaction has committed: the ack's message, a modal, background work."""

    text: str | None = None
    blocks: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    after: Sequence[Callable[[], Any]] = ()
    on_modal_error: Callable[[SlackApiError], None] | None = None  # views.open refused: may raise a DomainError

    def send(self, ack: Ack, req: Request) -> None:
        """Ack (with the message, if any), then queue the background work and open the modal."""
        answer: dict[str, Any] = {}
        if self.text is not None:
            answer["text"] = self.text
        if self.blocks is not None:
            answer["blocks"] = self.blocks
        ack(**answer)
        for work in self.after:
            req.deps.background.submit(work)
        if self.modal is not None:
            try:
                req.client.views_open(trigger_id=req.trigger_id, view=self.modal)
            except SlackApiError as exc:
                if self.on_modal_error is None:
                    raise
                self.on_modal_error(exc)


Subcommand = Callable[..., Reply]


def dispatch(table: dict[str, Subcommand], req: Request, *args: Any, default: Subcommand) -> Reply:
    """Run the subcommand the request's first word names, or `default` for anything else."""
    return table.get(req.sub, default)(req, *args)
