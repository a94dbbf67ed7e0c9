"""Web API clients aimed at SLACK_API_URL, with bounded retries."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine

from bot.redact import RedactingFilter
from bot.settings import Settings

TIMEOUT_SECONDS = 10


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries every 5xx: slack_sdk's handler retries 500 and 503 only, but proxies answer 502 and 504 too."""

    def _can_retry(self, *, response: Any = None, **_: Any) -> bool:
        return response is not None and 500 <= response.status_code < 600


_SDK_FILTER = RedactingFilter()


def sdk_logger(settings: Settings | None = None) -> logging.Logger:
    """The logger our WebClients write to: slack_sdk logs response bodies at DEBUG (oauth.v2.access's holds the
    new token), so its records are redacted where they are made, before any handler sees them."""
    logger = logging.getLogger("slack_sdk.web.ctobot")
    if settings is not None:
        _SDK_FILTER.add_secrets(settings.secret_values())
    if _SDK_FILTER not in logger.filters:
        logger.addFilter(_SDK_FILTER)
    return logger


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient for `settings.slack_api_url` that retries rate limits, 5xx and resets a few times."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        logger=sdk_logger(settings),
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            AnyServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def client_for_team(settings: Settings, engine: Engine, team_id: str) -> WebClient | None:
    """A client with the bot token of `team_id`: the configured token, or the OAuth installation's."""
    if not settings.oauth_enabled:
        return make_web_client(settings) if settings.slack_bot_token is not None else None
    from bot.slack.installations import installation_store

    bot = installation_store(settings, engine).find_bot(enterprise_id=None, team_id=team_id or None)
    return make_web_client(settings, token=bot.bot_token) if bot and bot.bot_token else None
