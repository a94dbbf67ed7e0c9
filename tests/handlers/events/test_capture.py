"""Questions and review requests captured from Slack's real event payloads, recorded once, before the ack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.models import Question, ReviewRequest
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually

ASKED = "1763805600.000100"  # Sat 22 Nov 2025 10:00 UTC
PR = "https://github.com/acme/api/pull/142"


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))


def message(text: str, *, user: str = "U2", ts: str = ASKED, **extra) -> dict:  # type: ignore[no-untyped-def]
    """A message event as Slack sends it for a channel the bot is in."""
    return {"type": "message", "channel": "C1", "user": user, "text": text, "ts": ts, "channel_type": "channel",
            "team": "T_TEST", "client_msg_id": f"m-{ts}", "event_ts": ts,
            "blocks": [{"type": "rich_text", "block_id": "b", "elements": []}], **extra}


def reply(text: str, *, user: str = "U1", ts: str = "1763809200.000200", parent: str = ASKED, **extra) -> dict:  # type: ignore[no-untyped-def]
    return message(text, user=user, ts=ts, thread_ts=parent, parent_user_id="U2", **extra)


def reaction(name: str, *, user: str = "U1", ts: str = ASKED, item_user: str = "U2") -> dict:
    return {"type": "reaction_added", "user": user, "reaction": name, "item_user": item_user,
            "item": {"type": "message", "channel": "C1", "ts": ts}, "event_ts": "1763809300.000300"}


def questions(slack_app) -> list[Question]:
    with slack_app.session_factory() as session:
        return list(session.exec(select(Question).order_by(Question.id)).all())


def reviews(slack_app) -> list[ReviewRequest]:
    with slack_app.session_factory() as session:
        return list(session.exec(select(ReviewRequest).order_by(ReviewRequest.id)).all())


def send(slack_app, event: dict, **kwargs) -> None:  # type: ignore[no-untyped-def]
    response = slack_app.slack.event(event, **kwargs)
    assert response.status == 200, response.body


def test_a_question_is_recorded_before_slack_gets_its_200(slack_app, acme):
    send(slack_app, message("Should we move the queue to Kafka?"))
    [question] = questions(slack_app)  # no waiting: the row exists once the 200 is back
    assert (question.asker_user_id, question.text, question.status, question.source) == (
        "U2", "Should we move the queue to Kafka?", "open", "auto")
    assert question.asked_at == datetime.fromtimestamp(float(ASKED), UTC)
    permalink = eventually(lambda: questions(slack_app)[0].permalink)
    assert permalink.endswith("/archives/C1/p1763805600000100")


def test_retries_and_the_mention_twin_record_one_question(slack_app, acme):
    event = message("<@U_BOT> can you look at the deploy pipeline")
    send(slack_app, event, event_id="Ev1")
    for retry in (1, 2, 3):
        send(slack_app, event, event_id="Ev1", retry_num=retry)
    send(slack_app, {"type": "app_mention", "user": "U2", "text": event["text"], "ts": ASKED, "channel": "C1",
                     "event_ts": ASKED}, event_id="Ev2")
    assert len(questions(slack_app)) == 1


@pytest.mark.parametrize("event", [
    message("Shipped the new billing page."),
    message("Is it down?", user="U1"),  # the CTO's own message
    reply("Any update?", user="U2"),  # a thread reply from the client
    {**message("Deploy finished?"), "subtype": "bot_message", "bot_id": "B9", "user": None},
    {**message("Deploy finished?"), "bot_id": "B_BOT", "user": "U_BOT"},  # our own bot
    {"type": "message", "subtype": "channel_join", "channel": "C1", "user": "U3", "text": "<@U3> has joined?",
     "ts": "1763805700.000100"},
    {"type": "message", "subtype": "some_future_subtype", "channel": "C1", "ts": "1763805701.000100"},
])
def test_statements_bots_replies_and_other_subtypes_are_not_questions(slack_app, acme, event):
    send(slack_app, event)
    assert questions(slack_app) == []


def test_messages_in_unlinked_channels_are_ignored(slack_app, acme):
    send(slack_app, {**message("Anyone there?"), "channel": "C404"})
    assert questions(slack_app) == []


def test_automatic_detection_can_be_turned_off(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    with slack_app.session_factory() as session:
        from bot.models import Engagement

        engagement = session.exec(select(Engagement)).one()
        engagement.capture_questions = False
        session.add(engagement)
        session.commit()
    send(slack_app, message("Should we use Kafka?"))
    assert questions(slack_app) == []
    send(slack_app, reaction("question", user="U2"))  # explicit tracking still works
    assert len(questions(slack_app)) == 1


def test_a_cto_reply_in_the_thread_is_the_first_response(slack_app, acme):
    send(slack_app, message("Should we use Kafka?"))
    send(slack_app, reply("Not yet: Postgres LISTEN/NOTIFY covers it.", ts="1763809200.000200"))
    send(slack_app, reply("Also see the ADR.", ts="1763812800.000300"))
    [question] = questions(slack_app)
    assert question.status == "answered" and question.first_response_by == "U1"
    assert question.first_response_at == datetime.fromtimestamp(1763809200.0002, UTC)
    assert "Nothing is waiting" in reply_text(slack_app.slack.command("/cto", "questions"))


def test_a_thread_broadcast_from_the_cto_counts_as_a_reply(slack_app, acme):
    send(slack_app, message("Should we use Kafka?"))
    send(slack_app, {**reply("Answered in thread and channel"), "subtype": "thread_broadcast",
                     "root": {"ts": ASKED, "user": "U2", "text": "Should we use Kafka?"}})
    assert questions(slack_app)[0].status == "answered"


def test_edits_update_the_text_and_deletions_take_it_off_the_lists(slack_app, acme):
    send(slack_app, message("Should we use Kafka?"))
    send(slack_app, {"type": "message", "subtype": "message_changed", "channel": "C1", "hidden": True,
                     "ts": "1763805900.000500", "event_ts": "1763805900.000500", "channel_type": "channel",
                     "message": {"type": "message", "user": "U2", "text": "Should we use Kafka or NATS?",
                                 "ts": ASKED, "edited": {"user": "U2", "ts": "1763805900.000000"}},
                     "previous_message": {"type": "message", "user": "U2", "text": "Should we use Kafka?",
                                          "ts": ASKED}})
    assert questions(slack_app)[0].text == "Should we use Kafka or NATS?"
    assert "Kafka or NATS" in reply_text(slack_app.slack.command("/cto", "questions"))
    send(slack_app, {"type": "message", "subtype": "message_deleted", "channel": "C1", "hidden": True,
                     "deleted_ts": ASKED, "ts": "1763806000.000600", "event_ts": "1763806000.000600",
                     "channel_type": "channel", "previous_message": {"type": "message", "user": "U2",
                                                                      "text": "Should we use Kafka or NATS?",
                                                                      "ts": ASKED}})
    assert questions(slack_app)[0].deleted_at is not None
    assert "Nothing is waiting" in reply_text(slack_app.slack.command("/cto", "questions"))


def test_a_question_mark_reaction_tracks_any_message_and_fetches_its_text(slack_app, acme):
    slack_app.fake.add_message("C1", "The staging database is slow again", user="U2", ts=ASKED)
    send(slack_app, reaction("question", user="U3"))
    [question] = questions(slack_app)
    assert (question.source, question.asker_user_id) == ("reaction", "U2")
    assert eventually(lambda: questions(slack_app)[0].text) == "The staging database is slow again"


def test_cto_reactions_resolve_and_dismiss_but_others_change_nothing(slack_app, acme):
    send(slack_app, message("Should we use Kafka?"))
    send(slack_app, message("Can we drop IE11?", ts="1763805700.000100"))
    send(slack_app, reaction("white_check_mark", user="U2"))
    assert [q.status for q in questions(slack_app)] == ["open", "open"]
    send(slack_app, reaction("white_check_mark"))
    send(slack_app, reaction("no_entry_sign", ts="1763805700.000100"))
    first, second = questions(slack_app)
    assert (first.status, first.first_response_by) == ("resolved", "U1")
    assert second.status == "dismissed"


def test_pull_request_links_become_review_requests_once(slack_app, acme):
    send(slack_app, message(f"Could you look at <{PR}|PR 142> and <https://gitlab.com/acme/web/-/merge_requests/7>"))
    send(slack_app, message(f"Ping on <{PR}/files>", ts="1763805700.000100"))
    assert [(r.url, r.status, r.requester_user_id) for r in reviews(slack_app)] == [
        (PR, "requested", "U2"), ("https://gitlab.com/acme/web/-/merge_requests/7", "requested", "U2")]


def test_review_lifecycle_from_cto_reactions_and_replies(slack_app, acme):
    send(slack_app, message(f"Review please: {PR}"))
    send(slack_app, reaction("eyes"))
    review = reviews(slack_app)[0]
    assert (review.status, review.first_response_by) == ("in_review", "U1")
    send(slack_app, reaction("repeat"))
    assert reviews(slack_app)[0].status == "changes_requested"
    send(slack_app, reaction("white_check_mark"))
    review = reviews(slack_app)[0]
    assert review.status == "approved" and review.completed_at is not None
    assert "No pull request is waiting" in reply_text(slack_app.slack.command("/review", "list"))


def test_a_cto_reply_in_a_review_thread_is_its_first_response(slack_app, acme):
    send(slack_app, message(f"Review please: {PR}"))
    send(slack_app, reply("Looking now"))
    assert reviews(slack_app)[0].first_response_by == "U1"


def test_review_command_records_lists_and_refuses_without_a_url(slack_app, acme):
    assert "e.g. `/review https://github.com" in reply_text(slack_app.slack.command("/review", "", user_id="U2"))
    assert "Give the pull request's URL" in reply_text(slack_app.slack.command("/review", "please look", user_id="U2"))
    assert reviews(slack_app) == []
    reply_1 = reply_text(slack_app.slack.command("/review", f"{PR} check the migration", user_id="U2"))
    assert "Recorded a review request" in reply_1 and "check the migration" in reply_1
    again = reply_text(slack_app.slack.command("/review", PR, user_id="U3"))
    assert "already on the list" in again and "<@U2>" in again
    [review] = reviews(slack_app)
    assert (review.note, review.source) == ("check the migration", "command")
    listed = reply_text(slack_app.slack.command("/review", "list"))
    assert "github.com/acme/api/pull/142" in listed and "1 open review request" in listed


def test_cto_questions_lists_open_questions_oldest_first(slack_app, acme):
    send(slack_app, message("Second question?", ts="1763805700.000100"))
    send(slack_app, message("First question?", ts="1763805600.000100"))
    listed = reply_text(slack_app.slack.command("/cto", "questions"))
    assert listed.index("First question?") < listed.index("Second question?")
    assert "2 open questions" in listed and "overdue" in listed and "waited" in listed


def test_track_as_question_shortcut(slack_app, acme):
    response = slack_app.slack.message_shortcut("track_question", {"ts": ASKED, "user": "U2",
                                                                    "text": "We keep losing webhooks"})
    assert response.status == 200
    [question] = questions(slack_app)
    assert (question.source, question.text) == ("shortcut", "We keep losing webhooks")
    [answer] = slack_app.fake.wait_for_response()
    assert "Tracking this as a question" in answer["json"]["text"]


def test_request_review_shortcut(slack_app, acme):
    slack_app.slack.message_shortcut("request_review", {"ts": ASKED, "user": "U2", "text": "no link here"})
    slack_app.slack.message_shortcut("request_review", {"ts": "1763805700.000100", "user": "U2",
                                                        "text": f"see <{PR}>"})
    answers = slack_app.fake.wait_for_response(count=2)
    assert "Give the pull request's URL" in answers[0]["json"]["text"]
    assert [r.url for r in reviews(slack_app)] == [PR]


def test_shortcuts_in_unlinked_channels_explain_setup(slack_app, acme):
    slack_app.slack.message_shortcut("track_question", {"ts": ASKED, "user": "U2", "text": "x?"}, channel_id="C404")
    [answer] = slack_app.fake.wait_for_response()
    assert "/cto setup" in json.dumps(answer["json"])
    assert questions(slack_app) == []
