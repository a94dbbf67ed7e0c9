"""Settings: every variable of docs/design.md, Heroku URLs, comma lists, .env files and clear errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults(monkeypatch):
    for name in ("DATABASE_URL", "PORT", "SLACK_API_URL", "LOG_LEVEL", "CTO_USER_IDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///ctobot.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.log_level == "INFO"
    assert settings.cto_user_ids == []
    assert not settings.oauth_enabled and not settings.socket_mode and not settings.llm_enabled


def test_heroku_postgres_url_and_comma_separated_ctos(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db.example:5432/app")
    monkeypatch.setenv("CTO_USER_IDS", "U1, U2,,U3")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql+psycopg://user:pw@db.example:5432/app"
    assert settings.cto_user_ids == ["U1", "U2", "U3"]
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    env = tmp_path / ".env"
    env.write_text("SLACK_SIGNING_SECRET=from-dotenv-secret\nOPENAI_MODEL=smollm2\n")
    settings = Settings(_env_file=env)
    assert settings.slack_signing_secret.get_secret_value() == "from-dotenv-secret"
    assert settings.openai_model == "smollm2"


def test_secrets_do_not_show_in_repr(monkeypatch):
    settings = Settings(_env_file=None, slack_bot_token="xoxb-very-secret-token", openai_api_key="sk-secret-abc")
    assert "very-secret" not in repr(settings) and "sk-secret" not in repr(settings)
    assert "xoxb-very-secret-token" in settings.secret_values()


@pytest.mark.parametrize(("name", "value"), [("PORT", "http"), ("LOG_LEVEL", "LOUD"), ("SLACK_API_URL", "slack.com")])
def test_bad_values_are_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    assert name.lower() in str(refused.value)


def test_blank_optional_values_mean_unset(monkeypatch):
    monkeypatch.setenv("SLACK_APP_TOKEN", "")
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    settings = Settings(_env_file=None)
    assert not settings.socket_mode and not settings.llm_enabled
