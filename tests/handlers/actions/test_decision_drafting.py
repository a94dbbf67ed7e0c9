"""ADR drafts in the decision's thread: Drafting…, the whole (paginated) thread, LLM or template, Edit, Regenerate."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import Decision
from bot.slack import ids, threads
from tests.fakes.openai_api import GOOD_DRAFT, good, status
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.slack_requests import view_state

TOKEN = "xoxb-9999999999-8888888888888-PlantedTokenInTheThread"
KEY = "sk-abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def app_settings_overrides(fake_llm):
    return {"openai_api_key": "test-openai-key-123456", "openai_base_url": fake_llm.url, "openai_model": "fake",
            "openai_timeout": 1.0, "openai_max_retries": 0}


def setup(slack_app, *, consent: bool, monkeypatch) -> Decision:
    monkeypatch.setattr(threads, "PAGE_SIZE", 2)  # small pages, so that reading the thread must follow cursors
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme",
                   start_date=date(2026, 9, 1), llm_consent=consent)
    slack_app.fake.set_members("C1", ["U1", "U2", "U3"])
    slack_app.slack.command("/decision", "Store events durably", user_id="U2")
    slack_app.settle()
    with transaction(slack_app.session_factory) as session:
        decision = session.exec(select(Decision)).one()
    for user, text in (("U2", "Events live in flat files and we lose them on restart."),
                       ("U3", "Options:\n- Postgres\n- Kafka"),
                       ("U2", f"Option C: EventStoreDB. Creds: {TOKEN} and {KEY}"),
                       ("U1", "Postgres: we already run it and back it up."),
                       ("U3", "Agreed")):
        slack_app.fake.add_message("C1", text, user=user, thread_ts=decision.card_ts)
    slack_app.fake.reset()
    return decision


def current(slack_app) -> Decision:
    with transaction(slack_app.session_factory) as session:
        return session.exec(select(Decision)).one()


def draft_reply(slack_app, decision: Decision) -> dict:
    """The thread's draft message (the bot's last reply)."""
    replies = [m for m in slack_app.fake.thread("C1", decision.card_ts) if m["ts"] != decision.card_ts
               and m.get("bot_id")]
    return replies[-1]


def test_draft_reads_the_whole_thread_and_the_llm_never_sees_the_token(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=True, monkeypatch=monkeypatch)
    reply = reply_text(slack_app.slack.command("/decision", "draft 1", user_id="U3"))
    assert "Drafting the ADR for ADR-0001" in reply
    slack_app.settle()
    posted = slack_app.fake.calls_to("chat.postMessage")
    assert posted[0].args["thread_ts"] == decision.card_ts and "Drafting" in posted[0].args["text"]
    pages = slack_app.fake.calls_to("conversations.replies")
    assert len(pages) == 4 and pages[1].args.get("cursor")  # card, 5 replies, "Drafting…": 7 at 2 a page
    body = fake_llm.raw_bodies[0].decode()
    assert TOKEN not in body and KEY not in body and "[redacted]" in body
    assert "Postgres: we already run it" in body and "Agreed" in body  # first and last pages both read
    stored = current(slack_app)
    assert stored.draft_method == "llm" and stored.outcome == GOOD_DRAFT["outcome"]
    assert "drafted by an LLM" in stored.draft_text
    message = draft_reply(slack_app, decision)
    shown = json.dumps(message["blocks"])
    assert "Drafted by an LLM" in shown and GOOD_DRAFT["context"] in shown
    assert [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        ids.ACTION_DECISION_ACCEPT, ids.ACTION_DECISION_EDIT, ids.ACTION_DECISION_REGENERATE]


def test_without_consent_the_template_drafts_and_says_so(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=False, monkeypatch=monkeypatch)
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_DRAFT, "value": str(decision.id)},
                                 user_id="U2", message={"ts": decision.card_ts})
    slack_app.settle()
    assert fake_llm.requests == []
    stored = current(slack_app)
    assert stored.draft_method == "template" and stored.context.startswith("Events live in flat files")
    assert stored.options.splitlines()[:2] == ["Postgres", "Kafka"]
    assert stored.outcome == "Postgres: we already run it and back it up."
    assert TOKEN not in (stored.draft_text or "") and TOKEN not in stored.options
    shown = json.dumps(draft_reply(slack_app, decision)["blocks"])
    assert "Assembled from this thread by a template" in shown and "not consented" in shown


def test_an_llm_error_still_ends_in_a_template_draft(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=True, monkeypatch=monkeypatch)
    fake_llm.answer(status(500))
    slack_app.slack.command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    assert current(slack_app).draft_method == "template"
    assert "HTTP 500" in json.dumps(draft_reply(slack_app, decision)["blocks"])


def test_the_ack_does_not_wait_for_the_thread(slack_app, fake_llm, monkeypatch):
    setup(slack_app, consent=True, monkeypatch=monkeypatch)
    slack_app.fake.slow("conversations.replies", 0.5)
    reply = reply_text(slack_app.slack.command("/decision", "draft 1", user_id="U3"))
    assert "Drafting" in reply and current(slack_app).draft_method is None
    slack_app.settle()
    assert current(slack_app).draft_method == "llm"


def test_edit_opens_the_draft_prefilled_and_saving_updates_the_message(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=False, monkeypatch=monkeypatch)
    slack_app.slack.command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    message = draft_reply(slack_app, decision)
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_EDIT, "value": str(decision.id)},
                                 user_id="U2", message={"ts": message["ts"]})
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    prefilled = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert prefilled[ids.BLOCK_DECISION_OUTCOME] == "Postgres: we already run it and back it up."
    state = view_state({ids.BLOCK_DECISION_CONTEXT: {ids.ACTION_DECISION_CONTEXT: "Edited context"},
                        ids.BLOCK_DECISION_OPTIONS: {ids.ACTION_DECISION_OPTIONS: "Postgres\nKafka"},
                        ids.BLOCK_DECISION_OUTCOME: {ids.ACTION_DECISION_OUTCOME: "Postgres"},
                        ids.BLOCK_DECISION_CONSEQUENCES: {ids.ACTION_DECISION_CONSEQUENCES: "Backups"}})
    saved = slack_app.slack.view_submission({"callback_id": ids.VIEW_DECISION_EDIT, "state": state,
                                             "private_metadata": view["private_metadata"]}, user_id="U2")
    assert saved.status == 200 and "errors" not in saved.text
    slack_app.settle()
    stored = current(slack_app)
    assert (stored.context, stored.consequences, stored.draft_method) == ("Edited context", "Backups", "template")
    shown = json.dumps(draft_reply(slack_app, decision)["blocks"])
    assert "Edited context" in shown and "Edited by <@U2>" in shown


def test_regenerate_rewrites_the_same_message(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=True, monkeypatch=monkeypatch)
    fake_llm.answer(status(500))
    slack_app.slack.command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    message = draft_reply(slack_app, decision)
    fake_llm.answer(good())
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_REGENERATE, "value": str(decision.id)},
                                 user_id="U3", message={"ts": message["ts"]})
    slack_app.settle()
    assert current(slack_app).draft_method == "llm"
    assert draft_reply(slack_app, decision)["ts"] == message["ts"]
    assert len([c for c in slack_app.fake.calls_to("chat.postMessage") if "Drafting" in c.args.get("text", "")]) == 1


def test_accept_on_the_draft_updates_the_card_and_the_draft(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=False, monkeypatch=monkeypatch)
    slack_app.slack.command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    message = draft_reply(slack_app, decision)
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_ACCEPT, "value": str(decision.id)},
                                 user_id="U1", message={"ts": message["ts"]})
    slack_app.fake.wait_for_response()
    slack_app.settle()
    assert current(slack_app).status == "accepted"
    card = slack_app.fake.thread("C1", decision.card_ts)[0]
    assert "accepted" in json.dumps(card["blocks"])
    buttons = [e["action_id"] for b in draft_reply(slack_app, decision)["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == [ids.ACTION_DECISION_EDIT, ids.ACTION_DECISION_REGENERATE]


def test_a_thread_slack_will_not_give_is_said_in_place_of_the_draft(slack_app, fake_llm, monkeypatch):
    decision = setup(slack_app, consent=True, monkeypatch=monkeypatch)
    slack_app.fake.fail("conversations.replies", times=1, status=200, body={"ok": False, "error": "not_in_channel"})
    slack_app.slack.command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    assert fake_llm.requests == [] and current(slack_app).draft_method is None
    assert "couldn't read this thread" in json.dumps(draft_reply(slack_app, decision)["blocks"])
