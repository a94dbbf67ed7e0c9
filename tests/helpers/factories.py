"""Records for tests, made through the same services the app uses."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.db import transaction
from bot.db.engine import SessionFactory
from bot.models import Engagement
from bot.services import engagements
from bot.services.engagements import EngagementInput


def add_engagement(session_factory: SessionFactory, *, name: str = "acme", channel: str = "C1",
                   team: str = "T_TEST", ctos: tuple[str, ...] = ("U1",), **overrides: Any) -> Engagement:
    """An engagement linked to `channel`, as `ctobot client add` would make it."""
    values: dict[str, Any] = {"name": name, "tier": "active", "start_date": date(2026, 9, 1),
                              "timezone": "Europe/London", "cto_user_ids": list(ctos)}
    values.update(overrides)
    with transaction(session_factory) as session:
        return engagements.setup_engagement(session, team_id=team, channel_id=channel,
                                            data=EngagementInput(**values), actor_id=None, default_cto_ids=[])
