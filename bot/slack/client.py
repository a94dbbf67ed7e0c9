"""Web API clients aimed at SLACK_API_URL, with bounded retries."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
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


def retry_after_seconds(response: Any) -> int | None:
    """Slack's Retry-After in seconds, when `response` (slack_sdk's HttpResponse or SlackResponse) is a 429."""
    if response is None or getattr(response, "status_code", None) != 429:
        return None
    headers = getattr(response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0, int(float(value))) if value is not None else 1
    except ValueError:
        return 1


def rate_limited_for(exc: BaseException) -> int | None:
    """The seconds Slack asked us to wait when `exc` is its 429, else None."""
    return retry_after_seconds(exc.response) if isinstance(exc, SlackApiError) else None


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 only when Slack asks for at most `max_wait_seconds`: a longer Retry-After is left to the caller,
    so that work done in a loop (the clock's posts, one channel after another) never sleeps it away inline."""

    def __init__(self, max_retry_count: int = 1, *, max_wait_seconds: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_seconds = max_wait_seconds

    def _can_retry(self, *, response: Any = None, **_: Any) -> bool:
        wait = retry_after_seconds(response)
        return wait is not None and wait <= self.max_wait_seconds


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


def make_web_client(settings: Settings, token: str | None = None, *,
                    max_rate_limit_wait: float | None = None) -> WebClient:
    """A WebClient for `settings.slack_api_url` that retries rate limits, 5xx and resets a few times; with
    `max_rate_limit_wait`, a 429 asking for a longer wait is raised (SlackApiError) instead of slept through."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    rate_limits = (RateLimitErrorRetryHandler(max_retry_count=2) if max_rate_limit_wait is None
                   else ShortRateLimitRetryHandler(max_retry_count=2, max_wait_seconds=max_rate_limit_wait))
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        logger=sdk_logger(settings),
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            rate_limits,
            AnyServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def client_for_team(settings: Settings, engine: Engine, team_id: str, *,
                    max_rate_limit_wait: float | None = None) -> WebClient | None:
    """A client with the bot token of `team_id`: the configured token, or the OAuth installation's."""
    if not settings.oauth_enabled:
        return (make_web_client(settings, max_rate_limit_wait=max_rate_limit_wait)
                if settings.slack_bot_token is not None else None)
    from bot.slack.installations import installation_store

    bot = installation_store(settings, engine).find_bot(enterprise_id=None, team_id=team_id or None)
    return (make_web_client(settings, token=bot.bot_token, max_rate_limit_wait=max_rate_limit_wait)
            if bot and bot.bot_token else None)
