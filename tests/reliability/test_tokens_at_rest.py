"""OAuth tokens are encrypted at rest when TOKEN_ENCRYPTION_KEY is set, and the app works as before."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError
from sqlalchemy import text

from bot.settings import Settings
from bot.slack.installations import installation_store
from tests.conftest import make_settings
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install

KEY = Fernet.generate_key().decode()
TOKEN = "xoxb-T_CLIENT-installed"  # what the fake's oauth.v2.access hands out in install()


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET,
            "token_encryption_key": KEY}


def stored_tokens(slack_app) -> list[str]:
    with slack_app.runtime.deps.engine.connect() as conn:
        return [row[0] for table in ("slack_bots", "slack_installations")
                for row in conn.execute(text(f"SELECT bot_token FROM {table}"))]


def test_the_stored_token_is_encrypted_and_the_app_still_uses_the_real_one(slack_app):
    install(slack_app, team_id="T_CLIENT")
    stored = stored_tokens(slack_app)
    assert len(stored) == 2
    assert all(TOKEN not in value and "xoxb" not in value for value in stored)
    assert all(Fernet(KEY.encode()).decrypt(value.encode()).decode() == TOKEN for value in stored)

    slack_app.fake.valid_tokens = {TOKEN}  # the fake refuses anything else, an encrypted token included
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_CLIENT")
    slack_app.slack.team_id = "T_CLIENT"
    assert "Acme" in reply_text(slack_app.slack.command("/cto", "status", channel_id="C1"))
    assert slack_app.slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home",
                                  "event_ts": "1763800000.000300"}).status == 200
    [publish] = slack_app.fake.wait_for("views.publish")
    assert publish.token == TOKEN
    client = slack_app.runtime.deps.slack_client("T_CLIENT")  # the clock's and the CLI's way to the token
    assert client is not None and client.token == TOKEN


def test_tokens_stored_in_clear_before_the_key_was_set_are_still_read(slack_app, database_url):
    install(slack_app, team_id="T_CLIENT")
    with slack_app.runtime.deps.engine.begin() as conn:  # as an install made before the key was configured
        conn.execute(text("UPDATE slack_bots SET bot_token = :t"), {"t": TOKEN})
    settings = make_settings(database_url, slack_app.fake.url, slack_bot_token=None, slack_client_id=CLIENT_ID,
                             slack_client_secret=CLIENT_SECRET, token_encryption_key=KEY)
    bot = installation_store(settings, slack_app.runtime.deps.engine).find_bot(enterprise_id=None,
                                                                                team_id="T_CLIENT")
    assert bot is not None and bot.bot_token == TOKEN


def test_a_changed_key_is_not_a_crash_and_the_old_one_can_stay_listed(slack_app, database_url, caplog):
    install(slack_app, team_id="T_CLIENT")
    engine = slack_app.runtime.deps.engine
    other = Fernet.generate_key().decode()

    def find(keys: str):  # type: ignore[no-untyped-def]
        settings = make_settings(database_url, slack_app.fake.url, slack_bot_token=None, slack_client_id=CLIENT_ID,
                                 slack_client_secret=CLIENT_SECRET, token_encryption_key=keys)
        return installation_store(settings, engine).find_bot(enterprise_id=None, team_id="T_CLIENT")

    assert find(other) is None
    assert "TOKEN_ENCRYPTION_KEY" in caplog.text and TOKEN not in caplog.text
    assert find(f"{other},{KEY}").bot_token == TOKEN  # rotation: new key first, old key still decrypts


def test_a_key_that_is_not_a_fernet_key_is_refused_with_how_to_make_one():
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, token_encryption_key="not-a-key")
    [error] = refused.value.errors()  # what `ctobot` prints: the field and the message
    assert error["loc"] == ("token_encryption_key",) and "Fernet.generate_key()" in error["msg"]
    assert "not-a-key" not in error["msg"]
