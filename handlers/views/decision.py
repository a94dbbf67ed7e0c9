"""The decision modals' submissions: a new decision, and an edited ADR draft."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.flows import decision_work
from bot.models import Decision
from bot.services import decisions, ownership
from bot.services.decisions import DecisionFields
from bot.slack import decision_blocks, ids
from handlers.context import Request, form_scope, metadata
from handlers.errors import user_errors


def _value(values: dict[str, Any], block: str, action: str) -> Any:
    return (values.get(block, {}).get(action, {}) or {})


def parse_fields(values: dict[str, Any]) -> DecisionFields:
    """The modal's four sections; options one per line."""
    def text(block: str, action: str) -> str:
        return str(_value(values, block, action).get("value") or "")

    return DecisionFields(
        context=text(ids.BLOCK_DECISION_CONTEXT, ids.ACTION_DECISION_CONTEXT),
        options=tuple(decisions.options_list(text(ids.BLOCK_DECISION_OPTIONS, ids.ACTION_DECISION_OPTIONS))),
        outcome=text(ids.BLOCK_DECISION_OUTCOME, ids.ACTION_DECISION_OUTCOME),
        consequences=text(ids.BLOCK_DECISION_CONSEQUENCES, ids.ACTION_DECISION_CONSEQUENCES))


def register(app: App, deps: Deps) -> None:
    """Register the decision modals' submissions."""

    @app.view(ids.VIEW_DECISION)
    @user_errors(view_fields=decision_blocks.FIELD_BLOCKS)
    def decision_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                           req: Request) -> None:
        meta, user_id = metadata(view), body["user"]["id"]
        values = view["state"]["values"]
        title = str(_value(values, ids.BLOCK_DECISION_TITLE, ids.ACTION_DECISION_TITLE).get("value") or "")
        if not title.strip():
            raise InvalidInput("Give the decision a title.", field="title")
        deciders = list(_value(values, ids.BLOCK_DECISION_DECIDERS, ids.ACTION_DECISION_DECIDERS)
                        .get("selected_users") or [])
        with transaction(deps.session_factory) as session:
            scope = form_scope(session, req, channel_id=meta.get("channel_id"))
            decision = decisions.record_decision(session, engagement=scope.channel_engagement, title=title,
                                                 user_id=user_id, fields=parse_fields(values), deciders=deciders,
                                                 channel_id=meta["channel_id"])
            decision_id = decision.id
        ack()
        deps.background.submit(decision_work.post_card, deps, client, decision_id)

    @app.view(ids.VIEW_DECISION_EDIT)
    @user_errors(view_fields=decision_blocks.FIELD_BLOCKS)
    def draft_edited(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                     req: Request) -> None:
        meta, user_id = metadata(view), body["user"]["id"]
        with transaction(deps.session_factory) as session:
            scope = form_scope(session, req, channel_id=meta.get("channel_id"))
            decision, engagement = ownership.owned(session, Decision, meta.get("decision_id"), scope=scope,
                                                   what="decision")
            decisions.save_draft(session, engagement=engagement, decision=decision, fields=parse_fields(
                view["state"]["values"]), method=None, user_id=user_id)
            decision_id = decision.id
        ack()
        deps.background.submit(decision_work.show_draft, deps, client, decision_id, meta.get("channel_id"),
                               meta.get("message_ts"), user_id)
