"""Settings, read once from the environment (and `.env` when present)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.redact import url_secrets

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Settings(BaseSettings):
    """Every environment variable of docs/design.md's table, validated."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite:///ctobot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    cto_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None
    log_level: str = "INFO"
    # Not in docs/design.md's table: production tuning with safe defaults.
    web_threads: int = Field(default=16, ge=1, le=256)
    openai_timeout: float = Field(default=30.0, gt=0, le=30)
    openai_max_retries: int = Field(default=2, ge=0, le=5)
    # Fernet key(s), comma-separated (the first encrypts): OAuth tokens are encrypted at rest when set.
    token_encryption_key: SecretStr | None = None
    # Runs the process as if it were this instant (ISO 8601 with an offset); time then runs on at real speed.
    # For tests and demos on a chosen day (bot/clock.py); unset in production.
    ctobot_now: datetime | None = None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_secret",
        "openai_api_key",
        "token_encryption_key",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("token_encryption_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from bot.slack.installations import token_cipher

            try:
                token_cipher(value.get_secret_value())
            except (ValueError, TypeError):
                raise ValueError("must be one or more comma-separated Fernet keys; make one with `python -c "
                                 "\"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"`"
                                 ) from None
        return value

    @field_validator("ctobot_now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-11-20T18:00:00-05:00")
        return value

    @field_validator("slack_client_id", "openai_base_url", "openai_model", "ctobot_now", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("cto_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None

    def secret_values(self) -> list[str]:
        """The secrets' plain values, for redaction."""
        secrets = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
            self.openai_api_key,
            self.token_encryption_key,
        )
        urls = (self.database_url, self.slack_api_url, self.openai_base_url)
        return [s.get_secret_value() for s in secrets if s is not None] + [
            secret for url in urls for secret in url_secrets(url)]


def normalise_database_url(url: str) -> str:
    """Accept Heroku's `postgres://` and pick the psycopg 3 driver for PostgreSQL."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
