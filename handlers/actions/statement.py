"""The draft statement's "Close and send" button, in the CTO's DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.db import transaction
from bot.deps import Deps
from bot.errors import DomainError
from bot.models import MonthStatement, utcnow
from bot.month_close import close_and_send, local_today
from bot.services import engagements, months, ownership
from bot.slack import ids
from bot.slack.mrkdwn import escape
from bot.slack.statement_blocks import post_result_text
from handlers.context import Request
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def send_and_tell(deps: Deps, respond: Respond, *, engagement_id: int, month: Any, user_id: str,
                  replace_original: bool) -> None:
    """Close and send in the background, then tell the CTO where it went (or why it did not)."""
    month_text = f"{month:%B %Y}"
    try:
        result = close_and_send(deps, engagement_id=engagement_id, month=month, closed_by=user_id,
                                claimed_by=f"slack:{user_id}")
    except DomainError as exc:
        respond(text=escape(exc.message), replace_original=False)
        return
    respond(text=post_result_text(result, month_text=month_text), replace_original=replace_original and result.posted)


def register(app: App, deps: Deps) -> None:
    """Register the month close's button."""

    @app.action(ids.ACTION_STATEMENT_CLOSE)
    @user_errors()
    def close_clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond,
                      req: Request) -> None:
        ack()
        user_id = body["user"]["id"]
        with transaction(deps.session_factory) as session:
            row, engagement = ownership.owned(session, MonthStatement, action.get("value"),
                                              scope=req.scope(session), what="statement")
            engagements.require_cto(engagement, user_id, to="close a month")
            months.check_closable(session, engagement=engagement, month=row.month,
                                  today=local_today(engagement, utcnow()))
            engagement_id, month = engagement.id, row.month
        if deps.background.submit(send_and_tell, deps, respond, engagement_id=engagement_id, month=month,
                                  user_id=user_id, replace_original=True) is None:
            respond(text="ctobot is busy right now; please click again in a minute.", replace_original=False)
