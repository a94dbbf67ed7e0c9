"""Every log record of a whole working session, at DEBUG and before any redacting handler, is free of secrets:
install, setup, time, a question, a review, an export, a failing Slack call and an uninstall."""

from __future__ import annotations

import json
import logging

import pytest
from cryptography.fernet import Fernet

from bot.slack import ids
from tests.conftest import SIGNING_SECRET
from tests.handlers.views.test_engagement_setup import setup_view
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install

KEY = Fernet.generate_key().decode()
TOKEN = "xoxb-T_CLIENT-installed"


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET,
            "token_encryption_key": KEY}


def test_a_full_session_logs_no_token_or_secret(slack_app, caplog):
    caplog.set_level(logging.DEBUG)  # the root logger and the capture, everything every library logs
    slack = slack_app.slack
    install(slack_app, team_id="T_CLIENT")
    slack.team_id = "T_CLIENT"

    assert slack.command("/cto", "setup", channel_id="C1").status == 200
    slack_app.fake.wait_for("views.open")
    view = setup_view(name="Acme", ctos=("U1",))
    view["private_metadata"] = json.dumps({"channel_id": "C1", "team_id": "T_CLIENT"})
    assert slack.view_submission(view, user_id="U1").status == 200

    assert "Logged" in reply_text(slack.command("/logtime", "1h30m architecture queue design", channel_id="C1"))
    slack_app.fake.fail("chat.getPermalink", times=3, status=500)  # a failing call, logged with its error
    assert slack.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2",
                        "text": "Should we move the queue to Kafka?", "ts": "1763805600.000100"}).status == 200
    assert slack.command("/review", "https://github.com/acme/api/pull/142 please", channel_id="C1").status == 200
    assert slack.command("/logtime", "export", channel_id="C1").status == 200
    eventually(lambda: slack_app.fake.uploads)
    assert slack.event({"type": "app_uninstalled", "event_ts": "1763805700.000100"}).status == 200
    slack_app.settle()
    eventually(lambda: any("uninstalled" in r.getMessage() for r in caplog.records))

    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20  # the libraries' DEBUG output is really in there
    assert ids.VIEW_ENGAGEMENT_SETUP in logged or "views.open" in logged or "chat.postMessage" in logged
    for secret in (TOKEN, SIGNING_SECRET, CLIENT_SECRET, KEY):
        assert secret not in logged, f"{secret[:6]}… appears in the logs"
