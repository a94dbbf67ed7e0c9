"""Sending the handover pack to the CTO by DM (slow work: runs in the background pool)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.slack.mrkdwn import escape

logger = logging.getLogger(__name__)


def send_handover(client: WebClient, *, markdown: str, user_id: str, filename: str, title: str) -> None:
    """Upload the Markdown pack into a DM with `user_id`."""
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(channel=dm, content=markdown, filename=filename, title=title,
                           initial_comment=f"{escape(title)}: the architecture and its owner, vendors, the roadmap, "
                                           "the check-ins, then findings, ADRs, risks, artifacts and hours.")
