"""Requests signed exactly as Slack signs them, sent to the app over a real HTTP connection or, for listener
tests, handed in-process to the same WSGI callable the server runs (bot/web.py's edge checks included).

The payload builders follow the shapes Slack sends (see slackapi/bolt-python's scenario tests); pass
``fake=`` (a FakeSlack) so that response URLs in commands and actions point at the fake and are recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import itertools
import json
import random
import select
import sys
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:
    from tests.fakes.slack_api import FakeSlack

FORM = "application/x-www-form-urlencoded"
VERIFICATION_TOKEN = "fake-verification-token"  # Slack's deprecated per-app token, still sent in payloads


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers Slack adds: HMAC-SHA256 of "v0:{timestamp}:{raw body}" keyed by the signing secret."""
    basestring = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float = 30.0) -> Response:
    """POST over http.client; any status is returned, never raised.

    The body goes out in chunks and sending stops as soon as the server answers, so that a server which
    refuses a large body early (413) and closes the connection still has its answer read.
    """
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.putrequest("POST", target, skip_accept_encoding=True)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            conn.putheader(key, value)
        conn.endheaders()
        for start in range(0, len(body), 65536):
            if select.select([conn.sock], [], [], 0)[0]:
                break
            try:
                conn.send(body[start:start + 65536])
            except (BrokenPipeError, ConnectionResetError):
                break
        response = conn.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def wsgi_post(app: Any, path: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST in-process: `app` called as a WSGI server would call it, with the same headers and body."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2], "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False}
    for key, value in headers.items():
        name = key.upper().replace("-", "_")
        if name == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif name != "CONTENT_LENGTH":
            environ[f"HTTP_{name}"] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["headers"] = int(status.split()[0]), {k.lower(): v for k, v in response_headers}
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return Response(answer["status"], answer["headers"], payload)


def view_state(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{block_id: {action_id: value}} -> a view's "state"; a str value stands for a plain_text_input."""
    return {"values": {block: {action: value if isinstance(value, dict) else
                               {"type": "plain_text_input", "value": value}
                               for action, value in actions.items()}
                       for block, actions in values.items()}}


class SlackSender:
    """Sends what Slack would send to the app at ``base_url + path``."""

    def __init__(self, base_url: str, signing_secret: str, *, team_id: str = "T_TEST",
                 team_domain: str = "test", fake: FakeSlack | None = None, path: str = "/slack/events",
                 api_app_id: str = "A_TEST", wsgi: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.wsgi = wsgi  # when set, requests are handed to this WSGI callable in-process, not sent over HTTP
        self.signing_secret = signing_secret
        self.team_id, self.team_domain, self.api_app_id = team_id, team_domain, api_app_id
        self.fake = fake
        self.path = path
        self._seq = itertools.count(1)

    # ------------------------------------------------------------------ transport

    def post(self, body: bytes, content_type: str, *, timestamp: int | None = None,
             signature: str | None = None, extra_headers: dict[str, str] | None = None) -> Response:
        """Send `body` signed correctly, unless `signature` is given (sent as is)."""
        timestamp = int(time.time()) if timestamp is None else int(timestamp)
        headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
                   **sign(self.signing_secret, body, timestamp)}
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        headers.update(extra_headers or {})
        if self.wsgi is not None:
            return wsgi_post(self.wsgi, self.path, body, headers)
        return http_post(self.base_url + self.path, body, headers)

    def post_json(self, payload: dict[str, Any], extra_headers: dict[str, str] | None = None) -> Response:
        return self.post(json.dumps(payload).encode(), "application/json", extra_headers=extra_headers)

    def post_payload(self, payload: dict[str, Any]) -> Response:
        """Interactivity: a form with one field, payload=<JSON>."""
        response = self.post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
        if payload.get("type") == "view_submission":
            self.check_answer(response, "ack:view_submission", view=True)
        return response

    def check_answer(self, response: Response, where: str, *, view: bool = False) -> None:
        """Validate what the app answered as Slack would (a message, or a view_submission's response_action);
        a payload Slack would refuse is recorded on the fake, which fails the test."""
        if self.fake is None or response.status != 200 or \
                not response.headers.get("content-type", "").startswith("application/json"):
            return
        from tests.fakes import block_kit

        answer = response.json()
        if not isinstance(answer, dict):
            self.fake.check(where, ["[ERROR] the answer must be a JSON object [json-pointer:/]"])
        elif not view:
            self.fake.check(where, block_kit.message_errors(answer))
        elif answer.get("response_action") in ("update", "push"):
            self.fake.check(where, block_kit.view_errors(answer.get("view")))
        elif answer.get("response_action") == "errors":
            errors = answer.get("errors")
            bad = not isinstance(errors, dict) or not errors or not all(
                isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
            self.fake.check(where, ["[ERROR] errors must map block ids to messages [json-pointer:/errors]"]
                            if bad else [])

    # ------------------------------------------------------------------ ids and common parts

    def trigger_id(self) -> str:
        return f"{int(time.time() * 1000)}.{random.randint(10**8, 10**9 - 1)}.{uuid.uuid4().hex}"

    def _response_url(self, kind: str, response_url: str | None) -> str:
        if response_url is not None:
            return response_url
        n = next(self._seq)
        if self.fake is not None:
            return self.fake.response_url(f"{kind}-{n}")
        return f"https://hooks.slack.com/{kind}/{self.team_id}/{n}/{uuid.uuid4().hex[:24]}"

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    def _user(self, user_id: str) -> dict[str, Any]:
        name = user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    @staticmethod
    def _ts() -> str:
        return f"{time.time():.6f}"

    # ------------------------------------------------------------------ what Slack sends

    def url_verification(self, challenge: str) -> Response:
        return self.post_json({"token": VERIFICATION_TOKEN, "challenge": challenge,
                               "type": "url_verification"})

    def command(self, command: str, text: str = "", **kwargs: Any) -> Response:
        response = self.post(urlencode(self.command_fields(command, text, **kwargs)).encode(), FORM)
        self.check_answer(response, f"ack:{command}")
        return response

    def command_fields(self, command: str, text: str = "", *, user_id: str = "U1", channel_id: str = "C1",
                       user_name: str = "alice", channel_name: str = "general", trigger_id: str | None = None,
                       response_url: str | None = None) -> list[tuple[str, str]]:
        """A slash command's form fields, in Slack's order (a Socket Mode envelope carries them as a dict)."""
        return [
            ("token", VERIFICATION_TOKEN), ("team_id", self.team_id), ("team_domain", self.team_domain),
            ("channel_id", channel_id), ("channel_name", channel_name), ("user_id", user_id),
            ("user_name", user_name), ("command", command), ("text", text), ("api_app_id", self.api_app_id),
            ("is_enterprise_install", "false"),
            ("response_url", self._response_url("commands", response_url)),
            ("trigger_id", trigger_id or self.trigger_id()),
        ]

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str = "http_timeout", authorizations_user_id: str = "U_BOT") -> Response:
        """An Events API delivery (event_callback envelope) of `event`; event_ts is filled in if absent."""
        envelope = self.event_callback(event, event_id=event_id, authorizations_user_id=authorizations_user_id)
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post_json(envelope, extra_headers=headers)

    def event_callback(self, event: dict[str, Any], *, event_id: str | None = None,
                       authorizations_user_id: str = "U_BOT") -> dict[str, Any]:
        """The event_callback wrapping `event`, as Slack posts it (or puts it in a Socket Mode envelope)."""
        event = {**event, "event_ts": event.get("event_ts") or event.get("ts") or self._ts()}
        return {
            "token": VERIFICATION_TOKEN, "team_id": self.team_id, "context_team_id": self.team_id,
            "context_enterprise_id": None, "api_app_id": self.api_app_id, "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": self.team_id, "is_bot": True,
                                "user_id": authorizations_user_id, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }

    def view_submission(self, view: dict[str, Any], *, user_id: str = "U1") -> Response:
        """`view` needs at least callback_id and state; the rest defaults as Slack fills it in."""
        view_id = view.get("id") or f"V{uuid.uuid4().hex[:10].upper()}"
        full = {"id": view_id, "team_id": self.team_id, "type": "modal", "blocks": [], "private_metadata": "",
                "callback_id": "", "state": {"values": {}}, "hash": f"{int(time.time())}.{view_id.lower()}",
                "title": {"type": "plain_text", "text": "Modal"}, "clear_on_close": False,
                "notify_on_close": False, "close": None, "submit": {"type": "plain_text", "text": "Submit"},
                "previous_view_id": None, "root_view_id": view_id, "app_id": self.api_app_id,
                "external_id": "", "app_installed_team_id": self.team_id, "bot_id": "B_BOT", **view}
        return self.post_payload({
            "type": "view_submission", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": VERIFICATION_TOKEN, "trigger_id": self.trigger_id(),
            "view": full, "response_urls": [], "is_enterprise_install": False, "enterprise": None,
        })

    def block_action(self, action: dict[str, Any], **kwargs: Any) -> Response:
        """A click on `action` (needs action_id) in a message, or in `view` (a modal or Home tab) if given."""
        return self.post_payload(self.block_actions_payload(action, **kwargs))

    def block_actions_payload(self, action: dict[str, Any], *, user_id: str = "U1", channel_id: str = "C1",
                              message: dict[str, Any] | None = None, view: dict[str, Any] | None = None,
                              container: dict[str, Any] | None = None,
                              response_url: str | None = None) -> dict[str, Any]:
        """The block_actions payload of a click, as block_action() sends it."""
        action = {"type": "button", "block_id": "b", "action_ts": self._ts(), **action}
        payload: dict[str, Any] = {
            "type": "block_actions", "user": self._user(user_id), "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN, "trigger_id": self.trigger_id(), "team": self._team(),
            "enterprise": None, "is_enterprise_install": False, "actions": [action], "state": {"values": {}},
        }
        if view is not None:
            payload["container"] = container or {"type": "view", "view_id": view.get("id", "")}
            payload["view"] = view
        else:
            message = {"type": "message", "user": "U_BOT", "bot_id": "B_BOT", "text": "", "ts": self._ts(),
                       **(message or {})}
            payload["container"] = container or {"type": "message", "message_ts": message["ts"],
                                                 "channel_id": channel_id, "is_ephemeral": False}
            payload.update(channel={"id": channel_id, "name": "general"}, message=message,
                           response_url=self._response_url("actions", response_url))
        return payload

    def message_shortcut(self, callback_id: str, message: dict[str, Any], *, user_id: str = "U1",
                         channel_id: str = "C1", response_url: str | None = None) -> Response:
        """A message shortcut run on `message` (needs ts; type, text and user default)."""
        message = {"type": "message", "text": "", "user": "U2", "team": self.team_id, **message}
        return self.post_payload({
            "type": "message_action", "token": VERIFICATION_TOKEN, "action_ts": self._ts(),
            "team": self._team(),
            "user": self._user(user_id), "channel": {"id": channel_id, "name": "general"},
            "is_enterprise_install": False, "enterprise": None, "callback_id": callback_id,
            "trigger_id": self.trigger_id(), "response_url": self._response_url("app", response_url),
            "message_ts": message["ts"], "message": message,
        })
