"""The WSGI application: Slack's endpoints through Bolt, plus /healthz."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot.app import EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH
from bot.slack.envelope import looks_like_slack

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; refuse anything bigger before reading it.

StartResponse = Callable[..., Any]


def create_wsgi_app(bolt_app: App, *, engine: Engine,
                    signing_secret: str | None) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Route /slack/* to Bolt and answer /healthz from the database."""
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    oauth_paths = {INSTALL_PATH, REDIRECT_PATH} if bolt_app.oauth_flow is not None else set()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _healthz(engine, start_response)
        if path == EVENTS_PATH and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                return _plain(start_response, "413 Payload Too Large", "payload too large")
            body = environ["wsgi.input"].read(length) if length else b""
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:  # Slack always sends UTF-8
                return _plain(start_response, "400 Bad Request", "bad request")
            # Checked here as well as in Bolt, because Bolt parses the body before it checks the signature.
            if verifier is not None and not verifier.is_valid(
                body=body,
                timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                signature=environ.get("HTTP_X_SLACK_SIGNATURE", ""),
            ):
                return _plain(start_response, "401 Unauthorized", "invalid signature")
            if not looks_like_slack(body, environ.get("CONTENT_TYPE", "")):
                return _plain(start_response, "400 Bad Request", "not a Slack request")
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                return slack(environ, start_response)
            except Exception as exc:  # a body Bolt cannot parse: Slack never sends one
                logger.info("refused an unparseable request body (%s)", type(exc).__name__)
                return _plain(start_response, "400 Bad Request", "bad request")
        if path in oauth_paths and method == "GET":
            return slack(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")

    return application


def _healthz(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        logger.warning("healthz: database unreachable: %s", type(exc).__name__)
        return _json(start_response, "503 Service Unavailable", {"ok": False, "database": "unreachable"})
    return _json(start_response, "200 OK", {"ok": True, "database": "ok"})


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _plain(start_response: StartResponse, status: str, message: str) -> Iterable[bytes]:
    body = message.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
