"""Sending the handover pack to the CTO by DM (slow work: runs in the background pool)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.models import Engagement
from bot.services import handover
from bot.slack.mrkdwn import escape
from bot.slack.users import remember_names

logger = logging.getLogger(__name__)


def send_handover(deps: Deps, client: WebClient, *, engagement_id: int, user_id: str, filename: str, title: str,
                  now: datetime, today: date) -> None:
    """Name everyone the pack names (users.info for anyone never stored, outside any transaction), build the
    pack, and upload it into a DM with `user_id`."""
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        assert engagement is not None
        team_id, named = engagement.team_id, handover.people_named(session, engagement=engagement)
    remember_names(deps.session_factory, deps.users, client, team_id, named)
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        assert engagement is not None
        markdown = handover.handover_markdown(session, engagement=engagement, now=now, today=today)
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(channel=dm, content=markdown, filename=filename, title=title,
                           initial_comment=f"{escape(title)}: the architecture and its owner, vendors, the roadmap, "
                                           "the check-ins, then findings, ADRs, risks, artifacts and hours.")
