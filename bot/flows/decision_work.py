"""Slow `/decision` work for the background pool: posting and updating cards, drafting ADRs from threads."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import transaction
from bot.deps import Deps
from bot.llm.draft import Recorded, ThreadMessage
from bot.llm.drafting import draft_adr
from bot.services import decisions, engagements
from bot.services.decisions import DecisionFields
from bot.slack import decision_blocks
from bot.slack.blocks import section
from bot.slack.threads import is_person, read_thread
from bot.slack.users import remember_names

logger = logging.getLogger(__name__)


def _links(session, decision) -> dict[int, int]:  # type: ignore[no-untyped-def]
    ids = {i for i in (decision.supersedes_id, decision.superseded_by_id) if i}
    return decisions.numbers_by_id(session, ids=ids)


def post_card(deps: Deps, client: WebClient, decision_id: int) -> None:
    """Post the decision's card (in its thread when it came from one) and remember where it is."""
    with transaction(deps.session_factory) as session:
        decision, _ = decisions.get_by_id(session, decision_id=decision_id)
        text, blocks = decision_blocks.card(decision, links=_links(session, decision))
        channel, thread_ts = decision.channel_id, decision.thread_ts
    if not channel:
        return
    posted = client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts)
    card_ts = str(posted["ts"])
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=thread_ts or card_ts).get("permalink")
    except SlackApiError:
        logger.info("no permalink for decision %s", decision_id)
    with transaction(deps.session_factory) as session:
        decisions.set_card(session, decision_id=decision_id, channel_id=str(posted["channel"]), card_ts=card_ts,
                           thread_ts=thread_ts or card_ts, permalink=permalink)


def refresh_card(deps: Deps, client: WebClient, *decision_ids: int) -> None:
    """Show each decision's current status on its card (chat.update)."""
    for decision_id in decision_ids:
        with transaction(deps.session_factory) as session:
            decision, _ = decisions.get_by_id(session, decision_id=decision_id)
            text, blocks = decision_blocks.card(decision, links=_links(session, decision))
            channel, card_ts = decision.channel_id, decision.card_ts
        if channel and card_ts:
            client.chat_update(channel=channel, ts=card_ts, text=text, blocks=blocks)


def draft_in_thread(deps: Deps, client: WebClient, decision_id: int, message_ts: str | None = None) -> None:
    """Say "Drafting…" in the thread, read the whole thread, draft (LLM or template) and show the draft there."""
    with transaction(deps.session_factory) as session:
        decision, _ = decisions.get_by_id(session, decision_id=decision_id)
        missing_card = decision.channel_id is not None and decision.card_ts is None
    if missing_card:  # its card was never posted (Slack was down): post it now, its thread is the discussion
        post_card(deps, client, decision_id)
    with transaction(deps.session_factory) as session:
        decision, engagement = decisions.get_by_id(session, decision_id=decision_id)
        channel, thread_ts, title = decision.channel_id, decision.thread_ts, decision.title
        ctos, consent = set(engagement.cto_user_ids), engagement.llm_consent
        deciders, team_id = set(engagements.deciders_of(engagement)), engagement.team_id
        outcome = decision.outcome or (f"Accepted as titled: {decision.title}." if decision.status == "accepted"
                                       else "")
        recorded = Recorded(context=decision.context, options=tuple(decisions.options_list(decision.options)),
                            outcome=outcome, consequences=decision.consequences)
        text, blocks = decision_blocks.drafting_message(decision, again=message_ts is not None)
    if not channel or not thread_ts:
        return
    if message_ts is None:
        message_ts = str(client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)["ts"])
    else:
        client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)
    try:
        thread = [m for m in read_thread(client, channel=channel, ts=thread_ts) if is_person(m)]
    except SlackApiError as exc:
        logger.warning("could not read the thread of decision %s: %s", decision_id, exc.response.get("error"))
        failed = ("I couldn't read this thread, so there is no draft yet. "
                  f"Try again with `/decision draft {decisions.label(decision.number)}`.")
        client.chat_update(channel=channel, ts=message_ts, text=failed, blocks=[section(failed)])
        return
    names = remember_names(deps.session_factory, deps.users, client, team_id, {str(m.get("user")) for m in thread})
    messages = [ThreadMessage(user_id=str(m.get("user")), text=str(m.get("text") or ""), ts=str(m.get("ts")),
                              by_cto=m.get("user") in ctos, by_decider=m.get("user") in deciders,
                              name=names.get(str(m.get("user")), "")) for m in thread]
    result = draft_adr(title=title, messages=messages, llm=deps.llm, consent=consent, recorded=recorded,
                       secrets=deps.settings.secret_values())
    draft = result.draft
    with transaction(deps.session_factory) as session:
        decision, engagement = decisions.get_by_id(session, decision_id=decision_id)
        decisions.save_draft(session, engagement=engagement, decision=decision, method=result.method,
                             why_template=result.why_template,
                             fields=DecisionFields(context=draft.context, options=tuple(draft.options),
                                                   outcome=draft.outcome, consequences=draft.consequences))
        text, blocks = decision_blocks.draft_message(decision, why_template=result.why_template)
    client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)


def after_decision(deps: Deps, client: WebClient, decision_id: int) -> None:
    """Once a decider accepted or rejected: store the deciders' names, update the card, and draft an accepted
    decision nobody drafted (from its thread; by the template from what was recorded when it has none)."""
    with transaction(deps.session_factory) as session:
        decision, engagement = decisions.get_by_id(session, decision_id=decision_id)
        team_id, deciders = engagement.team_id, list(decision.deciders)
        undrafted = decision.status == "accepted" and decision.draft_method is None
        has_thread = bool(decision.channel_id)
    remember_names(deps.session_factory, deps.users, client, team_id, deciders)
    refresh_card(deps, client, decision_id)
    if not undrafted:
        return
    if has_thread:
        try:
            draft_in_thread(deps, client, decision_id)
        except Exception:  # Slack failed mid-way: the record still gets its draft below
            logger.exception("drafting accepted decision %s in its thread failed", decision_id)
    with transaction(deps.session_factory) as session:
        decision, _ = decisions.get_by_id(session, decision_id=decision_id)
        still_undrafted = decision.draft_method is None
    if still_undrafted:
        draft_from_record(deps, decision_id)


def draft_from_record(deps: Deps, decision_id: int) -> None:
    """Draft a decision that has no thread from what was recorded (the template; nothing leaves for an LLM)."""
    from bot.llm.template import TemplateDrafter

    with transaction(deps.session_factory) as session:
        decision, engagement = decisions.get_by_id(session, decision_id=decision_id)
        recorded = Recorded(context=decision.context, options=tuple(decisions.options_list(decision.options)),
                            outcome=decision.outcome or f"Accepted as titled: {decision.title}.",
                            consequences=decision.consequences)
        draft = TemplateDrafter().draft(title=decision.title, messages=[], recorded=recorded)
        decisions.save_draft(session, engagement=engagement, decision=decision, method="template",
                             why_template="it was not discussed in a Slack thread",
                             fields=DecisionFields(context=draft.context, options=tuple(draft.options),
                                                   outcome=draft.outcome, consequences=draft.consequences))


def show_draft(deps: Deps, client: WebClient, decision_id: int, channel: str | None,
               message_ts: str | None, edited_by: str | None = None) -> None:
    """After an edit or a decision: the draft message shows the saved text and the buttons that still apply."""
    with transaction(deps.session_factory) as session:
        decision, _ = decisions.get_by_id(session, decision_id=decision_id)
        text, blocks = decision_blocks.draft_message(decision, edited_by=edited_by)
    if channel and message_ts:
        client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)
