"""The WSGI application: Slack's endpoints through Bolt, plus /healthz.

Before Bolt sees a request to /slack/events, the edge bounds its size, refuses a malformed or wrong signature
(401), parses the body once by its fields and refuses anything that is not the shape of a Slack request (400).
Bolt is then handed that parse (EdgeBoltRequest), so it never parses the body itself.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot.app import EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH
from bot.models.health import HEALTH_ROW_ID
from bot.slack.envelope import parse_slack_body

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; refuse anything bigger before reading it.
# What Slack sends: Unix seconds, and "v0=" with a hex HMAC-SHA256. Anything else is refused before it is used.
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
HEALTH_WRITE = text("INSERT INTO health_check (id, checked_at) VALUES (:id, :now) "
                    "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")

StartResponse = Callable[..., Any]


class EdgeBoltRequest(BoltRequest):
    """A BoltRequest whose body the edge parsed (bot.slack.envelope), not Bolt's substring sniffing."""

    def __init__(self, *, raw_body: str, body: dict[str, Any], query: Any = None, headers: Any = None,
                 context: dict[str, Any] | None = None) -> None:
        super().__init__(body="", query=query, headers=headers, context=context)
        self.raw_body = raw_body  # what Bolt's own signature check reads
        self.body = body
        self.context = build_context(self.context, body)

    def to_copyable(self) -> EdgeBoltRequest:  # Bolt copies a request this way for lazy listeners
        copied = EdgeBoltRequest(raw_body=self.raw_body, body=self.body, query=self.query, headers=self.headers,
                                 context=self.context.to_copyable())
        copied.lazy_only, copied.lazy_function_name = self.lazy_only, self.lazy_function_name
        return copied


def create_wsgi_app(bolt_app: App, *, engine: Engine,
                    signing_secret: str | None) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Route /slack/* to Bolt and answer /healthz from the database."""
    oauth = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    oauth_paths = {INSTALL_PATH, REDIRECT_PATH} if bolt_app.oauth_flow is not None else set()

    def events(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            return _plain(start_response, "413 Payload Too Large", "payload too large")
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            raw_body = body.decode("utf-8")
        except UnicodeDecodeError:  # Slack always sends UTF-8
            return _plain(start_response, "400 Bad Request", "bad request")
        if verifier is not None and not _signed(verifier, body, environ):
            return _plain(start_response, "401 Unauthorized", "invalid signature")
        parsed = parse_slack_body(body, environ.get("CONTENT_TYPE", ""))
        if parsed is None:
            return _plain(start_response, "400 Bad Request", "not a Slack request")
        if parsed.get("type") == "app_rate_limited":
            logger.warning("Slack is not sending events to this app for workspace %s: over the Events API rate "
                           "limit in minute %s", parsed.get("team_id"), parsed.get("minute_rate_limited"))
            return _plain(start_response, "200 OK", "")
        wsgi_request = WsgiHttpRequest(environ)
        try:
            response = bolt_app.dispatch(EdgeBoltRequest(raw_body=raw_body, body=parsed,
                                                         query=wsgi_request.query_string,
                                                         headers=wsgi_request.get_headers()))
        except Exception as exc:  # a body that passed the edge but that Bolt still cannot route
            logger.info("refused a request Bolt could not handle (%s)", type(exc).__name__)
            return _plain(start_response, "400 Bad Request", "bad request")
        wsgi_response = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(wsgi_response.status, wsgi_response.get_headers())
        return wsgi_response.get_body()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _healthz(engine, start_response)
        if path == EVENTS_PATH and method == "POST":
            return events(environ, start_response)
        if path in oauth_paths and method == "GET":
            return oauth(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")

    return application


def _signed(verifier: SignatureVerifier, body: bytes, environ: dict[str, Any]) -> bool:
    """Slack's signature check, on headers of the shape Slack sends (slack_sdk raises on others)."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
        return False
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def _healthz(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    """200 only when the database takes a write: one row (health_check) is rewritten and committed."""
    try:
        conn = engine.connect()
    except Exception as exc:
        logger.warning("healthz: database unreachable: %s", type(exc).__name__)
        return _json(start_response, "503 Service Unavailable", {"ok": False, "database": "unreachable"})
    with conn:
        try:
            with conn.begin():
                conn.execute(HEALTH_WRITE, {"id": HEALTH_ROW_ID, "now": int(time.time())})
        except Exception as exc:
            logger.warning("healthz: database does not take writes: %s", type(exc).__name__)
            return _json(start_response, "503 Service Unavailable", {"ok": False, "database": "read-only"})
    return _json(start_response, "200 OK", {"ok": True, "database": "ok"})


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _plain(start_response: StartResponse, status: str, message: str) -> Iterable[bytes]:
    body = message.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
