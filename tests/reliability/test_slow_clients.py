"""Slow clients cannot hold the server: bodies are read before a worker is taken, and a stalled one is dropped.

Real sockets on 127.0.0.1: twenty connections announce a 900 kB body and send one byte, as a slow-loris
attacker would, while a signed `/cto help` must still be answered at once.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from urllib.parse import urlencode

from tests.cli.test_serve import served  # noqa: F401  (the fixture: `ctobot serve` on a free port)
from tests.conftest import SIGNING_SECRET
from tests.helpers.replies import reply_text
from tests.helpers.slack_requests import FORM, http_post, sign

SLOW_CLIENTS = 20
ANSWERED_WITHIN = 5.0  # seconds; an answer normally takes a few milliseconds


def stalled_bodies(url: str, count: int) -> list[socket.socket]:
    """`count` connections that announce a 900 kB body, send its first byte and then nothing."""
    host, port = url.removeprefix("http://").split(":")
    socks = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: ctobot\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 900000\r\n\r\n{")
        socks.append(sock)
    return socks


def signed_help(url: str) -> tuple[float, str]:
    body = urlencode({"token": "t", "team_id": "T_TEST", "channel_id": "C1", "user_id": "U1", "command": "/cto",
                      "text": "help", "response_url": "http://127.0.0.1:9/none"}).encode()
    started = time.monotonic()
    response = http_post(url + "/slack/events", body, {"Content-Type": FORM, **sign(SIGNING_SECRET, body,
                                                                                   int(time.time()))},
                         timeout=ANSWERED_WITHIN)
    assert response.status == 200, (response.status, response.body)
    return time.monotonic() - started, reply_text(response)


@contextmanager
def production_server(app, **kwargs) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The server `ctobot serve` runs (bot.server), bound to 127.0.0.1 port 0, in a thread."""
    from bot.server import make_server

    server = make_server(app, host="127.0.0.1", port=0, threads=4, **kwargs)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


def test_twenty_stalled_bodies_do_not_delay_a_signed_command(slack_app):
    with production_server(slack_app.runtime.wsgi) as url:
        socks = stalled_bodies(url, SLOW_CLIENTS)  # five times the server's four worker threads
        try:
            elapsed, reply = signed_help(url)
        finally:
            for sock in socks:
                sock.close()
    assert "/logtime" in reply and elapsed < ANSWERED_WITHIN


def test_ctobot_serve_answers_behind_twenty_stalled_bodies(served):  # noqa: F811
    """The same, against `ctobot serve` itself (the Procfile's web process), WEB_THREADS=4."""
    base, _ = served
    socks = stalled_bodies(base, SLOW_CLIENTS)
    try:
        elapsed, reply = signed_help(base)
    finally:
        for sock in socks:
            sock.close()
    assert "/logtime" in reply and elapsed < ANSWERED_WITHIN


def test_a_connection_that_stalls_mid_body_is_closed(slack_app):
    with production_server(slack_app.runtime.wsgi, channel_timeout=1, cleanup_interval=1) as url:
        [sock] = stalled_bodies(url, 1)
        with closing(sock):
            sock.settimeout(8)
            started = time.monotonic()
            try:
                data = sock.recv(1024)
            except ConnectionResetError:
                data = b""
            assert data == b"", data  # closed, without the request ever reaching the app
            assert time.monotonic() - started < 8
