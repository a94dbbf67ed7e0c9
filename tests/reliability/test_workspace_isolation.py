"""Two workspaces (OAuth installs) that happen to use the same channel id (and the same user id) never see
each other's records: not in replies, digests, App Home or exports."""

from __future__ import annotations

import json

import pytest

from bot.services import engagements, exports
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.slack_requests import SlackSender
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install

WORKSPACES = {
    "T_ACME": {"name": "acme", "hours": "2h architecture acme-only note",
               "question": "Should we shard the orders table?",
               "pr": "https://github.com/acme/api/pull/7"},
    "T_GLOBEX": {"name": "globex", "hours": "3h hiring globex-only note", "question": "Is SOC 2 worth it this year?",
                 "pr": "https://github.com/globex/web/pull/9"},
}


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}


def sender(slack_app, team_id: str) -> SlackSender:
    from tests.conftest import SIGNING_SECRET

    return SlackSender(slack_app.url, SIGNING_SECRET, team_id=team_id, fake=slack_app.fake)


def fill(slack_app) -> None:
    for team_id, data in WORKSPACES.items():
        install(slack_app, team_id=team_id, team_name=data["name"].title())
        add_engagement(slack_app.session_factory, name=data["name"], channel="C1", team=team_id, ctos=("U1",))
        slack = sender(slack_app, team_id)
        assert "Logged" in reply_text(slack.command("/logtime", data["hours"], channel_id="C1"))
        assert slack.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U5",
                            "text": data["question"], "ts": "1763805600.000100"}).status == 200
        assert slack.command("/review", data["pr"], channel_id="C1").status == 200
    slack_app.settle()


def others(team_id: str) -> list[str]:
    """What only the other workspace wrote."""
    return [value for other, data in WORKSPACES.items() if other != team_id
            for value in (data["question"], data["pr"], data["hours"].split()[-2], data["name"].title())]


def test_commands_and_the_digest_show_only_their_workspace(slack_app):
    fill(slack_app)
    for team_id, data in WORKSPACES.items():
        slack = sender(slack_app, team_id)
        seen = " ".join(reply_text(slack.command(command, text, channel_id="C1")) for command, text in
                        (("/cto", "digest"), ("/cto", "status"), ("/cto", "questions"), ("/review", "list"),
                         ("/logtime", "list")))
        assert data["question"] in seen and data["pr"] in seen and data["name"].title() in seen
        for foreign in others(team_id):
            assert foreign not in seen, (team_id, foreign)


def test_app_home_shows_only_the_viewers_workspace(slack_app):
    fill(slack_app)
    slack_app.fake.set_members("C1", ["U5"])  # the fake has one C1: a member of "C1" in both workspaces
    for team_id, data in WORKSPACES.items():
        for viewer in ("U1", "U5"):  # the CTO, and a client member of the channel
            slack_app.fake.reset()
            event = {"type": "app_home_opened", "user": viewer, "channel": "D1", "tab": "home",
                     "event_ts": "1763800000.000300"}
            assert sender(slack_app, team_id).event(event).status == 200
            [call] = slack_app.fake.wait_for("views.publish")
            view = json.dumps(call.args["view"], ensure_ascii=False)
            assert data["name"].title() in view and data["question"] in view
            for foreign in others(team_id):
                assert foreign not in view, (team_id, viewer, foreign)


def test_exports_hold_only_their_workspaces_records(slack_app):
    fill(slack_app)
    with slack_app.session_factory() as session:
        for team_id, data in WORKSPACES.items():
            engagement = engagements.get_by_name(session, name=data["name"], team_id=team_id)
            records = (exports.questions_records(session, engagement=engagement)
                       + exports.reviews_records(session, engagement=engagement))
            entries = exports.month_entries(session, engagement=engagement, month=engagement.created_at.date(),
                                            include_deleted=True)
            text = json.dumps(records) + exports.hours_json(entries, engagement=engagement)
            assert data["question"] in text and data["pr"] in text and data["hours"].split()[-2] in text
            for foreign in others(team_id):
                assert foreign not in text, (team_id, foreign)
