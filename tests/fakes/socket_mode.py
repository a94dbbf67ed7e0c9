"""A stand-in for Slack's Socket Mode endpoint on 127.0.0.1, for tests that run the app over a WebSocket.

What it does is what Slack documents for Socket Mode (docs.slack.dev, "Using Socket Mode"):

- ``apps.connections.open`` (answered by FakeSlack once ``fake_slack.socket_mode = server``) hands out a
  ``ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`` URL; each ticket opens one connection, once.
- On connect the server sends ``{"type": "hello", ...}``.
- ``send()`` delivers an envelope ``{"envelope_id", "type", "payload", "accepts_response_payload"}``
  (events also carry ``retry_attempt`` / ``retry_reason``) and the app must answer
  ``{"envelope_id": …}`` within 3 seconds, with a ``"payload"`` only where the envelope accepts one.
- ``refresh()`` sends ``{"type": "disconnect", "reason": "refresh_requested"}``; the app is expected to call
  ``apps.connections.open`` again and connect to the new URL.

Anything a real Slack would not accept (an ack for an unknown or already acked envelope, a late ack, a payload
where none is accepted, a frame that is not JSON) is listed in ``problems``; tests assert it stays empty.
The server side of the protocol comes from the ``websockets`` library (its threaded ``sync`` server).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

ACK_SECONDS = 3.0  # Slack's deadline for an envelope's acknowledgement
LINK_PATH = "/link/"


@dataclass
class Link:
    """One WebSocket connection the app opened."""

    ticket: str
    connection: ServerConnection
    opened_at: float
    closed_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass
class Envelope:
    """An envelope sent to the app, and its acknowledgement once it came."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    sent_at: float
    link: Link
    ack: dict[str, Any] | None = None
    acked_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def response_payload(self) -> dict[str, Any] | None:
        return None if self.ack is None else self.ack.get("payload")


class SocketModeServer:
    def __init__(self, *, app_id: str = "A_TEST") -> None:
        self.app_id = app_id
        self.links: list[Link] = []
        self.envelopes: dict[str, Envelope] = {}
        self.problems: list[str] = []
        self._tickets: set[str] = set()  # issued by apps.connections.open, not used yet
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> SocketModeServer:
        self._server = serve(self._serve, "127.0.0.1", 0, process_request=self._check_ticket, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, name="FakeSocketMode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        with self._cond:
            open_links = [link for link in self.links if link.is_open]
        for link in open_links:
            link.connection.close()
        self._server.shutdown()
        self._thread.join(5)  # type: ignore[union-attr]
        self._server = None

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SocketModeServer is not started")
        return int(self._server.socket.getsockname()[1])

    def open_url(self) -> str:
        """A new single-use WebSocket URL, as apps.connections.open returns."""
        ticket = str(uuid.uuid4())
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"

    # the protocol, server side

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._cond:
            if parts.path != LINK_PATH or ticket not in self._tickets:
                self.problems.append(f"connection refused: unknown or reused ticket in {request.path!r}")
                return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")
            self._tickets.discard(ticket)
        return None

    def _serve(self, connection: ServerConnection) -> None:
        ticket = (parse_qs(urlsplit(connection.request.path).query).get("ticket") or [""])[0]  # type: ignore[union-attr]
        link = Link(ticket=ticket, connection=connection, opened_at=time.monotonic())
        with self._cond:
            self.links.append(link)
            hello = {"type": "hello", "num_connections": sum(1 for x in self.links if x.is_open),
                     "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
                     "connection_info": {"app_id": self.app_id}}
            self._cond.notify_all()
        try:
            connection.send(json.dumps(hello))
            for frame in connection:
                self._received(link, frame)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                link.closed_at = time.monotonic()
                self._cond.notify_all()

    def _received(self, link: Link, frame: str | bytes) -> None:
        try:
            message = json.loads(frame)
        except ValueError:
            message = None
        with self._cond:
            if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
                self.problems.append(f"not an acknowledgement: {frame!r}")
                return
            envelope = self.envelopes.get(message["envelope_id"])
            if envelope is None:
                self.problems.append(f"ack for an unknown envelope {message['envelope_id']}")
            elif envelope.ack is not None:
                self.problems.append(f"second ack for envelope {envelope.envelope_id}")
            else:
                envelope.ack, envelope.acked_at = message, time.monotonic()
                if envelope.acked_at - envelope.sent_at > ACK_SECONDS:
                    self.problems.append(f"envelope {envelope.envelope_id} ({envelope.type}) acked after "
                                         f"{envelope.acked_at - envelope.sent_at:.1f}s, past Slack's {ACK_SECONDS}s")
                if "payload" in message and not envelope.accepts_response_payload:
                    self.problems.append(f"envelope {envelope.envelope_id} ({envelope.type}) does not accept a "
                                         "response payload; Slack would drop it")
            self._cond.notify_all()

    # what tests do

    def wait_for_links(self, count: int = 1, timeout: float = 10.0) -> list[Link]:
        """Block until the app has opened `count` connections in all; return every connection so far."""
        return self._wait(lambda: list(self.links), lambda links: len(links) >= count, timeout,
                          f"{count} Socket Mode connection(s)")

    def live_link(self, timeout: float = 10.0) -> Link:
        """The newest open connection (waiting for one)."""
        links = self._wait(lambda: [x for x in self.links if x.is_open], bool, timeout, "an open connection")
        return links[-1]

    def send(self, type: str, payload: dict[str, Any], *, accepts_response_payload: bool | None = None,  # noqa: A002
             retry_attempt: int = 0, retry_reason: str = "") -> str:
        """Deliver an envelope on the newest open connection; returns its envelope_id."""
        if accepts_response_payload is None:  # as Slack sets it: commands, view submissions and suggestions
            accepts_response_payload = type == "slash_commands" or (
                type == "interactive" and payload.get("type") in ("view_submission", "block_suggestion"))
        link = self.live_link()
        envelope_id = f"{uuid.uuid4()}-{next(self._ids)}"
        message: dict[str, Any] = {"envelope_id": envelope_id, "payload": payload, "type": type,
                                   "accepts_response_payload": accepts_response_payload}
        if type == "events_api":
            message.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        with self._cond:
            self.envelopes[envelope_id] = Envelope(envelope_id, type, payload, accepts_response_payload,
                                                   time.monotonic(), link)
        link.connection.send(json.dumps(message))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Envelope:
        """Block until `envelope_id` is acknowledged; return the envelope with its ack."""
        return self._wait(lambda: self.envelopes[envelope_id], lambda e: e.ack is not None, timeout,
                          f"an ack of envelope {envelope_id}")

    def round_trip(self, type: str, payload: dict[str, Any], timeout: float = 5.0, **kwargs: Any) -> Envelope:
        """send() and wait_for_ack()."""
        return self.wait_for_ack(self.send(type, payload, **kwargs), timeout)

    def refresh(self, reason: str = "refresh_requested") -> Link:
        """Ask the app to move to a new connection, as Slack does every few hours; returns the old one."""
        link = self.live_link()
        link.connection.send(json.dumps({"type": "disconnect", "reason": reason,
                                         "debug_info": {"host": "applink-fake"}}))
        return link

    def wait_closed(self, link: Link, timeout: float = 10.0) -> None:
        self._wait(lambda: link, lambda x: not x.is_open, timeout, "the connection to close")

    def _wait(self, get: Callable[[], Any], done: Callable[[Any], bool], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done(value := get()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {what} within {timeout}s; problems: {self.problems}")
                self._cond.wait(left)
            return value
