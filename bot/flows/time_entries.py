"""What follows a change to time entries (budget notes, amendments to sent months), and the month's Harvest CSV
by DM to the CTO; slow work, run in the background pool after the ack."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from slack_sdk import WebClient

from bot import formatting
from bot.db import transaction
from bot.deps import Deps
from bot.flows import budget_alerts, month_close, process_name
from bot.models import Engagement
from bot.services import exports
from bot.slack.mrkdwn import escape
from bot.slack.users import names_for

logger = logging.getLogger(__name__)


def ledger_changed(deps: Deps, engagement_id: int, days: Iterable[date | None]) -> None:
    """After entries on `days` changed: any budget note now due, and an amendment for each sent month among them."""
    budget_alerts.send_due(deps, engagement_id=engagement_id, claimed_by=process_name())
    month_close.amend_sent_months(deps, engagement_id=engagement_id, days=days, claimed_by=process_name())


def send_month_csv(deps: Deps, client: WebClient, *, engagement_id: int, month: date, user_id: str) -> None:
    """Upload the month's CSV into a DM with `user_id`."""
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        assert engagement is not None
        entries = exports.month_entries(session, engagement=engagement, month=month, include_deleted=False)
    names, _ = names_for(deps.users, client, {e.user_id for e in entries})  # Slack calls outside the transaction
    csv_text = exports.hours_csv(entries, engagement=engagement, names=names)
    name, display = engagement.name, engagement.display_name
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    total = formatting.decimal_hours(sum(e.minutes for e in entries))
    client.files_upload_v2(
        channel=dm, content=csv_text, filename=f"{name}-hours-{month:%Y-%m}.csv",
        title=f"{display} hours, {month:%B %Y}",
        initial_comment=(f"{escape(display)}, {month:%B %Y}: {len(entries)} entries, {total} h. "
                         "Columns follow Harvest's time import."))
