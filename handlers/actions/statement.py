"""The draft statement's "Close and send" button, in the CTO's DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.flows.month_close import send_and_tell
from bot.models import MonthStatement
from bot.services import engagements, months, ownership
from bot.slack import ids
from handlers.context import Request
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Register the month close's button."""

    @app.action(ids.ACTION_STATEMENT_CLOSE)
    @user_errors()
    def close_clicked(ack: Ack, action: dict[str, Any], respond: Respond, req: Request) -> None:
        ack()
        user_id = req.user_id
        with transaction(deps.session_factory) as session:
            row, engagement = ownership.owned(session, MonthStatement, action.get("value"),
                                              scope=req.scope(session), what="statement")
            engagements.require_cto(engagement, user_id, to="close a month")
            months.check_closable(session, engagement=engagement, month=row.month,
                                  today=calendar.local_today(engagement))
            engagement_id, month = engagement.id, row.month
        if deps.background.submit(send_and_tell, deps, respond, engagement_id=engagement_id, month=month,
                                  user_id=user_id, replace_original=True) is None:
            respond(text="ctobot is busy right now; please click again in a minute.", replace_original=False)
