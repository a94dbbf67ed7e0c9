"""What a user writes reaches Slack escaped on every surface: it can never mention anyone or carry a link.

Each test writes HOSTILE (`<!channel>`, `<!here>`, `<@U123>`, `<https://evil.example|Open the invoice>`, …)
where a user can, through signed requests, and reads the payload the fake Slack (or the command's reply) got.
"""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.flows.scheduled_posts import post_digest
from bot.models import Decision
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.markup import HOSTILE, assert_hostile_text_is_inert, foreign_markup, payload_text
from tests.helpers.slack_requests import view_state

PR = "https://github.com/acme/api/pull/7"


@pytest.fixture
def acme(slack_app):
    slack_app.fake.set_members("C1", ["U1", "U2"])  # U2, a client engineer, writes in the channel
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          display_name="Acme", start_date=date(2026, 9, 1))


def reply(response) -> str:  # type: ignore[no-untyped-def]
    """A command's reply as Slack reads it: the fallback text and the blocks."""
    assert response.status == 200, response.body
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response.text
    return payload_text(response.json())


def digest_payloads(slack_app, engagement) -> str:  # type: ignore[no-untyped-def]
    """The `/cto digest` preview and the digest as posted in the channel."""
    preview = reply(slack_app.slack.command("/cto", "digest"))
    slack_app.fake.reset()
    result = post_digest(slack_app.runtime.deps, engagement_id=engagement.id, claimed_by="test")
    assert result.posted, result.reason
    [posted] = slack_app.fake.calls_to("chat.postMessage")
    return preview + payload_text(posted)


def home_view(slack_app, user: str = "U1") -> str:
    slack_app.fake.reset()
    opened = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
    assert slack_app.slack.event(opened).status == 200
    [call] = slack_app.fake.wait_for("views.publish")
    return payload_text(call)


def test_a_decision_title_in_the_reply_card_list_accept_and_digest(slack_app, acme):
    recorded = reply(slack_app.slack.command("/decision", HOSTILE, user_id="U2"))
    assert "Recorded ADR-0001" in recorded
    assert_hostile_text_is_inert(recorded)
    slack_app.settle()
    [card] = slack_app.fake.calls_to("chat.postMessage")
    assert_hostile_text_is_inert(payload_text(card))
    assert "&lt;!channel&gt;" in card.args["text"]  # the fallback text too, not only the blocks
    assert_hostile_text_is_inert(reply(slack_app.slack.command("/decision", "list")))
    slack_app.fake.reset()
    accepted = reply(slack_app.slack.command("/decision", "accept 1", user_id="U1"))
    assert "Accepted ADR-0001" in accepted
    assert_hostile_text_is_inert(accepted)
    slack_app.settle()
    written = slack_app.fake.calls_to("chat.update")
    assert len(written) == 2  # the card's update, and the draft an undrafted accepted decision gets
    for call in written:
        assert_hostile_text_is_inert(payload_text(call))
    assert_hostile_text_is_inert(digest_payloads(slack_app, acme))


def test_a_risk_title_in_the_reply_the_register_and_the_digest(slack_app, acme):
    added = reply(slack_app.slack.command("/risk", f"add {HOSTILE} high", user_id="U2"))
    assert "Added risk R1 (high)" in added
    assert_hostile_text_is_inert(added)
    assert_hostile_text_is_inert(reply(slack_app.slack.command("/risk", "")))
    assert_hostile_text_is_inert(digest_payloads(slack_app, acme))
    closed = reply(slack_app.slack.command("/risk", "close 1 done"))
    assert "Closed risk R1" in closed
    assert_hostile_text_is_inert(closed)


def test_a_review_note_in_the_reply_the_list_the_digest_and_app_home(slack_app, acme):
    recorded = reply(slack_app.slack.command("/review", f"{PR} {HOSTILE}", user_id="U2"))
    assert "Recorded a review request" in recorded
    assert_hostile_text_is_inert(recorded)
    listed = reply(slack_app.slack.command("/review", "list"))
    assert_hostile_text_is_inert(listed)
    assert f"<{PR}|github.com/acme/api/pull/7>" in listed  # ctobot's own link stays a link
    assert_hostile_text_is_inert(digest_payloads(slack_app, acme))
    assert_hostile_text_is_inert(home_view(slack_app))


def test_a_question_in_cto_questions_the_digest_and_app_home(slack_app, acme):
    ts = f"{time.time():.6f}"
    event = {"type": "message", "channel": "C1", "user": "U2", "text": f"{HOSTILE} can we ship on Friday?",
             "ts": ts, "channel_type": "channel"}
    assert slack_app.slack.event(event).status == 200
    slack_app.settle()
    listed = reply(slack_app.slack.command("/cto", "questions"))
    assert "1 open question" in listed
    assert_hostile_text_is_inert(listed)
    permalink = f"<https://test.slack.com/archives/C1/p{ts.replace('.', '')}|"
    assert permalink in listed  # the question still links to its message
    assert_hostile_text_is_inert(digest_payloads(slack_app, acme))
    assert_hostile_text_is_inert(home_view(slack_app))


def test_an_artifacts_skip_reason_and_a_smuggled_link(slack_app, acme):
    skipped = reply(slack_app.slack.command("/artifact", f"skip hiring-kit {HOSTILE}"))
    assert_hostile_text_is_inert(skipped)
    for smuggled in ("https://docs.example.com/a><!channel", "javascript:alert(1)//<@U123>"):
        done = reply(slack_app.slack.command("/artifact", f"done technical-audit {smuggled}"))
        assert "delivered" in done
        assert foreign_markup(done) == [] and "<javascript" not in done and "<!channel>" not in done
    done = reply(slack_app.slack.command("/artifact", "done roadmap https://docs.example.com/roadmap?a=1&b=2"))
    assert "<https://docs.example.com/roadmap?a=1&amp;b=2|link>" in done  # a plain link the CTO gave stays one


def test_a_time_entry_note_in_the_confirmation_and_the_weeks_list(slack_app, acme):
    logged = reply(slack_app.slack.command("/logtime", f"1h review {HOSTILE}"))
    assert "Logged 1h of review" in logged
    assert foreign_markup(logged) == [] and "&lt;!channel&gt;" in logged and "&lt;@U123&gt;" in logged
    assert_hostile_text_is_inert(reply(slack_app.slack.command("/logtime", "list")))


def test_template_and_edited_adr_drafts(slack_app, acme):
    slack_app.slack.command("/decision", "Store events durably", user_id="U2")
    slack_app.settle()
    with transaction(slack_app.session_factory) as session:
        decision = session.exec(select(Decision)).one()
    slack_app.fake.add_message("C1", f"Context: {HOSTILE}", user="U2", thread_ts=decision.card_ts)
    slack_app.fake.add_message("C1", f"Options:\n- {HOSTILE}\n- Kafka", user="U2", thread_ts=decision.card_ts)
    slack_app.fake.add_message("C1", f"We go with Postgres {HOSTILE}", user="U1", thread_ts=decision.card_ts)
    slack_app.fake.reset()
    slack_app.slack.command("/decision", "draft 1", user_id="U2")
    slack_app.settle()
    drafted = slack_app.fake.calls_to("chat.update")[-1]
    assert "Assembled from this thread by a template" in payload_text(drafted)
    assert_hostile_text_is_inert(payload_text(drafted))

    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_EDIT, "value": str(decision.id)},
                                 user_id="U2", message={"ts": drafted.args["ts"]})
    [opened] = slack_app.fake.wait_for("views.open")
    view = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    state = view_state({ids.BLOCK_DECISION_CONTEXT: {ids.ACTION_DECISION_CONTEXT: f"Edited {HOSTILE}"},
                        ids.BLOCK_DECISION_OPTIONS: {ids.ACTION_DECISION_OPTIONS: f"Postgres\n{HOSTILE}"},
                        ids.BLOCK_DECISION_OUTCOME: {ids.ACTION_DECISION_OUTCOME: HOSTILE},
                        ids.BLOCK_DECISION_CONSEQUENCES: {ids.ACTION_DECISION_CONSEQUENCES: HOSTILE}})
    slack_app.fake.reset()
    saved = slack_app.slack.view_submission({"callback_id": ids.VIEW_DECISION_EDIT, "state": state,
                                             "private_metadata": view["private_metadata"]}, user_id="U2")
    assert saved.status == 200 and "errors" not in saved.text
    slack_app.settle()
    [edited] = slack_app.fake.calls_to("chat.update")
    assert "Edited " in payload_text(edited) and "Edited by <@U2>" in payload_text(edited)
    assert_hostile_text_is_inert(payload_text(edited))


def test_a_hostile_client_name_is_escaped_wherever_it_is_shown(slack_app):
    engagement = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                                display_name=f"Acme {HOSTILE}"[:200], start_date=date(2026, 9, 1))
    for command, text in (("/cto", "status"), ("/cto", "questions"), ("/review", "list"), ("/risk", ""),
                          ("/artifact", ""), ("/decision", "list"), ("/logtime", "list"), ("/logtime", "1h review")):
        assert_hostile_text_is_inert(reply(slack_app.slack.command(command, text)))
    assert_hostile_text_is_inert(digest_payloads(slack_app, engagement))
    assert_hostile_text_is_inert(home_view(slack_app))
    refused = reply(slack_app.slack.command("/logtime", "1h review", user_id="U2"))  # "Only Acme …'s CTO can"
    assert "CTO" in refused and foreign_markup(refused) == [] and "&lt;!channel&gt;" in refused


def test_an_error_that_quotes_the_users_words_escapes_them(slack_app, acme):
    refused = reply(slack_app.slack.command("/cto", "<!channel>"))
    assert "I don't know" in refused and "&lt;!channel&gt;" in refused and foreign_markup(refused) == []
