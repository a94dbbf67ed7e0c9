"""The one error handler: the user gets a message with an id, the log gets the same id and the traceback."""

from __future__ import annotations

import logging
import re

from bot.services import engagements
from tests.conftest import BOT_TOKEN
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text


def test_unexpected_error_shows_an_id_that_is_in_the_log(slack_app, monkeypatch, caplog):
    add_engagement(slack_app.session_factory, name="acme", channel="C1")

    def broken(*args, **kwargs):
        raise RuntimeError(f"database exploded near {BOT_TOKEN}")

    monkeypatch.setattr(engagements, "engagement_status", broken)
    with caplog.at_level(logging.ERROR, logger="ctobot.errors"):
        reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1"))
    error_id = re.search(r"error id: `([0-9a-f]{8})`", reply).group(1)
    assert "nothing was changed" in reply and "exploded" not in reply and BOT_TOKEN not in reply
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None
