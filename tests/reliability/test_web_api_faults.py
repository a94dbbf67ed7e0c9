"""A misbehaving Slack Web API: rate limits are waited out off the request path; 5xx, HTML pages and reset
connections are retried a bounded number of times, then logged; no worker dies and the ack never waits."""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import pytest
from sqlmodel import select

from bot.background import Background
from bot.models import Question
from bot.slack.client import make_web_client
from tests.conftest import make_settings
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually

RETRIES = 2  # bot/slack/client.py: each retry handler allows two more attempts


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))


def ask(slack_app, text: str, ts: str) -> None:
    event = {"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2", "text": text, "ts": ts}
    assert slack_app.slack.event(event).status == 200


def permalinks(slack_app) -> dict[str, str | None]:
    with slack_app.session_factory() as session:
        return {q.message_ts: q.permalink for q in session.exec(select(Question)).all()}


def test_a_rate_limit_is_waited_out_in_the_background_while_requests_are_acked(slack_app, acme):
    slack_app.fake.rate_limit("chat.getPermalink", times=1, retry_after=1)
    ask(slack_app, "Should we cache the pricing page?", "1763805600.000100")
    assert "ctobot commands" in reply_text(slack_app.slack.command("/cto", "help"))
    help_answered = time.time()
    eventually(lambda: permalinks(slack_app)["1763805600.000100"])
    first, second = slack_app.fake.calls_to("chat.getPermalink")
    assert second.at - first.at >= 1.0  # Retry-After honoured
    assert help_answered < second.at  # the command was answered while the retry was still waiting


@pytest.mark.parametrize(("status", "body"), [
    (500, "<html><body>Internal Server Error</body></html>"),
    (502, "<html><head><title>502 Bad Gateway</title></head></html>"),
    (503, {"ok": False, "error": "service_unavailable"}),
])
def test_server_errors_are_retried_within_bounds_then_logged(slack_app, acme, caplog, status, body):
    slack_app.fake.fail("chat.getPermalink", times=RETRIES + 1, status=status, body=body)
    with caplog.at_level(logging.INFO):
        ask(slack_app, "Do we need a CDN?", "1763805600.000100")
        slack_app.settle()
    assert len(slack_app.fake.calls_to("chat.getPermalink")) == RETRIES + 1
    assert permalinks(slack_app) == {"1763805600.000100": None}  # the question itself is kept
    assert any("no permalink" in r.getMessage() for r in caplog.records)
    # The background pool and the app carry on.
    ask(slack_app, "And a WAF?", "1763805700.000100")
    eventually(lambda: permalinks(slack_app)["1763805700.000100"])
    assert "ctobot commands" in reply_text(slack_app.slack.command("/cto", "help"))


def test_an_html_page_with_a_200_is_reported_not_crashed_on(slack_app, acme, caplog):
    slack_app.fake.fail("chat.getPermalink", times=1, status=200, body="<html>captive portal</html>")
    with caplog.at_level(logging.INFO):
        ask(slack_app, "Is the portal down?", "1763805600.000100")
        slack_app.settle()
    assert len(slack_app.fake.calls_to("chat.getPermalink")) == 1
    assert any("no permalink" in r.getMessage() for r in caplog.records)
    ask(slack_app, "And now?", "1763805700.000100")
    eventually(lambda: permalinks(slack_app)["1763805700.000100"])


class ResettingServer:
    """Accepts connections on 127.0.0.1 and resets each one at once (TCP RST), counting them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_connection_resets_are_retried_within_bounds_then_reported_and_the_pool_survives(database_url, caplog):
    server = ResettingServer()
    background = Background(max_workers=1)
    try:
        client = make_web_client(make_settings(database_url, server.url))
        with caplog.at_level(logging.INFO):
            background.submit(lambda: client.chat_postMessage(channel="C1", text="hello"))
            assert background.wait_idle(30)
        assert server.accepted == RETRIES + 1
        assert any("failed" in r.getMessage() and r.exc_info for r in caplog.records)
        ran: list[int] = []
        background.submit(ran.append, 1)
        assert background.wait_idle(5) and ran == [1]
    finally:
        background.shutdown(wait=False)
        server.close()
