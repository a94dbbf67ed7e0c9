"""App Home: the CTO sees their engagements; nobody else sees any client's details."""

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
    view = call.args["view"]
    return view if isinstance(view, str) else json.dumps(view)


def test_cto_sees_each_engagement_and_others_see_none(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    add_engagement(slack_app.session_factory, name="globex", channel="C2", ctos=("U7",))
    mine = published_view(slack_app, "U1")
    assert "Acme" in mine and "Globex" not in mine
    theirs = published_view(slack_app, "U5")
    assert "Acme" not in theirs and "Globex" not in theirs and "/cto help" in theirs
