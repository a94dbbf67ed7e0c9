"""Capture: what clients ask in their channel becomes questions and review requests, and the CTO's replies and
reactions move them along. Each test commits as the event handlers do, one transaction per Slack event."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.errors import InvalidInput
from bot.models import Engagement, Question, ReviewRequest
from bot.services import capture
from bot.services.capture import SlackMessage
from tests.helpers.factories import add_engagement

BOT = "UBOT"
CTO, OTHER_CTO = "U1", "U3"
CLIENT, FOUNDER = "U2", "U5"
PR = "https://github.com/acme/api/pull/142"
MR = "https://gitlab.com/acme/backend/web/-/merge_requests/7"

T0 = "1763800000.000100"  # 2025-11-22 08:26:40.000100 UTC
T1 = "1763800060.000200"
T2 = "1763800120.000300"
T3 = "1763800180.000400"
T4 = "1763800240.000500"


def when(ts: str) -> datetime:
    """The moment a Slack ts stands for, computed without floats."""
    seconds, micros = ts.split(".")
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(seconds), microseconds=int(micros))


def message(ts: str, text: str, *, user: str = CLIENT, thread_ts: str | None = None,
            channel: str = "C1") -> SlackMessage:
    return SlackMessage(channel_id=channel, ts=ts, user_id=user, text=text, thread_ts=thread_ts)


@pytest.fixture
def acme(session_factory) -> Engagement:
    return add_engagement(session_factory, name="acme", channel="C1", ctos=(CTO, OTHER_CTO))


def post(session_factory, engagement: Engagement, msg: SlackMessage, **kwargs) -> capture.Captured:
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        return capture.capture_message(session, engagement=stored, message=msg, bot_user_id=BOT, **kwargs)


def edit(session_factory, engagement: Engagement, msg: SlackMessage) -> capture.Captured:
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        return capture.message_edited(session, engagement=stored, message=msg, bot_user_id=BOT)


def delete(session_factory, engagement: Engagement, ts: str, channel: str = "C1") -> None:
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        capture.message_deleted(session, engagement=stored, channel_id=channel, ts=ts)


def react(session_factory, engagement: Engagement, ts: str, reaction: str, *, user: str = CTO,
          item_user: str | None = CLIENT, at: datetime | None = None, channel: str = "C1") -> capture.Captured:
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        return capture.reaction_added(session, engagement=stored, channel_id=channel, ts=ts, reaction=reaction,
                                      user_id=user, item_user_id=item_user, at=at or when(T4))


def review_command(session_factory, engagement: Engagement, text: str, *, user: str = CLIENT):
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        return capture.request_review(session, engagement=stored, text=text, channel_id="C1", requester_id=user)


def questions(session_factory) -> list[Question]:
    with session_factory() as session:
        return list(session.exec(select(Question).order_by(Question.id)).all())


def reviews(session_factory) -> list[ReviewRequest]:
    with session_factory() as session:
        return list(session.exec(select(ReviewRequest).order_by(ReviewRequest.id)).all())


def open_questions(session_factory, engagement: Engagement) -> list[str]:
    """The open questions' message ts, in the order listed."""
    with session_factory() as session:
        return [q.message_ts for q in capture.open_questions(session, engagement_id=engagement.id)]


def open_reviews(session_factory, engagement: Engagement) -> list[str]:
    """The open review requests' URLs, in the order listed."""
    with session_factory() as session:
        return [r.url for r in capture.open_reviews(session, engagement_id=engagement.id)]


def set_engagement(session_factory, engagement: Engagement, **fields) -> None:
    with transaction(session_factory) as session:
        stored = session.get(Engagement, engagement.id)
        for key, value in fields.items():
            setattr(stored, key, value)
        session.add(stored)


# --- what a new message means ----------------------------------------------------------------------------------


def test_a_clients_top_level_message_ending_in_a_question_mark_is_recorded_as_a_question(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move the events table to Postgres?"))
    [question] = questions(session_factory)
    assert (question.engagement_id, question.channel_id, question.message_ts, question.thread_ts) == (
        acme.id, "C1", T0, None)
    assert (question.asker_user_id, question.text, question.status, question.source) == (
        CLIENT, "Should we move the events table to Postgres?", "open", "auto")
    assert question.asked_at == when(T0)
    assert question.first_response_at is None and question.first_response_by is None
    assert open_questions(session_factory, acme) == [T0]


@pytest.mark.parametrize("text", [
    "Is the release still on for Thursday? ",
    "Quick one for you, is the release still on for Thursday?\n",
    "is the release still on? (asking for the board)?",
])
def test_trailing_space_after_the_question_mark_does_not_hide_a_question(session_factory, acme, text):
    post(session_factory, acme, message(T0, text))
    assert open_questions(session_factory, acme) == [T0]


@pytest.mark.parametrize("text", [
    f"<@{BOT}> the staging deploy is red again",
    f"<@{BOT}|ctobot> the staging deploy is red again",
    f"<@{CTO}> the staging deploy is red again",
    f"heads up <@{OTHER_CTO}>, we signed the vendor contract",
])
def test_a_message_mentioning_the_bot_or_a_cto_is_a_question(session_factory, acme, text):
    post(session_factory, acme, message(T0, text))
    [question] = questions(session_factory)
    assert question.text == text and question.asker_user_id == CLIENT


def test_an_app_mention_is_a_question_even_when_the_text_does_not_name_the_bot(session_factory, acme):
    post(session_factory, acme, message(T0, "ping about the audit"), mentions_bot=True)
    assert open_questions(session_factory, acme) == [T0]


@pytest.mark.parametrize("text", [
    "Deployed the fix to production.",
    "Thanks, that helped!",
    "<@U7> can take the on-call this week.",
    "",
])
def test_statements_are_not_questions(session_factory, acme, text):
    captured = post(session_factory, acme, message(T0, text))
    assert captured.new_records == []
    assert questions(session_factory) == []


def test_mentioning_someone_whose_id_begins_with_a_ctos_id_is_not_mentioning_the_cto(session_factory):
    """Slack ids have grown from 9 to 11 characters, so an old id can begin a new one."""
    acme = add_engagement(session_factory, ctos=("U024BE7LH",))
    post(session_factory, acme, message(T0, "<@U024BE7LH12> is taking over the on-call rota."))
    assert questions(session_factory) == []


def test_a_ctos_own_top_level_message_is_not_a_question(session_factory, acme):
    post(session_factory, acme, message(T0, "Can everyone fill in the skills survey?", user=CTO))
    post(session_factory, acme, message(T1, f"<@{OTHER_CTO}> what do you think? {PR}", user=CTO))
    assert questions(session_factory) == [] and reviews(session_factory) == []


def test_a_clients_reply_in_a_thread_is_not_a_new_question(session_factory, acme):
    post(session_factory, acme, message(T0, "Status of the migration?"))
    post(session_factory, acme, message(T1, "Also, is the backup tested?", thread_ts=T0))
    post(session_factory, acme, message(T2, f"<@{CTO}> any news?", user=FOUNDER, thread_ts=T0))
    assert [q.message_ts for q in questions(session_factory)] == [T0]


def test_a_thread_parent_as_slack_sends_it_with_its_own_ts_as_thread_ts_is_top_level(session_factory, acme):
    post(session_factory, acme, message(T0, "Can we talk hiring?", thread_ts=T0))
    assert open_questions(session_factory, acme) == [T0]


def test_turning_question_capture_off_stops_automatic_questions_but_not_review_requests(session_factory, acme):
    set_engagement(session_factory, acme, capture_questions=False)
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    post(session_factory, acme, message(T1, f"<@{CTO}> the deploy is red"))
    post(session_factory, acme, message(T2, "ping"), mentions_bot=True)
    post(session_factory, acme, message(T3, f"Can you review {PR}?"))
    assert questions(session_factory) == []
    assert [r.url for r in reviews(session_factory)] == [PR]


def test_turning_review_capture_off_stops_automatic_review_requests(session_factory, acme):
    set_engagement(session_factory, acme, capture_reviews=False)
    post(session_factory, acme, message(T0, f"Can you review {PR}?"))
    assert reviews(session_factory) == []
    assert open_questions(session_factory, acme) == [T0]


def test_the_same_message_delivered_twice_is_recorded_once(session_factory, acme):
    first = post(session_factory, acme, message(T0, f"Could you review {PR}?"))
    again = post(session_factory, acme, message(T0, f"Could you review {PR}?"))
    assert len(first.reviews) == 1 and again.reviews == []
    assert len(questions(session_factory)) == 1
    assert len(reviews(session_factory)) == 1


def test_a_message_and_its_app_mention_twin_are_recorded_once(session_factory, acme):
    post(session_factory, acme, message(T0, f"<@{BOT}> please look at {PR}"))
    post(session_factory, acme, message(T0, f"<@{BOT}> please look at {PR}"), mentions_bot=True)
    assert len(questions(session_factory)) == 1 and len(reviews(session_factory)) == 1


def test_a_message_with_two_pull_requests_records_two_review_requests(session_factory, acme):
    text = f"Two for this week: <{PR}|api#142> and {MR}/diffs"
    captured = post(session_factory, acme, message(T0, text))
    assert [r.url for r in captured.reviews] == [PR, MR]
    stored = reviews(session_factory)
    assert [(r.url, r.message_ts, r.channel_id, r.requester_user_id, r.status) for r in stored] == [
        (PR, T0, "C1", CLIENT, "requested"), (MR, T0, "C1", CLIENT, "requested")]
    assert all(r.requested_at == when(T0) and r.first_response_at is None for r in stored)
    assert open_reviews(session_factory, acme) == [PR, MR]
    assert questions(session_factory) == []  # a statement with links is not a question


def test_the_same_pull_request_in_a_later_message_records_nothing_new(session_factory, acme):
    post(session_factory, acme, message(T0, f"Review {PR} please"))
    later = post(session_factory, acme, message(T1, f"Reminder: {PR}/files", user=FOUNDER))
    assert later.reviews == []
    [review] = reviews(session_factory)
    assert (review.message_ts, review.requester_user_id, review.requested_at) == (T0, CLIENT, when(T0))


def test_the_same_pull_request_in_two_engagements_is_a_request_in_each(session_factory, acme):
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=(CTO,))
    post(session_factory, acme, message(T0, f"Review {PR} please"))
    post(session_factory, beta, message(T0, f"Review {PR} please", channel="C2"))
    assert open_reviews(session_factory, acme) == [PR]
    assert open_reviews(session_factory, beta) == [PR]


# --- first responses -------------------------------------------------------------------------------------------


def test_a_cto_reply_in_the_questions_thread_is_its_first_response(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    captured = post(session_factory, acme, message(T1, "Yes, let's write it up.", user=OTHER_CTO, thread_ts=T0))
    assert [q.message_ts for q in captured.answered] == [T0]
    [question] = questions(session_factory)
    assert question.first_response_at == when(T1)
    assert question.first_response_by == OTHER_CTO
    assert question.status == "answered"
    assert open_questions(session_factory, acme) == []


def test_a_second_cto_reply_changes_nothing(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    post(session_factory, acme, message(T1, "Looking.", user=CTO, thread_ts=T0))
    again = post(session_factory, acme, message(T2, "Yes, do it.", user=OTHER_CTO, thread_ts=T0))
    assert again.answered == []
    [question] = questions(session_factory)
    assert (question.first_response_at, question.first_response_by, question.status) == (when(T1), CTO, "answered")


def test_a_clients_reply_in_the_thread_is_not_a_response(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    post(session_factory, acme, message(T1, "I think yes, for what it's worth.", user=FOUNDER, thread_ts=T0))
    [question] = questions(session_factory)
    assert (question.first_response_at, question.first_response_by, question.status) == (None, None, "open")
    assert open_questions(session_factory, acme) == [T0]


def test_a_cto_reply_in_another_engagements_thread_with_the_same_ts_answers_nothing_here(session_factory, acme):
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=(CTO,))
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    post(session_factory, beta, message(T1, "Yes.", user=CTO, thread_ts=T0, channel="C2"))
    assert open_questions(session_factory, acme) == [T0]


def test_a_cto_reply_in_a_review_requests_thread_is_its_first_response(session_factory, acme):
    post(session_factory, acme, message(T0, f"Two for you: {PR} and {MR}"))
    captured = post(session_factory, acme, message(T1, "On it after lunch.", user=CTO, thread_ts=T0))
    assert sorted(r.url for r in captured.responded_reviews) == sorted([PR, MR])
    assert [(r.first_response_at, r.first_response_by) for r in reviews(session_factory)] == [
        (when(T1), CTO), (when(T1), CTO)]
    post(session_factory, acme, message(T2, "Done with the first.", user=OTHER_CTO, thread_ts=T0))
    assert [(r.first_response_at, r.first_response_by) for r in reviews(session_factory)] == [
        (when(T1), CTO), (when(T1), CTO)]
    assert open_reviews(session_factory, acme) == [PR, MR]  # a reply is a response, not a review


def test_a_cto_reply_to_a_question_with_a_pull_request_answers_both(session_factory, acme):
    post(session_factory, acme, message(T0, f"Is {PR} safe to merge?"))
    post(session_factory, acme, message(T1, "Reading it now.", user=CTO, thread_ts=T0))
    [question], [review] = questions(session_factory), reviews(session_factory)
    assert question.first_response_at == review.first_response_at == when(T1)


# --- edits and deletions ---------------------------------------------------------------------------------------


def test_an_edit_replaces_the_questions_text(session_factory, acme):
    post(session_factory, acme, message(T0, "Shuold we move to Postgers?"))
    edit(session_factory, acme, message(T0, "Should we move to Postgres?"))
    [question] = questions(session_factory)
    assert question.text == "Should we move to Postgres?"
    assert question.asked_at == when(T0) and question.status == "open"


def test_an_edit_that_adds_a_question_mark_records_a_question(session_factory, acme):
    post(session_factory, acme, message(T0, "We should move to Postgres"))
    assert questions(session_factory) == []
    edit(session_factory, acme, message(T0, "We should move to Postgres?"))
    [question] = questions(session_factory)
    assert (question.message_ts, question.asker_user_id, question.text) == (T0, CLIENT, "We should move to Postgres?")
    assert question.asked_at == when(T0)


def test_an_edit_that_adds_a_pull_request_records_a_review_request(session_factory, acme):
    post(session_factory, acme, message(T0, f"Review {PR} please"))
    edit(session_factory, acme, message(T0, f"Review {PR} and <{MR}|the web one> please"))
    assert [(r.url, r.message_ts) for r in reviews(session_factory)] == [(PR, T0), (MR, T0)]


def test_an_edit_of_a_ctos_message_or_a_thread_reply_records_nothing(session_factory, acme):
    post(session_factory, acme, message(T0, "Team update", user=CTO))
    edit(session_factory, acme, message(T0, f"Team update: can you all review {PR}?", user=CTO))
    post(session_factory, acme, message(T1, "Thanks", thread_ts=T0))
    edit(session_factory, acme, message(T1, f"Thanks, and {MR}?", thread_ts=T0))
    assert questions(session_factory) == [] and reviews(session_factory) == []


def test_a_deleted_message_takes_its_question_and_review_requests_off_every_open_list(session_factory, acme):
    post(session_factory, acme, message(T0, f"Can you check {PR} and {MR}?"))
    post(session_factory, acme, message(T1, "Another question?"))
    delete(session_factory, acme, T0)
    assert open_questions(session_factory, acme) == [T1]
    assert open_reviews(session_factory, acme) == []
    assert [q.deleted_at is not None for q in questions(session_factory)] == [True, False]
    assert all(r.deleted_at is not None for r in reviews(session_factory))


def test_deleting_a_message_of_another_engagement_with_the_same_ts_deletes_nothing_here(session_factory, acme):
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=(CTO,))
    post(session_factory, acme, message(T0, f"Can you check {PR}?"))
    delete(session_factory, beta, T0, channel="C2")
    assert open_questions(session_factory, acme) == [T0] and open_reviews(session_factory, acme) == [PR]


def test_a_pull_request_posted_again_after_its_message_was_deleted_is_requested_again(session_factory, acme):
    """The client deletes a message to fix a typo and posts it again: the request must not vanish."""
    post(session_factory, acme, message(T0, f"Pls reveiw {PR}"))
    delete(session_factory, acme, T0)
    post(session_factory, acme, message(T1, f"Please review {PR}"))
    assert open_reviews(session_factory, acme) == [PR]


# --- reactions -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reacting", [FOUNDER, CTO])
def test_a_question_mark_reaction_from_anyone_tracks_the_message_as_a_question(session_factory, acme, reacting):
    post(session_factory, acme, message(T0, "The vendor wants an answer by Monday."))
    captured = react(session_factory, acme, T0, "question", user=reacting, item_user=CLIENT)
    assert [q.message_ts for q in captured.questions] == [T0]
    [question] = questions(session_factory)
    assert (question.asker_user_id, question.source, question.status) == (CLIENT, "reaction", "open")
    assert question.asked_at == when(T0)
    assert open_questions(session_factory, acme) == [T0]


def test_a_question_mark_reaction_on_a_question_already_recorded_records_nothing_more(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    react(session_factory, acme, T0, "question", user=FOUNDER)
    react(session_factory, acme, T0, "question", user=CLIENT)
    [question] = questions(session_factory)
    assert question.text == "Should we move to Postgres?"


def test_a_ctos_check_mark_resolves_a_question_and_is_its_first_response(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    react(session_factory, acme, T0, "white_check_mark", user=OTHER_CTO, at=when(T2))
    [question] = questions(session_factory)
    assert (question.status, question.resolved_at) == ("resolved", when(T2))
    assert (question.first_response_at, question.first_response_by) == (when(T2), OTHER_CTO)
    assert open_questions(session_factory, acme) == []


def test_a_check_mark_on_an_answered_question_keeps_the_first_response(session_factory, acme):
    post(session_factory, acme, message(T0, "Should we move to Postgres?"))
    post(session_factory, acme, message(T1, "Yes.", user=CTO, thread_ts=T0))
    react(session_factory, acme, T0, "white_check_mark", user=OTHER_CTO, at=when(T3))
    [question] = questions(session_factory)
    assert (question.status, question.resolved_at) == ("resolved", when(T3))
    assert (question.first_response_at, question.first_response_by) == (when(T1), CTO)


def test_a_ctos_no_entry_sign_dismisses_a_question(session_factory, acme):
    post(session_factory, acme, message(T0, "lol anyone else's laptop on fire?"))
    post(session_factory, acme, message(T1, "Real question: budget for Q3?"))
    react(session_factory, acme, T0, "no_entry_sign", user=CTO)
    dismissed = questions(session_factory)[0]
    assert dismissed.status == "dismissed" and dismissed.first_response_at is None
    assert open_questions(session_factory, acme) == [T1]


def test_a_ctos_eyes_put_a_review_in_review_and_are_its_first_response(session_factory, acme):
    post(session_factory, acme, message(T0, f"Review {PR} please"))
    react(session_factory, acme, T0, "eyes", user=CTO, at=when(T2))
    [review] = reviews(session_factory)
    assert (review.status, review.first_response_at, review.first_response_by) == ("in_review", when(T2), CTO)
    assert review.completed_at is None
    assert open_reviews(session_factory, acme) == [PR]


def test_a_ctos_repeat_asks_for_changes(session_factory, acme):
    post(session_factory, acme, message(T0, f"Review {PR} please"))
    react(session_factory, acme, T0, "eyes", user=CTO, at=when(T2))
    react(session_factory, acme, T0, "repeat", user=OTHER_CTO, at=when(T3))
    [review] = reviews(session_factory)
    assert (review.status, review.first_response_at, review.first_response_by) == (
        "changes_requested", when(T2), CTO)
    assert open_reviews(session_factory, acme) == [PR]


def test_a_ctos_check_mark_approves_every_review_of_the_message(session_factory, acme):
    post(session_factory, acme, message(T0, f"Review {PR} and {MR} please"))
    react(session_factory, acme, T0, "white_check_mark", user=CTO, at=when(T3))
    stored = reviews(session_factory)
    assert [(r.status, r.completed_at, r.first_response_at, r.first_response_by) for r in stored] == [
        ("approved", when(T3), when(T3), CTO)] * 2
    assert open_reviews(session_factory, acme) == []


@pytest.mark.parametrize("reaction", ["white_check_mark", "no_entry_sign", "eyes", "repeat"])
def test_the_ctos_reactions_from_anyone_else_change_nothing(session_factory, acme, reaction):
    post(session_factory, acme, message(T0, f"Is {PR} ready?"))
    react(session_factory, acme, T0, reaction, user=FOUNDER)
    [question], [review] = questions(session_factory), reviews(session_factory)
    assert (question.status, question.first_response_at, question.resolved_at) == ("open", None, None)
    assert (review.status, review.first_response_at, review.completed_at) == ("requested", None, None)
    assert open_questions(session_factory, acme) == [T0] and open_reviews(session_factory, acme) == [PR]


# --- /review ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "please look at my PR", "https://github.com/acme/api/issues/3"])
def test_review_without_a_pull_request_url_is_refused_with_an_example(session_factory, acme, text):
    with pytest.raises(InvalidInput) as refused:
        review_command(session_factory, acme, text)
    assert "/review https://" in refused.value.message
    assert reviews(session_factory) == []


@pytest.mark.parametrize("text", [
    f"{PR} please check the migration",
    f"<{PR}> please check the migration",
    f"<{PR}|acme/api#142> please check the migration",
    f"please check the migration {PR}",
    f"{PR}/files please check the migration",
    f"{PR}?w=1 please check the migration",
])
def test_review_records_the_pull_request_and_the_note(session_factory, acme, text):
    review, new = review_command(session_factory, acme, text)
    assert new
    [stored] = reviews(session_factory)
    assert stored.id == review.id
    assert (stored.url, stored.note, stored.requester_user_id, stored.status) == (
        PR, "please check the migration", CLIENT, "requested")
    assert open_reviews(session_factory, acme) == [PR]


def test_review_records_a_pull_request_once(session_factory, acme):
    first, new = review_command(session_factory, acme, f"{PR} first pass")
    again, new_again = review_command(session_factory, acme, f"<{PR}|api#142> second pass", user=FOUNDER)
    assert (new, new_again) == (True, False) and again.id == first.id
    [stored] = reviews(session_factory)
    assert (stored.note, stored.requester_user_id) == ("first pass", CLIENT)
    post(session_factory, acme, message(T0, f"Also {PR}"))
    assert len(reviews(session_factory)) == 1


# --- open lists ------------------------------------------------------------------------------------------------


def test_open_questions_and_reviews_are_listed_oldest_first_and_only_their_engagements(session_factory, acme):
    beta = add_engagement(session_factory, name="beta", channel="C2", ctos=(CTO,))
    other = "https://github.com/acme/web/pull/9"
    post(session_factory, acme, message(T2, f"Newest? {other}"))
    post(session_factory, acme, message(T0, f"Oldest? {MR}"))  # delivered late
    post(session_factory, acme, message(T1, f"Middle? {PR}"))
    post(session_factory, beta, message(T3, "Beta's question? https://github.com/beta/app/pull/1", channel="C2"))
    assert open_questions(session_factory, acme) == [T0, T1, T2]
    assert open_reviews(session_factory, acme) == [MR, PR, other]
    assert open_questions(session_factory, beta) == [T3]
    assert open_reviews(session_factory, beta) == ["https://github.com/beta/app/pull/1"]


# --- reminders -------------------------------------------------------------------------------------------------


def test_a_reminder_is_claimed_once(session_factory, acme):
    post(session_factory, acme, message(T0, "Budget for Q3?"))
    [question] = questions(session_factory)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with transaction(session_factory) as session:
        assert capture.claim_reminder(session, question_id=question.id, now=now) is True
    with transaction(session_factory) as session:
        assert capture.claim_reminder(session, question_id=question.id, now=now + timedelta(minutes=5)) is False
    assert questions(session_factory)[0].reminded_at == now


def test_a_reminder_claimed_from_five_threads_at_once_is_claimed_exactly_once(session_factory, acme):
    post(session_factory, acme, message(T0, "Budget for Q3?"))
    [question] = questions(session_factory)
    barrier = threading.Barrier(5)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def claim(n: int) -> None:
        try:
            with transaction(session_factory) as session:
                barrier.wait(timeout=10)
                won = capture.claim_reminder(session, question_id=question.id,
                                             now=datetime(2026, 11, 20, 12, n, tzinfo=UTC))
            with lock:
                results.append(won)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, False, False, False, True]
    assert questions(session_factory)[0].reminded_at is not None


# --- what is stored --------------------------------------------------------------------------------------------


def test_stored_text_is_trimmed_to_500_characters(session_factory, acme):
    long = "Here is the whole incident write-up. " + "word " * 600 + "What should we do?"
    post(session_factory, acme, message(T0, long))
    [question] = questions(session_factory)
    assert len(question.text) <= 500
    assert question.text.startswith("Here is the whole incident write-up. word word")
    edit(session_factory, acme, message(T0, long + " Edited?"))
    assert len(questions(session_factory)[0].text) <= 500


def test_a_slack_token_in_a_message_is_not_stored(session_factory, acme):
    token = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
    post(session_factory, acme, message(T0, f"Is it bad that I pasted {token} in the README? See {PR}"))
    [question], [review] = questions(session_factory), reviews(session_factory)
    assert token not in question.text and "xoxb-" not in question.text
    assert "[redacted]" in question.text and question.text.startswith("Is it bad that I pasted")
    assert token not in review.note
    edit(session_factory, acme, message(T0, f"Is it bad that {token} is in the README?"))
    assert token not in questions(session_factory)[0].text
