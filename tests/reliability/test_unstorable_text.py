"""Text a database cannot store as sent (NUL, lone surrogates, more than a column holds) is recorded once, cleaned.

Before, PostgreSQL refused such a row with an error, the request got a 500, Slack retried, and every retry
failed the same way: the question (or review, decision, time note, risk) was never recorded.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.models import Decision, Question, ReviewRequest, Risk, TimeEntry
from tests.helpers.factories import add_engagement

ASKED = "1763805600.000100"
LONG_PR = "https://gitlab.example.com/" + "platform/" * 66 + "-/merge_requests/7"  # 611 characters


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          start_date=date(2025, 9, 1))


def message(text: str, *, ts: str = ASKED) -> dict:
    return {"type": "message", "channel": "C1", "user": "U2", "text": text, "ts": ts, "channel_type": "channel",
            "team": "T_TEST", "event_ts": ts}


def rows(slack_app, model) -> list:  # type: ignore[no-untyped-def]
    with slack_app.session_factory() as session:
        return list(session.exec(select(model).order_by(model.id)).all())


def deliver_with_retries(slack_app, event: dict) -> None:
    """The first delivery and Slack's three retries of it, each answered 2xx."""
    for retry in (None, 1, 2, 3):
        response = slack_app.slack.event(event, event_id="EvUNSTORABLE", retry_num=retry)
        assert response.status == 200, (retry, response.status, response.text)


@pytest.mark.parametrize(("text", "stored"), [
    ("Can we ship\x00 the billing page today?", "Can we ship the billing page today?"),
    ("Is the \ud83d build green?", "Is the \ufffd build green?"),
    ("Did the \ud83d\x00\udc00 deploy fail?", "Did the \ufffd\ufffd deploy fail?"),
])
def test_a_question_a_database_cannot_store_as_sent_is_recorded_once(slack_app, acme, text, stored):
    deliver_with_retries(slack_app, message(text))
    [question] = rows(slack_app, Question)
    assert question.text == stored and question.status == "open"


def test_a_pull_request_link_longer_than_the_column_is_recorded_once(slack_app, acme):
    assert len(LONG_PR) > 600
    deliver_with_retries(slack_app, message(f"Please review {LONG_PR}"))
    [review] = rows(slack_app, ReviewRequest)
    assert review.url == LONG_PR[:500]  # bounded: the message's permalink leads to the whole link
    other = message(f"And again: {LONG_PR}", ts="1763805700.000100")
    deliver_with_retries(slack_app, other)  # the same link in a later message is the same request
    assert len(rows(slack_app, ReviewRequest)) == 1


def test_slash_command_text_with_nul_and_overlong_links_is_recorded(slack_app, acme):
    sent = slack_app.slack.command("/review", f"{LONG_PR} please\x00 check")
    assert sent.status == 200, sent.text
    [review] = rows(slack_app, ReviewRequest)
    assert review.url == LONG_PR[:500] and "\x00" not in review.note
    assert slack_app.slack.command("/review", LONG_PR).status == 200  # asked again: the same request
    assert len(rows(slack_app, ReviewRequest)) == 1

    assert slack_app.slack.command("/decision", "Move payments\x00 to a queue").status == 200
    [decision] = rows(slack_app, Decision)
    assert decision.title == "Move payments to a queue"

    assert slack_app.slack.command("/risk", "add Single\x00 payments worker high").status == 200
    [risk] = rows(slack_app, Risk)
    assert (risk.title, risk.severity) == ("Single payments worker", "high")

    assert slack_app.slack.command("/logtime", "1h review checked\x00 the migration").status == 200
    [entry] = rows(slack_app, TimeEntry)
    assert entry.note == "checked the migration"


def test_a_shortcut_on_a_message_with_a_lone_surrogate_and_a_long_link_records_it(slack_app, acme):
    text = f"Blocked \ud83d\x00 on {LONG_PR}"
    for _ in range(2):  # clicked twice: still one of each
        assert slack_app.slack.message_shortcut("track_question", {"ts": ASKED, "text": text}).status == 200
        assert slack_app.slack.message_shortcut("request_review", {"ts": ASKED, "text": text}).status == 200
    [question] = rows(slack_app, Question)
    assert question.text.startswith("Blocked \ufffd on https://gitlab.example.com/platform/")
    [review] = rows(slack_app, ReviewRequest)
    assert review.url == LONG_PR[:500]
