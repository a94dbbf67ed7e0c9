"""Buttons on decision cards and drafts: Draft ADR, Accept, Reject, Edit, Regenerate."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.flows import decision_work
from bot.models import Decision, Engagement
from bot.services import decisions, ownership
from bot.services.decisions import require_thread
from bot.slack import decision_blocks, ids
from bot.slack.decision_blocks import decide_reply
from handlers.context import Request, channel_of
from handlers.errors import user_errors


def _own_decision(session: Session, action: dict[str, Any], req: Request) -> tuple[Decision, Engagement]:
    """The button's decision, which must be one of the engagement of the channel the button was clicked in."""
    scope = req.scope(session, direct_ok=False)
    return ownership.owned(session, Decision, action.get("value"), scope=scope, what="decision")


def _message_ts(body: dict[str, Any]) -> str | None:
    return (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts")


def register(app: App, deps: Deps) -> None:
    """Register the decision buttons."""

    def decide_clicked(verb: str):  # type: ignore[no-untyped-def]
        @user_errors()
        def clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, client: WebClient,
                      req: Request) -> None:
            ack()
            with transaction(deps.session_factory) as session:
                decision, engagement = _own_decision(session, action, req)
                decision, changed = decisions.decide(session, engagement=engagement, decision=decision,
                                                     user_id=body["user"]["id"], verb=verb)
            if changed:  # names, the card and (accepted, never drafted) the draft: after the ack, outside it
                deps.background.submit(decision_work.after_decision, deps, client, decision.id)
                clicked_ts = _message_ts(body)
                if clicked_ts and clicked_ts != decision.card_ts:  # clicked on the draft: its Accept goes too
                    deps.background.submit(decision_work.show_draft, deps, client, decision.id, channel_of(body),
                                           clicked_ts)
            respond(text=decide_reply(decision, changed, verb), response_type="ephemeral", replace_original=False)

        clicked.__name__ = f"decision_{verb}_clicked"
        return clicked

    app.action(ids.ACTION_DECISION_ACCEPT)(decide_clicked("accept"))
    app.action(ids.ACTION_DECISION_REJECT)(decide_clicked("reject"))

    def draft_clicked(*, in_place: bool) -> Any:
        """Draft ADR (on the card: a new draft message) or Regenerate (on a draft: that message is redrafted)."""

        @user_errors()
        def clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient,
                    req: Request) -> None:
            ack()
            with transaction(deps.session_factory) as session:
                decision, _ = _own_decision(session, action, req)
                require_thread(decision)
            extra = (_message_ts(body),) if in_place else ()
            deps.background.submit(decision_work.draft_in_thread, deps, client, decision.id, *extra)

        clicked.__name__ = "decision_regenerate_clicked" if in_place else "decision_draft_clicked"
        return clicked

    app.action(ids.ACTION_DECISION_DRAFT)(draft_clicked(in_place=False))
    app.action(ids.ACTION_DECISION_REGENERATE)(draft_clicked(in_place=True))

    @app.action(ids.ACTION_DECISION_EDIT)
    @user_errors()
    def edit_clicked(ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient,
                     req: Request) -> None:
        ack()
        with transaction(deps.session_factory) as session:
            decision, _ = _own_decision(session, action, req)
            view = decision_blocks.edit_draft_modal(decision, channel_id=channel_of(body) or "",
                                                    message_ts=_message_ts(body))
        client.views_open(trigger_id=body["trigger_id"], view=view)
