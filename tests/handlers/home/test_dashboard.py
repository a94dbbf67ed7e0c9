"""App Home: the CTO sees every engagement with hours; others see only engagements of their channels."""

from __future__ import annotations

import json

from tests.helpers.factories import add_engagement


def published_view(slack_app, user: str) -> str:
    slack_app.fake.reset()
    response = slack_app.slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home",
                                      "event_ts": "1763800000.000300"})
    assert response.status == 200
    [call] = slack_app.fake.wait_for("views.publish")
    assert call.args["user_id"] == user
    return json.dumps(call.args["view"], ensure_ascii=False)


def ask(slack_app, channel: str, text: str, ts: str) -> None:
    assert slack_app.slack.event({"type": "message", "channel": channel, "user": "U5", "text": text, "ts": ts,
                                  "channel_type": "channel"}).status == 200


def test_home_is_isolated_between_engagements(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    add_engagement(slack_app.session_factory, name="globex", channel="C2", ctos=("U1",))
    add_engagement(slack_app.session_factory, name="initech", channel="C3", ctos=("U7",))
    ask(slack_app, "C1", "Acme: should we shard the orders table?", "1763805600.000100")
    ask(slack_app, "C2", "Globex: is SOC 2 worth it this year?", "1763805600.000200")
    ask(slack_app, "C3", "Initech: who owns the TPS reports?", "1763805600.000300")
    slack_app.slack.command("/logtime", "2h review", channel_id="C1")
    slack_app.fake.set_members("C1", ["U5", "U6"])
    slack_app.fake.set_members("C2", ["U8"])
    slack_app.fake.set_members("C3", ["U7"])

    cto = published_view(slack_app, "U1")
    assert "Acme" in cto and "Globex" in cto and "Initech" not in cto
    assert "shard the orders table" in cto and "SOC 2" in cto and "TPS" not in cto
    assert "Month to date" in cto and "2h" in cto

    founder = published_view(slack_app, "U6")  # a member of C1 only
    assert "Acme" in founder and "shard the orders table" in founder
    assert "Globex" not in founder and "SOC 2" not in founder and "Initech" not in founder
    assert "Month to date" not in founder

    stranger = published_view(slack_app, "U4")
    assert "Acme" not in stranger and "Globex" not in stranger and "/cto help" in stranger
