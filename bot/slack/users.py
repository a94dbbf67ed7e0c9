"""users.info, cached: a user's time zone (for work dates) and names (for exports, stored); who is in a channel."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.db import transaction
from bot.db.engine import SessionFactory
from bot.services import people

logger = logging.getLogger(__name__)

LOOKUP_TIMEOUT_SECONDS = 2
TTL_SECONDS = 6 * 3600
# A slow or failing users.info is not asked again for this long, so a Slack outage costs one request the
# lookup timeout, not every request.
MISS_TTL_SECONDS = 60
ZONE_SECONDS = 300  # a time zone read from the person table is used this long before it is read again


@dataclass(frozen=True)
class SlackUser:
    """What we need to know of a Slack user."""

    id: str
    tz: str | None
    first_name: str
    last_name: str
    real_name: str
    display_name: str = ""


class UserDirectory:
    """A per-process cache of users.info answers; a slow or failing Slack yields None, never an exception.

    It also keeps, per process, the time zones read from the person table (ZONE_SECONDS), and which users have a
    users.info refresh under way, so that each user is asked for by one background task at a time.
    """

    def __init__(self, ttl: float = TTL_SECONDS, miss_ttl: float = MISS_TTL_SECONDS) -> None:
        self._ttl, self._miss_ttl = ttl, miss_ttl
        self._cache: dict[tuple[str, str], tuple[float, SlackUser | None]] = {}
        self._lock = threading.Lock()
        self._zones: dict[tuple[str, str], tuple[float, str | None]] = {}
        self._refreshing: set[tuple[str, str]] = set()

    def known_zone(self, team_id: str, user_id: str) -> tuple[bool, str | None]:
        """(True, the stored zone or None) when read from the person table within ZONE_SECONDS; else (False, None)."""
        with self._lock:
            kept = self._zones.get((team_id, user_id))
        if kept is not None and time.monotonic() - kept[0] < ZONE_SECONDS:
            return True, kept[1]
        return False, None

    def keep_zone(self, team_id: str, user_id: str, zone: str | None) -> None:
        """Remember a zone read from (or just stored in) the person table."""
        with self._lock:
            self._zones[(team_id, user_id)] = (time.monotonic(), zone)

    def claim_refresh(self, team_id: str, user_id: str) -> bool:
        """True when no refresh for this user is under way (and one now is); release with `end_refresh`."""
        with self._lock:
            if (team_id, user_id) in self._refreshing:
                return False
            self._refreshing.add((team_id, user_id))
            return True

    def end_refresh(self, team_id: str, user_id: str) -> None:
        """The refresh claimed by `claim_refresh` is over."""
        with self._lock:
            self._refreshing.discard((team_id, user_id))

    def get(self, client: WebClient, user_id: str) -> SlackUser | None:
        """The user, from the cache or one quick users.info call."""
        key = (client.base_url, user_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < (self._ttl if cached[1] else self._miss_ttl):
            return cached[1]
        quick = WebClient(token=client.token, base_url=client.base_url, timeout=LOOKUP_TIMEOUT_SECONDS,
                          logger=client.logger)
        try:
            user = quick.users_info(user=user_id)["user"]
        except Exception as exc:
            logger.info("users.info for %s failed (%s); falling back", user_id, type(exc).__name__)
            with self._lock:
                self._cache[key] = (time.monotonic(), None)
            return None
        profile = user.get("profile") or {}
        real = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
        first = profile.get("first_name") or real.split(" ")[0]
        last = profile.get("last_name") or (" ".join(real.split(" ")[1:]) if " " in real else "")
        found = SlackUser(id=user_id, tz=user.get("tz"), first_name=first, last_name=last, real_name=real,
                          display_name=profile.get("display_name") or user.get("name") or "")
        with self._lock:
            self._cache[key] = (time.monotonic(), found)
        return found


def names_for(directory: UserDirectory, client: WebClient | None,
              user_ids: set[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """(first, last) name per user from users.info, and the ids Slack gave no name for (shown as the id)."""
    names: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    for user_id in sorted(user_ids):
        user = directory.get(client, user_id) if client is not None else None
        if user is None:
            missing.append(user_id)
            names[user_id] = (user_id, "")
        else:
            names[user_id] = (user.first_name, user.last_name)
    return names, missing


def remember_names(session_factory: SessionFactory, directory: UserDirectory, client: WebClient | None,
                   team_id: str, user_ids: set[str] | list[str]) -> dict[str, str]:
    """A name for every id, storing what users.info says of anyone not stored yet (or stored long ago).

    The Slack calls (one users.info per person, cached by `directory`) happen between two transactions, never
    inside one; without a client, or when Slack does not answer, the stored names (or the ids) are returned.
    """
    ids = {u for u in user_ids if u}
    if not ids:
        return {}
    with transaction(session_factory) as session:
        wanted = people.to_fetch(session, team_id=team_id, user_ids=ids) if client is not None else []
    profiles = []
    for user_id in wanted:
        user = directory.get(client, user_id)  # type: ignore[arg-type]
        if user is not None:
            profiles.append(_profile(user_id, user))
    with transaction(session_factory) as session:
        if profiles:
            people.remember(session, team_id=team_id, profiles=profiles)
        return people.names(session, team_id=team_id, user_ids=ids)


def refresh_person(session_factory: SessionFactory, directory: UserDirectory, client: WebClient | None,
                   team_id: str, user_id: str) -> None:
    """Background work: users.info for one user, stored in the person table in its own short transaction.

    Run through `directory.claim_refresh` so that concurrent requests ask Slack once per user; the Slack call is
    made outside any transaction.
    """
    try:
        user = directory.get(client, user_id) if client is not None else None
        if user is None:
            return
        with transaction(session_factory) as session:
            people.remember(session, team_id=team_id, profiles=[_profile(user_id, user)])
        directory.keep_zone(team_id, user_id, user.tz)
    finally:
        directory.end_refresh(team_id, user_id)


def _profile(user_id: str, user: SlackUser) -> people.Profile:
    """What users.info said, as the person table stores it (no real name when Slack fell back to the id)."""
    return people.Profile(user_id=user_id, display_name=user.display_name,
                          real_name=user.real_name if user.real_name != user_id else "", timezone=user.tz)


def channel_members(client: WebClient, channel_id: str) -> set[str]:
    """Everyone in the channel (paginated); empty when Slack will not say."""
    members: set[str] = set()
    cursor = None
    try:
        for _ in range(50):
            page = client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
            members.update(page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except Exception as exc:
        logger.info("conversations.members for %s failed (%s)", channel_id, type(exc).__name__)
    return members
