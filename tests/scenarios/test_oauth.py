"""OAuth mode: a workspace installs the app through our endpoints, then uses it; uninstalling forgets it."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text

from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret-0123456789"


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    """Status, headers (names lower-cased) and body of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def install(slack_app, *, team_id: str = "T_CLIENT", team_name: str = "Client Co") -> None:
    status, headers, page = get(slack_app.url + "/slack/install")
    assert status == 200 and "slack.com/oauth/v2/authorize" in page
    state = re.search(r"state=([\w-]+)", page).group(1)
    assert f"client_id={CLIENT_ID}" in page
    slack_app.fake.oauth_codes["code-1"] = {"team": {"id": team_id, "name": team_name},
                                            "access_token": f"xoxb-{team_id}-installed"}
    cookie = headers.get("set-cookie", "").split(";")[0]
    status, _, page = get(f"{slack_app.url}/slack/oauth_redirect?code=code-1&state={state}", cookie=cookie)
    assert status == 200, page


def installed_teams(slack_app) -> list[str]:
    with slack_app.runtime.deps.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT team_id FROM slack_bots"))]


def test_install_stores_the_workspace_and_its_commands_work(slack_app):
    install(slack_app)
    [exchange] = slack_app.fake.calls_to("oauth.v2.access")
    assert exchange.args["code"] == "code-1" and exchange.args["client_id"] == CLIENT_ID
    assert installed_teams(slack_app) == ["T_CLIENT"]
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_CLIENT")
    slack_app.slack.team_id = "T_CLIENT"
    reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1"))
    assert "Acme" in reply


def test_redirect_without_a_valid_state_is_refused(slack_app):
    slack_app.fake.oauth_codes["code-1"] = {}
    status, _, _ = get(f"{slack_app.url}/slack/oauth_redirect?code=code-1&state=forged")
    assert status >= 400
    assert slack_app.fake.calls_to("oauth.v2.access") == []
    assert installed_teams(slack_app) == []


def test_a_workspace_that_never_installed_is_not_served(slack_app):
    slack_app.slack.team_id = "T_STRANGER"
    response = slack_app.slack.command("/cto", "help")
    assert "ctobot commands" not in response.text


def test_uninstall_forgets_the_tokens_and_stops_engagements(slack_app):
    install(slack_app)
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_CLIENT")
    slack_app.slack.team_id = "T_CLIENT"
    assert slack_app.slack.event({"type": "app_uninstalled"}).status == 200
    eventually(lambda: installed_teams(slack_app) == [])
    with slack_app.runtime.deps.engine.connect() as conn:
        assert conn.execute(text("SELECT uninstalled_at FROM engagement")).scalar() is not None


def test_requests_are_authorized_from_the_stored_installation_without_auth_test(slack_app):
    install(slack_app)
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_CLIENT")
    slack_app.slack.team_id = "T_CLIENT"
    slack_app.fake.reset()
    for _ in range(3):
        assert "Acme" in reply_text(slack_app.slack.command("/cto", "status", channel_id="C1"))
    assert slack_app.fake.calls_to("auth.test") == []


def test_after_uninstall_the_kept_installation_is_forgotten(slack_app):
    install(slack_app)
    slack_app.slack.team_id = "T_CLIENT"
    assert "ctobot commands" in slack_app.slack.command("/cto", "help").text  # authorized, and kept
    assert slack_app.slack.event({"type": "app_uninstalled"}).status == 200
    eventually(lambda: "ctobot commands" not in slack_app.slack.command("/cto", "help").text)
    assert installed_teams(slack_app) == []
