"""A fake of the Slack Web API served on 127.0.0.1, for tests that drive the app over real HTTP.

Point slack_sdk at it with ``WebClient(token="xoxb-...", base_url=fake.url)`` (or SLACK_API_URL=fake.url).
Every API call is recorded in ``fake.calls``; messages, users, views and uploads are kept as state, so
what the app posted can be read back the way Slack would show it.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.fakes import block_kit
from tests.helpers.servers import serve_in_thread, stop_server

Args = dict[str, Any]
# Arguments that arrive as JSON strings when sent form-encoded; they are recorded decoded.
JSON_ARGS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"})
NO_TOKEN_METHODS = frozenset({"oauth.v2.access", "apps.connections.open"})
DEFAULT_SCOPES = ("app_mentions:read,channels:history,channels:read,chat:write,commands,files:write,"
                  "groups:history,groups:read,im:write,reactions:read,users:read")
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Call:
    method: str
    args: Args
    token: str | None
    headers: dict[str, str]
    at: float


class SlackError(Exception):
    """Answered as HTTP 200 {"ok": false, "error": <message>, **extra}, as Slack does."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.extra = extra


@dataclass
class Violation:
    """A payload real Slack would have refused: where it was sent and Slack's messages about it."""
    where: str  # an API method, "response_url", or "ack:<what the app answered>"
    messages: list[str]


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = str(ts).partition(".")
    return int(seconds), int(micros.ljust(6, "0")[:6])


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802
        self.server.fake._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class FakeSlack:
    def __init__(self, *, team_id: str = "T_TEST", team_name: str = "Test Workspace",
                 team_domain: str = "test", bot_user_id: str = "U_BOT", bot_id: str = "B_BOT",
                 app_id: str = "A_TEST") -> None:
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.valid_tokens: set[str] | None = None  # None: any xoxb-/xoxp- token; a set: only those
        self.oauth_codes: dict[str, Args] = {}  # code -> fields overriding the default install payload
        self.client_id: str | None = None  # when set, oauth.v2.access checks client_id / client_secret
        self.client_secret: str | None = None
        self.socket_mode: Any = None  # a tests.fakes.socket_mode.SocketModeServer: apps.connections.open works
        self.valid_app_tokens: set[str] | None = None  # None: any xapp- token; a set: only those
        self.clock: Callable[[], float] = time.time  # drives generated ts values and users' tz offsets
        self.calls: list[Call] = []
        # Payloads real Slack would refuse; the fake_slack fixture fails any test that leaves one here.
        self.violations: list[Violation] = []
        self.responses: list[Args] = []  # posts to response_url()s: {"name", "json", "at"}
        self.ephemerals: list[Args] = []
        self.uploads: list[Args] = []  # {"file_id", "filename", "length", "data", "title", "channel_id", ...}
        self.views: dict[str, Args] = {}  # view id -> latest view object
        self.home_views: dict[str, Args] = {}  # user id -> published Home tab
        self.users: dict[str, Args] = {}
        self.channels: dict[str, Args] = {}
        self.members: dict[str, list[str]] = {}
        self._messages: dict[str, list[Args]] = {}
        self._installs: dict[str, Args] = {}  # tokens issued by oauth.v2.access -> their workspace
        self._slow: dict[str, float] = {}
        self._faults: dict[str, list[tuple[int, Any, dict[str, str], str | None]]] = {}  # (…, only this channel)
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1)
        self._last_us = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_user(bot_user_id, name="ctobot", real_name="ctobot", is_bot=True)

    # lifecycle

    def start(self) -> FakeSlack:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = serve_in_thread(self._server, "FakeSlack")
        return self

    def stop(self) -> None:
        if self._server is not None:
            stop_server(self._server, self._thread)
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/response/{name}"

    # recording

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` were received; return all calls to it so far."""
        return self._wait(lambda: self.calls_to(method), count, timeout, f"call(s) to {method}")

    def wait_for_response(self, count: int = 1, timeout: float = 5.0) -> list[Args]:
        """Block until `count` posts to response URLs were received; return all of them so far."""
        return self._wait(lambda: list(self.responses), count, timeout, "post(s) to a response_url")

    def _wait(self, get: Callable[[], list[Any]], count: int, timeout: float, what: str) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := get()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {what} within {timeout}s, got {len(found)}; "
                                         f"calls received: {[call.method for call in self.calls]}")
                self._cond.wait(left)
            return found

    def reset(self) -> None:
        """Forget recorded calls, responses and ephemerals; state (messages, users, views) and faults stay."""
        with self._cond:
            self.calls.clear()
            self.responses.clear()
            self.ephemerals.clear()

    # validation: what real Slack refuses

    def check(self, where: str, messages: list[str]) -> list[str]:
        """Record `messages` (Slack's reasons for refusing a payload sent to `where`), if any; return them."""
        if messages:
            with self._cond:
                self.violations.append(Violation(where, list(messages)))
        return messages

    def _check_message(self, method: str, args: Args) -> None:
        errors = self.check(method, block_kit.message_errors(args))
        if errors:
            too_long = all("json-pointer:/text]" in e for e in errors)
            raise SlackError("msg_too_long" if too_long else "invalid_blocks", errors=errors,
                             response_metadata={"messages": errors})

    def _check_view(self, method: str, view: Any) -> None:
        errors = self.check(method, block_kit.view_errors(view))
        if errors:
            raise SlackError("invalid_arguments", response_metadata={"messages": errors})

    # state

    def add_user(self, user_id: str, *, name: str | None = None, real_name: str | None = None,
                 tz: str = "Europe/London", is_bot: bool = False, **fields: Any) -> Args:
        name = name or user_id.lower()
        real_name = real_name or name.replace(".", " ").title()
        first, _, last = real_name.partition(" ")
        profile = {"real_name": real_name, "real_name_normalized": real_name, "display_name": name,
                   "display_name_normalized": name, "first_name": first, "last_name": last}
        user = {"id": user_id, "team_id": self.team_id, "name": name, "deleted": False,
                "real_name": real_name, "tz": tz, "is_bot": is_bot, "is_app_user": False, "profile": profile,
                **fields}
        with self._cond:
            self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str | None = None, *, is_private: bool = False,
                    is_ext_shared: bool = False, **fields: Any) -> Args:
        with self._cond:
            channel = self._channel(channel_id)
            channel.update(fields, is_private=is_private, is_group=is_private, is_ext_shared=is_ext_shared,
                           is_shared=is_ext_shared, name=name or channel["name"])
            return channel

    def set_members(self, channel: str, user_ids: list[str]) -> None:
        with self._cond:
            self._channel(channel)
            self.members[channel] = list(user_ids)

    def add_message(self, channel: str, text: str, *, user: str, thread_ts: str | None = None,
                    ts: str | None = None, **fields: Any) -> str:
        """Seed a message as if someone had posted it; returns its ts."""
        with self._cond:
            ts = ts or self._next_ts()
            seconds, micros = _ts_key(ts)
            self._last_us = max(self._last_us, seconds * 1_000_000 + micros)
            message = {"type": "message", "user": user, "text": text, "ts": ts, "team": self.team_id,
                       **fields}
            if thread_ts:
                message["thread_ts"] = thread_ts
            self._store(channel, message)
            return ts

    def messages(self, channel: str) -> list[Args]:
        """Every message in the channel, thread replies included, oldest first."""
        with self._cond:
            return [self._public(channel, m) for m in self._messages.get(channel, [])]

    def thread(self, channel: str, ts: str) -> list[Args]:
        """The parent message (when known) and its replies, oldest first."""
        with self._cond:
            return [self._public(channel, m) for m in self._messages.get(channel, [])
                    if m["ts"] == ts or m.get("thread_ts") == ts]

    # fault injection; besides API method names, "upload" and "response_url" name those endpoints

    def slow(self, method: str, seconds: float) -> None:
        """Delay every call to `method` ("*": every request) by `seconds`; 0 removes the delay."""
        with self._cond:
            self._slow[method] = seconds

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1, *, channel: str | None = None) -> None:
        """The next `times` calls answer 429 with Retry-After, as Slack does; with `channel`, only calls whose
        `channel` argument is that channel (chat.postMessage's limit is per channel), others go through."""
        body = {"ok": False, "error": "ratelimited"}
        self._add_fault(method, times, 429, body, {"Retry-After": str(retry_after)}, channel=channel)

    def fail(self, method: str, times: int = 1, status: int = 500,
             body: str | bytes | Args = "<html>oops</html>", *, channel: str | None = None) -> None:
        """The next `times` calls (to `channel` only, when given) answer `status` and `body` (a dict is sent as
        JSON)."""
        self._add_fault(method, times, status, body, {}, channel=channel)

    def _add_fault(self, method: str, times: int, status: int, body: Any, headers: dict[str, str], *,
                   channel: str | None = None) -> None:
        with self._cond:
            self._faults.setdefault(method, []).extend([(status, body, headers, channel)] * times)

    def _faulted(self, req: _Handler, method: str, args: Args | None = None) -> bool:
        """Apply slow() / rate_limit() / fail() to this request; True when a fault answered it."""
        with self._cond:
            delay = self._slow.get(method, self._slow.get("*", 0.0))
            queue = self._faults.get(method) or self._faults.get("*") or []
            channel = (args or {}).get("channel")
            index = next((i for i, f in enumerate(queue) if f[3] is None or f[3] == channel), None)
            fault = queue.pop(index) if index is not None else None
        if delay:
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        if fault is None:
            return False
        status, body, headers, _ = fault
        if isinstance(body, dict):
            self._send(req, status, json.dumps(body).encode(), JSON_TYPE, headers)
        else:
            self._send(req, status, body.encode() if isinstance(body, str) else body, "text/html", headers)
        return True

    # HTTP plumbing

    def _handle(self, req: _Handler) -> None:
        try:
            parts = urlsplit(req.path)
            raw = req.rfile.read(int(req.headers.get("Content-Length") or 0))
            if parts.path.startswith("/api/"):
                self._handle_api(req, parts.path[len("/api/"):], raw, parts.query)
            elif parts.path.startswith("/upload/"):  # the files.getUploadURLExternal URL: raw bytes
                if not self._faulted(req, "upload"):
                    file_id = parts.path.split("/")[-1]
                    with self._cond:
                        upload = next((u for u in self.uploads if u["file_id"] == file_id), {})
                        upload["data"] = raw
                    status, body = (200, f"OK - {len(raw)}") if upload.get("file_id") else (404, "not found")
                    self._send(req, status, body.encode(), "text/plain")
            elif parts.path.startswith("/response/"):  # what Bolt's respond() posts: JSON
                payload = json.loads(raw) if raw.startswith(b"{") else raw.decode()
                errors = self.check("response_url", block_kit.message_errors(payload)
                                    if isinstance(payload, dict) else [])
                with self._cond:
                    self.responses.append({"name": parts.path[len("/response/"):], "at": time.time(),
                                           "json": payload, "refused": bool(errors)})
                    self._cond.notify_all()
                if not self._faulted(req, "response_url"):
                    if errors:  # as incoming webhooks answer a payload they refuse
                        self._send(req, 400, b"invalid_blocks", "text/plain")
                    else:
                        self._send(req, 200, b"ok", "text/plain")
            else:
                self._send(req, 404, b"not found", "text/plain")
        except Exception as exc:  # a bug in the fake: make it visible in the test's failure
            self._send(req, 500, f"FakeSlack error: {exc!r}".encode(), "text/plain")
            raise

    def _handle_api(self, req: _Handler, method: str, raw: bytes, query: str) -> None:
        error = None
        try:
            args = self._parse_args(req.headers.get("Content-Type", ""), raw, query)
        except ValueError:
            args, error = {}, "invalid_json"
        token = None
        auth = req.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth[len("Bearer "):].strip()
        elif auth.startswith("Basic "):  # oauth.v2.access sends client_id:client_secret this way
            client_id, _, secret = base64.b64decode(auth[len("Basic "):]).decode().partition(":")
            args.update(client_id=client_id, client_secret=secret)
        token = token or args.pop("token", None)
        with self._cond:
            self.calls.append(Call(method, args, token, dict(req.headers.items()), time.time()))
            self._cond.notify_all()
        if self._faulted(req, method, args):
            return
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        try:
            if handler is None:
                raise SlackError("unknown_method")
            if error:
                raise SlackError(error)
            with self._cond:
                identity = None if method in NO_TOKEN_METHODS else self._identity(token)
                result = {"ok": True, **handler(args, identity, token)}
        except SlackError as exc:
            result = {"ok": False, "error": str(exc), **exc.extra}
        self._send(req, 200, json.dumps(result).encode(), JSON_TYPE)

    @staticmethod
    def _parse_args(content_type: str, raw: bytes, query: str) -> Args:
        # slack_sdk labels even body-less requests application/json; methods with params go form-encoded.
        args: Args = dict(parse_qsl(query, keep_blank_values=True))
        if raw and "json" in content_type:
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw.decode(), keep_blank_values=True))
        for key in JSON_ARGS & args.keys():
            if isinstance(args[key], str) and args[key][:1] in ("[", "{"):
                args[key] = json.loads(args[key])
        return args

    @staticmethod
    def _send(req: _Handler, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        try:
            req.send_response(status)
            req.send_header("Content-Type", content_type)
            req.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                req.send_header(key, value)
            req.end_headers()
            req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left (a slow() call)
            pass

    # internals, called with the lock held

    def _identity(self, token: str | None) -> Args:
        if not token:
            raise SlackError("not_authed")
        if token in self._installs:
            return self._installs[token]
        if self.valid_tokens is None:
            known = token.startswith(("xoxb-", "xoxp-"))
        else:
            known = token in self.valid_tokens
        if not known:
            raise SlackError("invalid_auth")
        return {"team_id": self.team_id, "team": self.team_name, "domain": self.team_domain,
                "user_id": self.bot_user_id, "bot_id": self.bot_id}

    def _next_ts(self) -> str:
        self._last_us = max(int(self.clock() * 1_000_000), self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010d}"

    def _channel(self, channel_id: str) -> Args:
        # Unknown channels spring into existence: tests need not seed every channel they mention.
        if channel_id not in self.channels:
            kind = channel_id[:1]
            self.channels[channel_id] = {
                "id": channel_id, "name": channel_id.lower(), "is_channel": kind == "C",
                "is_group": kind == "G", "is_im": kind == "D", "is_mpim": False, "is_private": kind != "C",
                "is_archived": False, "is_general": False, "is_member": True, "is_shared": False,
                "is_ext_shared": False, "is_org_shared": False, "context_team_id": self.team_id,
                "created": int(self.clock()),
                **({"user": channel_id[1:]} if kind == "D" else {})}
        return self.channels[channel_id]

    def _store(self, channel: str, message: Args) -> None:
        self._channel(channel)
        messages = self._messages.setdefault(channel, [])
        messages.append(message)
        messages.sort(key=lambda m: _ts_key(m["ts"]))

    def _find(self, channel: str, ts: str) -> Args:
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def _public(self, channel: str, message: Args) -> Args:
        """A copy as Slack returns it: a parent with replies carries thread_ts and reply counts."""
        out = _copy(message)
        replies = [m for m in self._messages.get(channel, [])
                   if m.get("thread_ts") == message["ts"] and m["ts"] != message["ts"]]
        if replies and not message.get("thread_ts"):
            users = sorted({m.get("user", "") for m in replies})
            out.update(thread_ts=message["ts"], reply_count=len(replies), latest_reply=replies[-1]["ts"],
                       reply_users=users, reply_users_count=len(users))
        return out

    @staticmethod
    def _require(args: Args, *names: str) -> list[Any]:
        missing = [name for name in names if not args.get(name)]
        if missing:
            raise SlackError("channel_not_found" if missing == ["channel"] else "invalid_arguments")
        return [args[name] for name in names]

    @staticmethod
    def _page(items: list[Any], args: Args, default_limit: int) -> Args:
        """Cursor pagination: the page, has_more and response_metadata.next_cursor ("" on the last page)."""
        limit = int(args.get("limit") or 0) or default_limit
        try:
            start = int(base64.b64decode(args["cursor"]).decode().split(":")[1]) if args.get("cursor") else 0
        except (ValueError, IndexError) as exc:
            raise SlackError("invalid_cursor") from exc
        more = start + limit < len(items)
        cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
        return {"page": items[start:start + limit], "has_more": more,
                "response_metadata": {"next_cursor": cursor}}

    def _channel_arg(self, args: Args) -> str:
        (channel,) = self._require(args, "channel")
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the app's DM with them
            channel = "D" + channel
        self._channel(channel)
        return channel

    def _bot_message(self, me: Args, args: Args, ts: str) -> Args:
        message = {"type": "message", "user": me["user_id"], "bot_id": me.get("bot_id"),
                   "app_id": self.app_id, "text": args.get("text", ""), "ts": ts, "team": me["team_id"]}
        message.update({key: args[key] for key in ("blocks", "attachments", "metadata", "thread_ts")
                        if args.get(key)})
        return message

    def _view(self, method: str, me: Args, view: Any, view_id: str, **extra: Any) -> Args:
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        self._check_view(method, view)
        out = {"id": view_id, "team_id": me["team_id"], "type": "modal", "blocks": [], "private_metadata": "",
               "callback_id": "", "state": {"values": {}}, "hash": f"{int(self.clock())}.{next(self._ids)}",
               "title": None, "clear_on_close": False, "notify_on_close": False, "close": None,
               "submit": None, "previous_view_id": None, "root_view_id": view_id, "app_id": self.app_id,
               "external_id": "", "app_installed_team_id": me["team_id"], "bot_id": me.get("bot_id")}
        out.update({k: v for k, v in view.items() if k not in ("id", "hash", "state")}, **extra)
        self.views[view_id] = out
        return _copy(out)

    # API methods: (args, identity of the token, token) -> the answer's fields besides "ok"

    def _api_auth_test(self, a: Args, me: Args, token: str) -> Args:
        result = {"url": f"https://{me['domain']}.slack.com/", "team": me["team"],
                  "user": self.users.get(me["user_id"], {}).get("name", "ctobot"), "team_id": me["team_id"],
                  "user_id": me["user_id"], "is_enterprise_install": False}
        if token.startswith("xoxb-"):
            result["bot_id"] = me["bot_id"]
        return result

    def _api_chat_postMessage(self, a: Args, me: Args, _: str) -> Args:
        channel = self._channel_arg(a)
        if not any(a.get(key) for key in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        self._check_message("chat.postMessage", a)
        message = self._bot_message(me, a, self._next_ts())
        self._store(channel, message)
        return {"channel": channel, "ts": message["ts"], "message": self._public(channel, message)}

    def _api_chat_update(self, a: Args, me: Args, _: str) -> Args:
        channel, ts = self._channel_arg(a), self._require(a, "ts")[0]
        message = self._find(channel, ts)
        if message.get("user") != me["user_id"]:
            raise SlackError("cant_update_message")
        self._check_message("chat.update", a)
        message.update({key: a[key] for key in ("text", "blocks", "attachments", "metadata") if key in a})
        message["edited"] = {"user": me["user_id"], "ts": self._next_ts()}
        return {"channel": channel, "ts": ts, "text": message.get("text", ""),
                "message": self._public(channel, message)}

    def _api_chat_delete(self, a: Args, me: Args, _: str) -> Args:
        channel, ts = self._channel_arg(a), self._require(a, "ts")[0]
        message = self._find(channel, ts)
        if message.get("user") != me["user_id"]:
            raise SlackError("cant_delete_message")
        self._messages[channel].remove(message)
        return {"channel": channel, "ts": ts}

    def _api_chat_postEphemeral(self, a: Args, me: Args, _: str) -> Args:
        channel, user = self._channel_arg(a), self._require(a, "user")[0]
        self._check_message("chat.postEphemeral", a)
        ts = self._next_ts()
        self.ephemerals.append({**self._bot_message(me, a, ts), "channel": channel, "user": user})
        return {"message_ts": ts}

    def _api_chat_getPermalink(self, a: Args, me: Args, _: str) -> Args:
        channel, ts = self._require(a, "channel", "message_ts")
        link = f"https://{me['domain']}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        # Lenient: any ts gets a permalink (events sent by tests are not seeded); replies link their thread.
        parent = next((m.get("thread_ts") for m in self._messages.get(channel, []) if m["ts"] == ts), None)
        if parent and parent != ts:
            link += f"?thread_ts={parent}&cid={channel}"
        return {"channel": channel, "permalink": link}

    def _api_conversations_replies(self, a: Args, me: Args, _: str) -> Args:
        channel, ts = self._require(a, "channel", "ts")
        self._find(channel, ts)
        page = self._page(self.thread(channel, ts), a, 1000)
        return {"messages": page.pop("page"), **page}

    def _api_conversations_history(self, a: Args, me: Args, _: str) -> Args:
        channel = self._channel_arg(a)
        inclusive = str(a.get("inclusive", "")).lower() in ("1", "true")
        oldest, latest = _ts_key(a.get("oldest") or "0"), _ts_key(a.get("latest") or "9999999999")

        def in_range(ts: str) -> bool:
            return oldest <= _ts_key(ts) <= latest if inclusive else oldest < _ts_key(ts) < latest

        top = [self._public(channel, m) for m in reversed(self._messages.get(channel, []))  # newest first
               if m.get("thread_ts") in (None, m["ts"]) and in_range(m["ts"])]
        if str(a.get("include_all_metadata", "")).lower() not in ("1", "true"):  # Slack's default: no metadata
            for message in top:
                message.pop("metadata", None)
        page = self._page(top, a, 100)
        return {"messages": page.pop("page"), "pin_count": 0, **page}

    def _api_conversations_info(self, a: Args, me: Args, _: str) -> Args:
        return {"channel": _copy(self._channel(self._require(a, "channel")[0]))}

    def _api_conversations_members(self, a: Args, me: Args, _: str) -> Args:
        page = self._page(self.members.get(self._channel_arg(a), []), a, 100)
        return {"members": page["page"], "response_metadata": page["response_metadata"]}

    def _api_conversations_open(self, a: Args, me: Args, _: str) -> Args:
        users = sorted(u for u in str(a.get("users", "")).split(",") if u)
        if not users:
            raise SlackError("users_list_not_supplied")
        channel = "D" + users[0] if len(users) == 1 else "G" + "".join(users)
        existed = channel in self.channels
        self._channel(channel)
        return {"no_op": existed, "already_open": existed, "channel": {"id": channel}}

    def _api_users_info(self, a: Args, me: Args, _: str) -> Args:
        user = self.users.get(self._require(a, "user")[0])
        if user is None:
            raise SlackError("user_not_found")
        now = datetime.fromtimestamp(self.clock(), ZoneInfo(user["tz"]))
        offset = now.utcoffset()
        return {"user": {**_copy(user), "tz_label": now.tzname(),
                         "tz_offset": int(offset.total_seconds()) if offset else 0}}

    def _api_views_open(self, a: Args, me: Args, _: str) -> Args:
        self._require(a, "trigger_id", "view")
        return {"view": self._view("views.open", me, a["view"], self._next_id("V"))}

    def _api_views_push(self, a: Args, me: Args, _: str) -> Args:
        self._require(a, "trigger_id", "view")
        return {"view": self._view("views.push", me, a["view"], self._next_id("V"))}

    def _api_views_update(self, a: Args, me: Args, _: str) -> Args:
        self._require(a, "view")
        external_id = a.get("external_id")
        old = self.views.get(a.get("view_id", "")) or next(
            (v for v in self.views.values() if external_id and v["external_id"] == external_id), None)
        if old is None:
            raise SlackError("not_found")
        if a.get("hash") and a["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._view("views.update", me, a["view"], old["id"],
                                    root_view_id=old["root_view_id"])}

    def _api_views_publish(self, a: Args, me: Args, _: str) -> Args:
        user_id = self._require(a, "user_id", "view")[0]
        old = self.home_views.get(user_id)
        self.home_views[user_id] = view = self._view("views.publish", me, a["view"],
                                                         old["id"] if old else self._next_id("V"))
        return {"view": view}

    def _api_files_getUploadURLExternal(self, a: Args, me: Args, _: str) -> Args:
        filename, length = self._require(a, "filename", "length")
        file_id = self._next_id("F")
        self.uploads.append({"file_id": file_id, "filename": filename, "length": int(length), "data": None,
                             "title": None, "channel_id": None, "completed": False})
        return {"upload_url": f"{self.base}/upload/v1/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, a: Args, me: Args, _: str) -> Args:
        wanted = self._require(a, "files")[0]
        by_id = {u["file_id"]: u for u in self.uploads}
        if any(by_id.get(f.get("id"), {}).get("data") is None for f in wanted):
            raise SlackError("file_not_found")
        channels = [c for c in [a.get("channel_id"), *str(a.get("channels", "")).split(",")] if c]
        files = []
        for f in wanted:
            upload = by_id[f["id"]]
            upload.update(title=f.get("title") or upload["filename"], completed=True,
                          channel_id=channels[0] if channels else None, thread_ts=a.get("thread_ts"),
                          initial_comment=a.get("initial_comment"))
            files.append({"id": upload["file_id"], "title": upload["title"]})  # Slack answers just these two
        for channel in channels:  # sharing posts a message carrying the files
            message = self._bot_message(me, {"text": a.get("initial_comment", ""),
                                             "thread_ts": a.get("thread_ts")}, self._next_ts())
            message.update(upload=True, files=[{**f, "name": by_id[f["id"]]["filename"]} for f in files])
            self._store(channel, message)
        return {"files": files}

    def _api_oauth_v2_access(self, a: Args, me: None, _: str | None) -> Args:
        if self.client_id is not None and a.get("client_id") != self.client_id:
            raise SlackError("invalid_client_id")
        if self.client_secret is not None and a.get("client_secret") != self.client_secret:
            raise SlackError("bad_client_secret")
        if a.get("code") not in self.oauth_codes:
            raise SlackError("invalid_code")
        install = {"app_id": self.app_id, "authed_user": {"id": "U1"}, "scope": DEFAULT_SCOPES,
                   "token_type": "bot", "bot_user_id": self.bot_user_id,
                   "team": {"id": self.team_id, "name": self.team_name}, "enterprise": None,
                   "is_enterprise_install": False, **self.oauth_codes.pop(a["code"])}  # codes are single-use
        team_id, home = install["team"]["id"], install["team"]["id"] == self.team_id
        install.setdefault("access_token", f"xoxb-{team_id}-{next(self._ids)}")
        self._installs[install["access_token"]] = {
            "team_id": team_id, "team": install["team"].get("name", team_id),
            "domain": self.team_domain if home else team_id.lower(), "user_id": install["bot_user_id"],
            "bot_id": self.bot_id if home else f"B_{team_id}"}
        return install

    def _api_apps_connections_open(self, a: Args, me: None, token: str | None) -> Args:
        """A fresh single-use WebSocket URL of the Socket Mode stand-in, for an app-level token only."""
        if not token:
            raise SlackError("not_authed")
        if not token.startswith("xapp-"):
            raise SlackError("not_allowed_token_type")
        if self.valid_app_tokens is not None and token not in self.valid_app_tokens:
            raise SlackError("invalid_auth")
        if self.socket_mode is None:  # no stand-in attached: as if Socket Mode were off in the app's settings
            raise SlackError("not_allowed_token_type")
        return {"url": self.socket_mode.open_url()}
