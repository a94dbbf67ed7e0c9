"""Uninstalling the app stops the workspace's engagements."""

from __future__ import annotations

from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually


def test_app_uninstalled_stops_the_workspace(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_TEST")
    add_engagement(slack_app.session_factory, name="globex", channel="C2", team="T_OTHER")
    response = slack_app.slack.event({"type": "app_uninstalled", "event_ts": "1763800000.000100"})
    assert response.status == 200
    eventually(lambda: "/cto setup" in reply_text(slack_app.slack.command("/cto", "status", channel_id="C1")))
    from bot.services import engagements

    with slack_app.session_factory() as session:
        assert [e.name for e in engagements.list_engagements(session)] == ["globex"]


def test_message_events_are_acknowledged(slack_app):
    event = {"type": "message", "channel": "C1", "user": "U2", "text": "Should we use Kafka?",
             "ts": "1763800000.000200", "channel_type": "channel"}
    assert slack_app.slack.event(event).status == 200
