"""The `/cto setup` modal's submission: create or update the engagement and link the channel."""

from __future__ import annotations

import json
import logging
from datetime import date, time
from typing import Any, Literal

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.services import engagements
from bot.services.engagements import KEEP, EngagementInput, Keep
from bot.slack import blocks, ids
from handlers.context import Request
from handlers.errors import user_errors

logger = logging.getLogger(__name__)


def parse_setup_values(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[EngagementInput, bool]:
    """The modal's state as an EngagementInput, and whether this channel should get the digest."""

    def field(block: str, action: str) -> dict[str, Any]:
        return values.get(block, {}).get(action, {}) or {}

    display = (field(ids.BLOCK_SETUP_NAME, ids.ACTION_SETUP_NAME).get("value") or "").strip()
    if not display:
        raise InvalidInput("Give the client a name.", field="name")
    name = engagements.slugify(display)
    if not name:
        raise InvalidInput("The name needs at least one letter or digit.", field="name")
    tier = ((field(ids.BLOCK_SETUP_TIER, ids.ACTION_SETUP_TIER).get("selected_option") or {}).get("value") or "")
    hours_text = (field(ids.BLOCK_SETUP_HOURS, ids.ACTION_SETUP_HOURS).get("value") or "").strip()
    hours = engagements.parse_hours_band(hours_text) if hours_text else None
    start_text = field(ids.BLOCK_SETUP_START, ids.ACTION_SETUP_START).get("selected_date")
    try:
        start = date.fromisoformat(start_text or "")
    except ValueError:
        raise InvalidInput("Pick the engagement's start date.", field="start") from None
    tz = (field(ids.BLOCK_SETUP_TIMEZONE, ids.ACTION_SETUP_TIMEZONE).get("value") or "").strip()
    day = ((field(ids.BLOCK_SETUP_DIGEST_DAY, ids.ACTION_SETUP_DIGEST_DAY).get("selected_option") or {})
           .get("value") or "fri")
    time_text = field(ids.BLOCK_SETUP_DIGEST_TIME, ids.ACTION_SETUP_DIGEST_TIME).get("selected_time") or "16:00"
    try:
        digest_time = time.fromisoformat(time_text)
    except ValueError:
        raise InvalidInput("Pick the digest time.", field="digest") from None
    ctos = field(ids.BLOCK_SETUP_CTOS, ids.ACTION_SETUP_CTOS).get("selected_users") or []
    founders = field(ids.BLOCK_SETUP_FOUNDERS, ids.ACTION_SETUP_FOUNDERS).get("selected_users") or []
    # A modal opened before deciders were asked has no such block: it keeps what is set.
    deciders = (field(ids.BLOCK_SETUP_DECIDERS, ids.ACTION_SETUP_DECIDERS).get("selected_users") or []
                if ids.BLOCK_SETUP_DECIDERS in values else None)
    # A form opened before these fields existed has no such blocks: what is set stays.
    end: date | None | Literal[Keep.KEEP] = KEEP
    if ids.BLOCK_SETUP_END in values:
        end_text = field(ids.BLOCK_SETUP_END, ids.ACTION_SETUP_END).get("selected_date")
        try:
            end = date.fromisoformat(end_text) if end_text else None
        except ValueError:
            raise InvalidInput("Pick the engagement's end date, or leave it empty.", field="end") from None
    owner: str | None | Literal[Keep.KEEP] = KEEP
    if ids.BLOCK_SETUP_OWNER in values:
        owner = field(ids.BLOCK_SETUP_OWNER, ids.ACTION_SETUP_OWNER).get("selected_user") or None
    cadence = (field(ids.BLOCK_SETUP_CHECKIN, ids.ACTION_SETUP_CHECKIN).get("selected_option") or {}).get("value")
    options = {o.get("value") for o in field(ids.BLOCK_SETUP_OPTIONS, ids.ACTION_SETUP_OPTIONS)
               .get("selected_options") or []}
    data = EngagementInput(
        name=name, display_name=display, tier=tier, hours=hours, start_date=start, timezone=tz,
        digest_weekday=day, digest_time=digest_time, cto_user_ids=list(ctos), founder_user_ids=list(founders),
        decider_user_ids=None if deciders is None else list(deciders),
        llm_consent=ids.OPTION_LLM_CONSENT in options, end_date=end, internal_owner_id=owner,
        checkin_cadence=cadence,
    )
    return data, ids.OPTION_PRIMARY_CHANNEL in options


def register(app: App, deps: Deps) -> None:
    """Register the setup modal's submission."""

    @app.view(ids.VIEW_ENGAGEMENT_SETUP)
    @user_errors(view_fields=blocks.SETUP_FIELD_BLOCKS)
    def engagement_setup_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                                   req: Request) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        channel_id = meta.get("channel_id") or ""
        team_id = req.team_id
        user_id = body["user"]["id"]
        data, primary = parse_setup_values(view["state"]["values"])
        with transaction(deps.session_factory) as session:
            created = engagements.engagement_for_channel(session, team_id=team_id, channel_id=channel_id) is None
            engagement = engagements.setup_engagement(
                session, team_id=team_id, channel_id=channel_id, data=data, actor_id=user_id,
                default_cto_ids=deps.settings.cto_user_ids, make_primary=primary)
            status = engagements.engagement_status(session, engagement=engagement)
            confirmation = blocks.setup_confirmation(status, actor_id=user_id, created=created)
        ack()
        deps.background.submit(_announce, client, channel_id, user_id, confirmation)


def _announce(client: WebClient, channel_id: str, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=channel_id, text=text)
    except Exception:
        logger.info("could not post the setup confirmation in %s; telling %s directly", channel_id, user_id)
        client.chat_postMessage(channel=user_id, text=text)
