"""Who the bot is, without asking Slack on a request: auth.test stored at start, Bolt's authorize served from it.

Single-workspace mode: the identity (team, bot id, bot user) is loaded from the database when the app is built.
When none is stored for this token, or it is older than MAX_AGE, one background thread asks auth.test and
stores the answer; requests meanwhile are authorized with the token and the request's own team, so the app
serves even when Slack cannot be reached at start. OAuth mode: each workspace's installation, read from the
installation store and kept per process for CACHE_SECONDS, becomes the AuthorizeResult; auth.test is never
called (Slack's tokens_revoked and app_uninstalled events remove an installation, and forget it here).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlmodel import select

from bot.db import transaction
from bot.db.engine import SessionFactory
from bot.db.unique import insert_once
from bot.models import BotIdentity, utcnow

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(days=1)  # a stored identity older than this is asked again, in the background
RETRY_SECONDS = 60.0  # after a failed auth.test, the next attempt waits this long
AUTH_TEST_TIMEOUT = 10
CACHE_SECONDS = 10.0  # OAuth: how long an installation read from the store is used before it is read again


@dataclass(frozen=True)
class Identity:
    """What auth.test says of the bot token."""

    team_id: str
    team_name: str
    enterprise_id: str | None
    url: str
    bot_id: str | None
    bot_user_id: str | None
    scopes: str


def token_hash(token: str) -> str:
    """The key an identity is stored under: the token's SHA-256 (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


class BotIdentityKeeper(Authorize):
    """The bot's identity for one token, and Bolt's authorize from it: loaded from the database, refreshed by at
    most one thread at a time."""

    def __init__(self, session_factory: SessionFactory, client: WebClient, token: str) -> None:
        self._session_factory, self._client, self._token = session_factory, client, token
        self._key = token_hash(token)
        self._identity: Identity | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failed_at: float | None = None

    @property
    def identity(self) -> Identity | None:
        """The identity, once known."""
        return self._identity

    def start(self) -> None:
        """Load the stored identity; ask Slack in the background when there is none, or it is old."""
        stale = True
        try:
            with transaction(self._session_factory) as session:
                row = session.exec(select(BotIdentity).where(BotIdentity.token_hash == self._key)).first()
                if row is not None:
                    self._identity = _identity_of(row)
                    stale = utcnow() - row.fetched_at > MAX_AGE
        except Exception as exc:  # no table yet (an unmigrated database): ask Slack, keep it in memory
            logger.warning("could not read the stored bot identity (%s)", type(exc).__name__)
        if stale:
            self.refresh()

    def refresh(self) -> threading.Thread | None:
        """Ask auth.test in a background thread, unless one is asking already; the thread, when one started."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return None
            if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS:
                return None
            self._thread = threading.Thread(target=self._fetch, name="ctobot-identity", daemon=True)
            self._thread.start()
            return self._thread

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait for a refresh in progress (tests, the CLI); whether the identity is known."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._identity is not None

    def _fetch(self) -> None:
        quick = WebClient(token=self._token, base_url=self._client.base_url, timeout=AUTH_TEST_TIMEOUT,
                          logger=self._client.logger)
        try:
            answer = quick.auth_test()
        except Exception as exc:
            logger.warning("auth.test failed (%s); requests are served with the token alone until it answers",
                           type(exc).__name__)
            self._failed_at = time.monotonic()
            return
        identity = Identity(team_id=answer.get("team_id") or "", team_name=answer.get("team") or "",
                            enterprise_id=answer.get("enterprise_id"), url=answer.get("url") or "",
                            bot_id=answer.get("bot_id"), bot_user_id=answer.get("user_id"),
                            scopes=answer.headers.get("x-oauth-scopes") or "")
        self._identity, self._failed_at = identity, None
        try:
            self._store(identity)
        except Exception as exc:
            logger.warning("could not store the bot identity (%s); it is kept in memory", type(exc).__name__)
        logger.info("bot identity: %s in workspace %s", identity.bot_user_id, identity.team_id)

    def _store(self, identity: Identity) -> None:
        with transaction(self._session_factory) as session:
            row = session.exec(select(BotIdentity).where(BotIdentity.token_hash == self._key)).first()
            if row is None:
                row = BotIdentity(token_hash=self._key)
                if not insert_once(session, row):
                    row = session.exec(select(BotIdentity).where(BotIdentity.token_hash == self._key)).one()
            row.team_id, row.team_name, row.enterprise_id = identity.team_id, identity.team_name, identity.enterprise_id
            row.url, row.bot_id, row.bot_user_id = identity.url[:200], identity.bot_id, identity.bot_user_id
            row.scopes, row.fetched_at = identity.scopes[:2000], utcnow()
            session.add(row)

    def __call__(self, *, context: BoltContext, enterprise_id: str | None, team_id: str | None,
                 user_id: str | None, **_: Any) -> AuthorizeResult:
        """Bolt's authorize: the stored identity and the token, never a Slack call."""
        identity = self._identity
        if identity is None:
            self.refresh()  # at most one thread, at most once a minute after a failure
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                                   bot_token=self._token)
        return AuthorizeResult(enterprise_id=identity.enterprise_id, team_id=identity.team_id or team_id,
                               team=identity.team_name, url=identity.url, bot_id=identity.bot_id,
                               bot_user_id=identity.bot_user_id, bot_token=self._token,
                               bot_scopes=identity.scopes or None, user_id=user_id)


def _identity_of(row: BotIdentity) -> Identity:
    return Identity(team_id=row.team_id, team_name=row.team_name, enterprise_id=row.enterprise_id, url=row.url,
                    bot_id=row.bot_id, bot_user_id=row.bot_user_id, scopes=row.scopes)


class StoredInstallationAuthorize(Authorize):
    """OAuth mode's authorize: the workspace's stored installation (or bot), kept CACHE_SECONDS per process.

    Bolt's InstallationStoreAuthorize calls auth.test on every request (its cache is off by default) or, with the
    cache on, on each token's first request; everything auth.test would add is stored with the installation.
    """

    def __init__(self, store: InstallationStore, *, ttl: float = CACHE_SECONDS) -> None:
        self._store, self._ttl = store, ttl
        self._cache: dict[tuple[str | None, str | None, bool], tuple[float, AuthorizeResult]] = {}
        self._lock = threading.Lock()

    def forget(self, *, enterprise_id: str | None = None, team_id: str | None = None) -> None:
        """Drop what is kept for a workspace (after app_uninstalled or tokens_revoked)."""
        with self._lock:
            for key in [k for k in self._cache if k[1] == team_id or (enterprise_id and k[0] == enterprise_id)]:
                del self._cache[key]

    def __call__(self, *, context: BoltContext, enterprise_id: str | None, team_id: str | None,
                 user_id: str | None, **_: Any) -> AuthorizeResult | None:
        enterprise_install = bool(context.is_enterprise_install)
        key = (enterprise_id, None if enterprise_install else team_id, enterprise_install)
        now = time.monotonic()
        with self._lock:
            kept = self._cache.get(key)
        if kept is not None and now - kept[0] < self._ttl:
            return _for_user(kept[1], user_id)
        result = self._read(enterprise_id=enterprise_id, team_id=team_id, enterprise_install=enterprise_install)
        if result is None:
            return None
        with self._lock:
            self._cache[key] = (now, result)
        return _for_user(result, user_id)

    def _read(self, *, enterprise_id: str | None, team_id: str | None,
              enterprise_install: bool) -> AuthorizeResult | None:
        installation = self._store.find_installation(enterprise_id=enterprise_id, team_id=team_id,
                                                     is_enterprise_install=enterprise_install)
        if installation is not None and installation.bot_token:
            return AuthorizeResult(enterprise_id=installation.enterprise_id, team_id=installation.team_id,
                                   team=installation.team_name, url=installation.enterprise_url,
                                   bot_id=installation.bot_id, bot_user_id=installation.bot_user_id,
                                   bot_token=installation.bot_token, bot_scopes=installation.bot_scopes)
        bot = self._store.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                   is_enterprise_install=enterprise_install)
        if bot is None or not bot.bot_token:
            return None
        return AuthorizeResult(enterprise_id=bot.enterprise_id, team_id=bot.team_id, team=bot.team_name,
                               bot_id=bot.bot_id, bot_user_id=bot.bot_user_id, bot_token=bot.bot_token,
                               bot_scopes=bot.bot_scopes)


def _for_user(result: AuthorizeResult, user_id: str | None) -> AuthorizeResult:
    """A copy of the workspace's result for this request's user (Bolt sets the context from it)."""
    return AuthorizeResult(enterprise_id=result.enterprise_id, team_id=result.team_id, team=result.team,
                           url=result.url, bot_id=result.bot_id, bot_user_id=result.bot_user_id,
                           bot_token=result.bot_token, bot_scopes=result.bot_scopes, user_id=user_id)
