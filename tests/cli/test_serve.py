"""`ctobot serve`, as deployed (gunicorn), against the fake Slack: the foundation's acceptance check."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_cli import clean_env, ctobot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.replies import reply_text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path, fake_slack, database_url, session_factory):
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.url,
                    DATABASE_URL=database_url, PORT=str(port), WEB_THREADS="4")
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail("ctobot serve did not start:\n" + log.read())
            time.sleep(0.2)
    yield base, tmp_path
    process.terminate()
    process.wait(timeout=30)
    log.seek(0)
    output = log.read()
    log.close()
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


def test_serve_answers_signed_help_and_refuses_a_wrong_signature(served, fake_slack):
    from tests.helpers.slack_requests import SlackSender

    base, _ = served
    slack = SlackSender(base, SIGNING_SECRET, fake=fake_slack)
    reply = reply_text(slack.command("/cto", "help"))
    for command in ("/logtime", "/decision", "/review", "/artifact", "/risk", "/cto"):
        assert command in reply
    assert SlackSender(base, "wrong-secret", fake=fake_slack).command("/cto", "help").status == 401


def test_client_added_on_the_cli_is_seen_by_cto_status(served, fake_slack, database_url):
    from tests.helpers.slack_requests import SlackSender

    base, cwd = served
    added = ctobot("client", "add", "acme", "--channel", "C1", "--tier", "active", "--start", "2026-09-01",
                   "--tz", "Europe/London", "--cto", "U1", cwd=cwd, DATABASE_URL=database_url)
    assert added.returncode == 0, added.stderr
    reply = reply_text(SlackSender(base, SIGNING_SECRET, fake=fake_slack).command("/cto", "status", channel_id="C1"))
    assert "Acme" in reply and "20–25 h" in reply
