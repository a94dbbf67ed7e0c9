"""A user's `today`: their Slack time zone when users.info answers in time, else the engagement's."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient

from bot.deps import Deps
from bot.models import Engagement, utcnow


def user_zone(deps: Deps, client: WebClient, user_id: str, engagement: Engagement | None) -> ZoneInfo:
    """The user's time zone, falling back to the engagement's, then UTC."""
    user = deps.users.get(client, user_id)
    for name in (user.tz if user else None, engagement.timezone if engagement else None):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def user_today(deps: Deps, client: WebClient, user_id: str, engagement: Engagement | None) -> date:
    """Today's date where the user is."""
    return utcnow().astimezone(user_zone(deps, client, user_id, engagement)).date()
