"""A user's `today`: their time zone as stored in the person table, else the engagement's; never a Slack call.

A user never stored (or stored more than ZONE_REFRESH_AFTER ago) is looked up with users.info in the background
(one task per user at a time) and stored, so the next request has their zone; this one uses the engagement's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.deps import Deps
from bot.models import Engagement, utcnow
from bot.services import people
from bot.slack.users import refresh_person

ZONE_REFRESH_AFTER = timedelta(days=1)  # people travel: a stored zone is asked again (in the background) after this


def user_zone(deps: Deps, session: Session, team_id: str, user_id: str, engagement: Engagement | None,
              later: list[Callable[[], Any]]) -> ZoneInfo:
    """The user's time zone, falling back to the engagement's, then UTC. A refresh of the stored zone, when one
    is due, is appended to `later`, for the caller to queue once it has acked."""
    known, name = deps.users.known_zone(team_id, user_id)
    if not known:
        name = _stored_zone(deps, session, team_id, user_id, later)
    for candidate in (name, engagement.timezone if engagement else None):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def user_today(deps: Deps, session: Session, team_id: str, user_id: str, engagement: Engagement | None,
               later: list[Callable[[], Any]]) -> date:
    """Today's date where the user is."""
    return utcnow().astimezone(user_zone(deps, session, team_id, user_id, engagement, later)).date()


def _stored_zone(deps: Deps, session: Session, team_id: str, user_id: str,
                 later: list[Callable[[], Any]]) -> str | None:
    """The zone in the person table, refreshed in the background when the user was never stored or long ago."""
    person = people.stored(session, team_id=team_id, user_ids=[user_id]).get(user_id)
    zone = person.timezone if person is not None else None
    if person is None or utcnow() - person.fetched_at > ZONE_REFRESH_AFTER:
        if deps.users.claim_refresh(team_id, user_id):
            later.append(partial(queue_refresh, deps, team_id, user_id))
    deps.users.keep_zone(team_id, user_id, zone)  # a user never stored too: the refresh, if it succeeds, says more
    return zone


def queue_refresh(deps: Deps, team_id: str, user_id: str) -> None:
    """Queue the claimed look-up of a user's zone; the claim ends when the pool refuses it."""
    if deps.background.submit(_refresh, deps, team_id, user_id) is None:
        deps.users.end_refresh(team_id, user_id)


def _refresh(deps: Deps, team_id: str, user_id: str) -> None:
    try:
        client = deps.slack_client(team_id)
    except Exception:
        deps.users.end_refresh(team_id, user_id)
        raise
    refresh_person(deps.session_factory, deps.users, client, team_id, user_id)
