"""`/decision` through signed requests: record and card, list, accept/reject, supersede, modal, shortcut."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import Decision
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.slack_requests import view_state


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          display_name="Acme", start_date=date(2026, 9, 1))


def stored(slack_app) -> dict[int, Decision]:
    with transaction(slack_app.session_factory) as session:
        return {d.number: d for d in session.exec(select(Decision)).all()}


def button_ids(blocks: list) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def record(slack_app, title: str = "Use Postgres for events", user: str = "U2") -> Decision:
    reply = reply_text(slack_app.slack.command("/decision", title, user_id=user))
    assert "Recorded ADR-" in reply, reply
    slack_app.settle()
    return max(stored(slack_app).values(), key=lambda d: d.number)


def test_recording_posts_a_card_whose_thread_is_the_discussion(slack_app, acme):
    reply = reply_text(slack_app.slack.command("/decision", "Use Postgres for events", user_id="U2"))
    assert "Recorded ADR-0001: Use Postgres for events" in reply
    slack_app.settle()
    [post] = slack_app.fake.calls_to("chat.postMessage")
    blocks = json.loads(post.args["blocks"]) if isinstance(post.args["blocks"], str) else post.args["blocks"]
    card = json.dumps(blocks)
    assert post.args["channel"] == "C1" and "ADR-0001" in card and "Use Postgres for events" in card
    assert "proposed" in card and "<@U2>" in card
    assert button_ids(blocks) == [ids.ACTION_DECISION_DRAFT, ids.ACTION_DECISION_ACCEPT, ids.ACTION_DECISION_REJECT]
    decision = stored(slack_app)[1]
    card_ts = slack_app.fake.messages("C1")[-1]["ts"]
    assert (decision.channel_id, decision.card_ts, decision.thread_ts) == ("C1", card_ts, card_ts)
    assert decision.permalink and "archives/C1" in decision.permalink


def test_list_help_and_unknown_numbers(slack_app, acme):
    record(slack_app, "Use Postgres for events")
    record(slack_app, "Queue with SQS")
    listed = reply_text(slack_app.slack.command("/decision", "list"))
    assert "2 decisions" in listed and listed.index("ADR-0001") < listed.index("ADR-0002") and "proposed" in listed
    assert "/decision supersede" in reply_text(slack_app.slack.command("/decision", "help"))
    missing = reply_text(slack_app.slack.command("/decision", "accept 9", user_id="U1"))
    assert "There is no decision ADR-0009 in Acme" in missing
    bad = reply_text(slack_app.slack.command("/decision", "accept nine", user_id="U1"))
    assert "not a decision number" in bad
    assert "/cto setup" in reply_text(slack_app.slack.command("/decision", "Something", channel_id="C404"))
    for sub in ("accept", "reject", "draft", "supersede"):
        assert "Name the decision's number" in reply_text(slack_app.slack.command("/decision", sub, user_id="U1"))
    assert len(stored(slack_app)) == 2


def test_only_a_decider_accepts_and_the_card_updates_once(slack_app, acme):
    decision = record(slack_app)
    refused = reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    assert "Only Acme's deciders can accept decisions" in refused and stored(slack_app)[1].status == "proposed"
    assert "Accepted ADR-0001" in reply_text(slack_app.slack.command("/decision", "accept ADR-0001", user_id="U1"))
    slack_app.settle()
    again = reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U1"))
    slack_app.settle()
    assert "already accepted" in again
    [update] = [c for c in slack_app.fake.calls_to("chat.update") if c.args["ts"] == decision.card_ts]
    card = slack_app.fake.thread("C1", decision.card_ts)[0]
    assert "accepted" in json.dumps(card["blocks"]) and button_ids(card["blocks"]) == [ids.ACTION_DECISION_DRAFT]
    assert "already accepted" in reply_text(slack_app.slack.command("/decision", "reject 1", user_id="U1"))
    assert "`adrs` — due 31 Oct 2026 — :white_check_mark: delivered" in reply_text(
        slack_app.slack.command("/artifact", ""))


def test_reject_by_button_and_a_non_cto_click_changes_nothing(slack_app, acme):
    decision = record(slack_app)
    action = {"action_id": ids.ACTION_DECISION_REJECT, "value": str(decision.id)}
    slack_app.slack.block_action(action, user_id="U2", message={"ts": decision.card_ts})
    [told] = slack_app.fake.wait_for_response()
    assert "Only Acme's deciders can reject decisions" in json.dumps(told)
    assert stored(slack_app)[1].status == "proposed"
    slack_app.slack.block_action(action, user_id="U1", message={"ts": decision.card_ts})
    slack_app.fake.wait_for_response(2)
    slack_app.settle()
    assert stored(slack_app)[1].status == "rejected"
    card = slack_app.fake.thread("C1", decision.card_ts)[0]
    assert "rejected" in json.dumps(card["blocks"])


def test_concurrent_accepts_by_signed_requests_give_one_transition(slack_app, acme):
    record(slack_app)
    barrier = threading.Barrier(4)
    replies: list[str] = []

    def accept() -> None:
        barrier.wait()
        replies.append(reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U1")))

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slack_app.settle()
    assert sum("Accepted ADR-0001" in r for r in replies) == 1
    assert sum("already accepted" in r for r in replies) == 3
    card_ts = stored(slack_app)[1].card_ts
    assert len([c for c in slack_app.fake.calls_to("chat.update") if c.args["ts"] == card_ts]) == 1
    assert len(slack_app.fake.calls_to("chat.postMessage")) == 2  # the card, and one draft in its thread


def test_concurrent_recording_gives_unique_numbers_and_one_card_each(slack_app, acme):
    barrier = threading.Barrier(5)

    def propose(n: int) -> None:
        barrier.wait()
        slack_app.slack.command("/decision", f"Decision {n}", user_id="U2")

    threads = [threading.Thread(target=propose, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slack_app.settle()
    rows = stored(slack_app)
    assert sorted(rows) == [1, 2, 3, 4, 5] and len({d.title for d in rows.values()}) == 5
    assert len({d.card_ts for d in rows.values()}) == 5 and len(slack_app.fake.calls_to("chat.postMessage")) == 5


def test_supersede_links_both_ways_and_updates_the_old_card(slack_app, acme):
    old = record(slack_app, "Use MySQL")
    assert "Only Acme's CTO" in reply_text(slack_app.slack.command("/decision", "supersede 1 Use Postgres",
                                                                   user_id="U2"))
    reply = reply_text(slack_app.slack.command("/decision", "supersede 1 Use Postgres", user_id="U1"))
    assert "Recorded ADR-0002: Use Postgres, superseding ADR-0001" in reply
    slack_app.settle()
    rows = stored(slack_app)
    assert rows[1].status == "superseded" and rows[1].superseded_by_id == rows[2].id
    assert rows[2].supersedes_id == rows[1].id
    old_card = json.dumps(slack_app.fake.thread("C1", old.card_ts)[0]["blocks"])
    assert "Superseded by ADR-0002" in old_card
    new_card = json.dumps(slack_app.fake.thread("C1", rows[2].card_ts)[0]["blocks"])
    assert "Supersedes ADR-0001" in new_card
    assert "Name the new decision" in reply_text(slack_app.slack.command("/decision", "supersede 1", user_id="U1"))


def test_decision_alone_opens_the_modal_and_its_submission_records(slack_app, acme):
    slack_app.fake.set_members("C1", ["U1", "U2"])
    slack_app.slack.command("/decision", "", user_id="U2", trigger_id="trig-1")
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    assert view["callback_id"] == ids.VIEW_DECISION
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == ["Title", "Context and problem", "Options considered", "Decision outcome", "Consequences",
                      "Deciders"]
    blank = slack_app.slack.view_submission({"callback_id": ids.VIEW_DECISION, "private_metadata":
                                             view["private_metadata"], "state": view_state({})}, user_id="U2")
    assert blank.json()["errors"] == {ids.BLOCK_DECISION_TITLE: "Give the decision a title."}
    state = view_state({
        ids.BLOCK_DECISION_TITLE: {ids.ACTION_DECISION_TITLE: "Adopt Terraform"},
        ids.BLOCK_DECISION_CONTEXT: {ids.ACTION_DECISION_CONTEXT: "Clicking in the console does not scale."},
        ids.BLOCK_DECISION_OPTIONS: {ids.ACTION_DECISION_OPTIONS: "Terraform\n\nPulumi\n"},
        ids.BLOCK_DECISION_DECIDERS: {ids.ACTION_DECISION_DECIDERS: {"type": "multi_users_select",
                                                                     "selected_users": ["U1", "U3"]}},
    })
    done = slack_app.slack.view_submission({"callback_id": ids.VIEW_DECISION,
                                            "private_metadata": view["private_metadata"], "state": state},
                                           user_id="U2")
    assert done.status == 200 and "errors" not in done.text
    slack_app.settle()
    decision = stored(slack_app)[1]
    assert (decision.title, decision.options, decision.deciders) == ("Adopt Terraform", "Terraform\nPulumi",
                                                                     ["U1", "U3"])
    assert decision.card_ts and slack_app.fake.calls_to("chat.postMessage")


def test_the_shortcut_records_a_decision_from_a_thread_and_posts_the_card_in_it(slack_app, acme):
    parent = slack_app.fake.add_message("C1", "Should we *move to Kubernetes*?\nOur deploys are manual.",
                                        user="U2")
    reply_ts = slack_app.fake.add_message("C1", "I think so", user="U3", thread_ts=parent)
    slack_app.slack.message_shortcut(ids.SHORTCUT_RECORD_DECISION,
                                     {"ts": reply_ts, "thread_ts": parent, "text": "Move to Kubernetes",
                                      "user": "U3"}, user_id="U2")
    [told] = slack_app.fake.wait_for_response()
    assert "Recorded ADR-0001: Move to Kubernetes" in json.dumps(told)
    slack_app.settle()
    decision = stored(slack_app)[1]
    assert decision.thread_ts == parent and decision.card_ts != parent and decision.channel_id == "C1"
    [post] = slack_app.fake.calls_to("chat.postMessage")
    assert post.args["thread_ts"] == parent


def test_the_shortcut_title_is_the_first_line_without_markup():
    from handlers.shortcuts.decision import title_from

    assert title_from("\nShould we *move* to <https://k8s.io|Kubernetes>?\nmore") == "Should we move to Kubernetes?"


def test_a_long_list_stays_within_slacks_limits_and_names_every_decision(slack_app, acme):
    from bot.slack import decision_blocks

    rows = [Decision(id=n, engagement_id=acme.id, number=n, title=f"Decision {n} " + "x" * 280) for n in range(1, 41)]
    text, message_blocks = decision_blocks.list_message(rows, engagement=acme)
    sections = [b["text"]["text"] for b in message_blocks if b["type"] == "section"]
    assert len(message_blocks) <= 50 and all(len(t) <= 3000 for t in sections)
    assert all(f"ADR-{n:04d}" in "".join(sections) for n in range(1, 41)) and "…" not in "".join(sections)


def test_a_card_that_slack_refused_is_posted_when_the_draft_is_asked_for(slack_app, acme):
    slack_app.fake.fail("chat.postMessage", times=3, status=500)
    assert "Recorded ADR-0001" in reply_text(slack_app.slack.command("/decision", "Use Postgres", user_id="U2"))
    slack_app.settle()
    assert stored(slack_app)[1].card_ts is None  # the decision is kept although its card could not be posted
    assert "Drafting" in reply_text(slack_app.slack.command("/decision", "draft 1", user_id="U2"))
    slack_app.settle()
    decision = stored(slack_app)[1]
    assert decision.card_ts and decision.draft_method == "template"
    thread = slack_app.fake.thread("C1", decision.card_ts)
    assert "ADR-0001" in thread[0]["text"] and "ADR draft" in json.dumps(thread[-1]["blocks"])
