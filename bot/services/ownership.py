"""Records named by id in a button or a form: found only inside the engagement (and workspace) of the request.

A button's value or a modal's private_metadata is whatever the request says it is. Every id read from one is
loaded here, through `owned`, against the `Scope` of the request: the engagement of the channel the request
came from (or, from a direct message, the workspace). A record outside it is NotFound, with one message that
neither confirms that it exists nor names whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from bot.errors import NotFound, NotLinked
from bot.models import Engagement
from bot.services import engagements

Record = TypeVar("Record")


@dataclass(frozen=True)
class Scope:
    """Where a request comes from: its workspace, and the engagement of its channel (None: a direct message)."""

    team_id: str
    engagement: Engagement | None = None

    @property
    def channel_engagement(self) -> Engagement:
        """The engagement of the request's channel; NotLinked when it came from no client's channel."""
        if self.engagement is None:
            raise NotLinked()
        return self.engagement

    def holds(self, engagement: Engagement) -> bool:
        """Whether a record of `engagement` may be acted on from here."""
        if engagement.uninstalled_at is not None:
            return False
        if self.engagement is not None:
            return engagement.id == self.engagement.id
        return engagement.team_id in ("", self.team_id)


def is_direct(channel_id: Any) -> bool:
    """Whether the request has no channel of an engagement: a direct message, a modal opened there, App Home."""
    return not isinstance(channel_id, str) or not channel_id or channel_id.startswith("D")


def scope_of(session: Session, *, team_id: str, channel_id: Any, direct_ok: bool = True) -> Scope:
    """The scope of a request from (or naming) `channel_id` in `team_id`.

    A channel must be linked to an engagement in this workspace (NotLinked otherwise); a direct message scopes
    to the workspace when `direct_ok`, and is NotLinked when the record can only live in a channel.
    """
    if is_direct(channel_id):
        if not direct_ok:
            raise NotLinked()
        return Scope(team_id=team_id)
    return Scope(team_id=team_id,
                 engagement=engagements.require_engagement(session, team_id=team_id, channel_id=channel_id))


def owned(session: Session, model: type[Record], record_id: Any, *, scope: Scope, what: str,
          field: str | None = None) -> tuple[Record, Engagement]:
    """`model` number `record_id` and its engagement, when it belongs to `scope`; NotFound otherwise.

    `model` is Engagement itself or a record with an `engagement_id`; soft-deleted records are not found.
    """
    text = str(record_id if record_id is not None else "").strip()
    record = session.get(model, int(text)) if text.isascii() and text.isdigit() and len(text) <= 18 else None
    if record is not None and getattr(record, "deleted_at", None) is not None:
        record = None
    engagement: Engagement | None = None
    if record is not None:
        engagement = record if isinstance(record, Engagement) else session.get(
            Engagement, record.engagement_id)  # type: ignore[attr-defined]
    if record is None or engagement is None or not scope.holds(engagement):
        where = "this channel's" if scope.engagement is not None else "this workspace's"
        raise NotFound(f"That {what} no longer exists among {where} records; nothing was changed.", field=field)
    return record, engagement


def is_regular(engagement: Engagement, user_id: str) -> bool:
    """A CTO or founder of the engagement: allowed in its channels without asking Slack who is in them."""
    return user_id in engagement.cto_user_ids or user_id in engagement.founder_user_ids
