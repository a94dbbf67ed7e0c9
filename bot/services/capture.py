"""Capture of what clients ask: questions and review requests from Slack messages and reactions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.unique import insert_once
from bot.errors import InvalidInput
from bot.models import Engagement, Question, ReviewRequest, id_of, utcnow
from bot.redact import redact
from bot.services.engagements import is_cto
from bot.services.pull_requests import canonical_pull_request_url, find_pull_request_urls

TEXT_LIMIT = 500  # the digest and lists show a line; the permalink leads to the rest
OPEN_QUESTION = "open"
OPEN_REVIEW_STATUSES = ("requested", "in_review", "changes_requested")
REVIEW_EXAMPLE = "`/review https://github.com/acme/api/pull/142 please check the migration`"

# Reactions (Slack's names for the emoji)
QUESTION_MARKS = {"question", "grey_question"}
EYES = {"eyes"}
DONE = {"white_check_mark", "heavy_check_mark", "ballot_box_with_check"}
CHANGES = {"repeat", "arrows_counterclockwise"}
DISMISS = {"no_entry_sign", "no_entry"}


@dataclass(frozen=True)
class SlackMessage:
    """The parts of a Slack message capture needs."""

    channel_id: str
    ts: str
    user_id: str
    text: str
    thread_ts: str | None = None

    @property
    def is_top_level(self) -> bool:
        return self.thread_ts is None or self.thread_ts == self.ts

    @property
    def at(self) -> datetime:
        return ts_to_datetime(self.ts)


@dataclass
class Captured:
    """What one message or reaction changed."""

    questions: list[Question] = field(default_factory=list)
    reviews: list[ReviewRequest] = field(default_factory=list)
    answered: list[Question] = field(default_factory=list)
    responded_reviews: list[ReviewRequest] = field(default_factory=list)

    @property
    def new_records(self) -> list[Question | ReviewRequest]:
        return [*self.questions, *self.reviews]


def ts_to_datetime(ts: str) -> datetime:
    """Slack's `1763800000.000100` as an aware UTC datetime."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return utcnow()


def trim(text: str) -> str:
    """Text as stored: redacted and cut to what lists and digests need."""
    text = redact(" ".join((text or "").split()))
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def asks_something(text: str, *, mention_ids: set[str]) -> bool:
    """A question mark ending a sentence (or the message), or a mention of the bot or a CTO."""
    stripped = (text or "").strip()
    if any(f"<@{uid}>" in stripped or f"<@{uid}|" in stripped for uid in mention_ids if uid):
        return True
    return bool(re.search(r"\?[)*_~`\"'!?]*(?=\s|$)", stripped))


def _question_for(session: Session, engagement: Engagement, channel_id: str, ts: str) -> Question | None:
    return session.exec(select(Question).where(
        Question.engagement_id == engagement.id, Question.channel_id == channel_id, Question.message_ts == ts)).first()


def _reviews_for(session: Session, engagement: Engagement, channel_id: str, ts: str) -> list[ReviewRequest]:
    return list(session.exec(select(ReviewRequest).where(
        ReviewRequest.engagement_id == engagement.id, ReviewRequest.channel_id == channel_id,
        ReviewRequest.message_ts == ts)).all())


def record_question(session: Session, *, engagement: Engagement, message: SlackMessage, source: str) -> Question:
    """Record the message as a question (once); returns the stored question."""
    question = Question(engagement_id=id_of(engagement), channel_id=message.channel_id,
                        message_ts=message.ts, thread_ts=None if message.is_top_level else message.thread_ts,
                        asker_user_id=message.user_id, text=trim(message.text), asked_at=message.at, source=source)
    if insert_once(session, question):
        return question
    existing = _question_for(session, engagement, message.channel_id, message.ts)
    assert existing is not None
    if existing.deleted_at is None and existing.status == "dismissed" and source != "auto":
        existing.status = OPEN_QUESTION  # tracked again on purpose
        session.add(existing)
    return existing


def record_review(session: Session, *, engagement: Engagement, url: str, channel_id: str, requester_id: str,
                  at: datetime, message_ts: str | None, note: str = "",
                  source: str = "auto") -> tuple[ReviewRequest, bool]:
    """Record a review request for `url` once per engagement; returns (request, whether it is new)."""
    review = ReviewRequest(engagement_id=id_of(engagement), channel_id=channel_id, message_ts=message_ts,
                           requester_user_id=requester_id, url=url, note=trim(note), requested_at=at, source=source)
    if insert_once(session, review):
        return review, True
    existing = session.exec(select(ReviewRequest).where(
        ReviewRequest.engagement_id == engagement.id, ReviewRequest.url == url)).one()
    if existing.deleted_at is not None:  # its message was deleted; asked again, it is a new request
        existing.deleted_at, existing.status, existing.completed_at = None, "requested", None
        existing.first_response_at = existing.first_response_by = None
        existing.channel_id, existing.message_ts, existing.requester_user_id = channel_id, message_ts, requester_id
        existing.requested_at, existing.note, existing.source, existing.permalink = at, trim(note), source, None
        session.add(existing)
        session.flush()
        return existing, True
    return existing, False


def capture_message(session: Session, *, engagement: Engagement, message: SlackMessage, bot_user_id: str | None,
                    mentions_bot: bool = False) -> Captured:
    """Record what a new message in a linked channel means: a question, review requests, or a CTO's answer."""
    captured = Captured()
    if is_cto(engagement, message.user_id):
        if not message.is_top_level:
            _cto_replied(session, engagement, message, captured)
        return captured
    if not message.is_top_level:
        return captured
    mention_ids = {bot_user_id or "", *engagement.cto_user_ids}
    if engagement.capture_questions and (mentions_bot or asks_something(message.text, mention_ids=mention_ids)):
        captured.questions.append(record_question(session, engagement=engagement, message=message, source="auto"))
    _record_reviews(session, engagement, message, captured)
    return captured


def _record_reviews(session: Session, engagement: Engagement, message: SlackMessage, captured: Captured) -> None:
    if not engagement.capture_reviews:
        return
    for url in find_pull_request_urls(message.text):
        review, new = record_review(session, engagement=engagement, url=url, channel_id=message.channel_id,
                                    requester_id=message.user_id, at=message.at, message_ts=message.ts,
                                    note=message.text)
        if new:
            captured.reviews.append(review)


def _cto_replied(session: Session, engagement: Engagement, message: SlackMessage, captured: Captured) -> None:
    question = _question_for(session, engagement, message.channel_id, message.thread_ts or "")
    if question is not None and question.first_response_at is None and question.deleted_at is None:
        question.first_response_at, question.first_response_by = message.at, message.user_id
        if question.status == OPEN_QUESTION:
            question.status = "answered"
        session.add(question)
        captured.answered.append(question)
    for review in _reviews_for(session, engagement, message.channel_id, message.thread_ts or ""):
        if review.first_response_at is None:
            review.first_response_at, review.first_response_by = message.at, message.user_id
            session.add(review)
            captured.responded_reviews.append(review)
    session.flush()


def message_edited(session: Session, *, engagement: Engagement, message: SlackMessage,
                   bot_user_id: str | None) -> Captured:
    """An edit: the question's text follows it, and newly added PR links are recorded."""
    question = _question_for(session, engagement, message.channel_id, message.ts)
    if question is not None:
        question.text = trim(message.text)
        question.edited_at = utcnow()
        session.add(question)
        session.flush()
    if is_cto(engagement, message.user_id) or not message.is_top_level:
        return Captured()
    captured = Captured()
    if question is None and engagement.capture_questions and asks_something(
            message.text, mention_ids={bot_user_id or "", *engagement.cto_user_ids}):
        captured.questions.append(record_question(session, engagement=engagement, message=message, source="auto"))
    _record_reviews(session, engagement, message, captured)
    return captured


def message_deleted(session: Session, *, engagement: Engagement, channel_id: str, ts: str) -> int:
    """A deletion: the message's question and review requests leave every open list (tombstoned)."""
    now = utcnow()
    count = 0
    question = _question_for(session, engagement, channel_id, ts)
    if question is not None and question.deleted_at is None:
        question.deleted_at = now
        question.text = ""
        session.add(question)
        count += 1
    for review in _reviews_for(session, engagement, channel_id, ts):
        if review.deleted_at is None:
            review.deleted_at = now
            session.add(review)
            count += 1
    session.flush()
    return count


def reaction_added(session: Session, *, engagement: Engagement, channel_id: str, ts: str, reaction: str,
                   user_id: str, item_user_id: str | None, at: datetime) -> Captured:
    """❓ from anyone tracks a question; from a CTO 👀 ✅ 🔁 🚫 move questions and reviews along."""
    name = reaction.split("::")[0]
    captured = Captured()
    if name in QUESTION_MARKS and item_user_id and not is_cto(engagement, item_user_id):
        captured.questions.append(record_question(session, engagement=engagement, source="reaction",
                                                  message=SlackMessage(channel_id=channel_id, ts=ts,
                                                                       user_id=item_user_id, text="")))
        return captured
    if not is_cto(engagement, user_id):
        return captured
    question = _question_for(session, engagement, channel_id, ts)
    if question is not None and question.deleted_at is None:
        if name in DONE or name in DISMISS:
            if question.first_response_at is None and name in DONE:
                question.first_response_at, question.first_response_by = at, user_id
            question.status = "resolved" if name in DONE else "dismissed"
            question.resolved_at = at
            session.add(question)
            captured.answered.append(question)
    new_status = ("in_review" if name in EYES else "approved" if name in DONE
                  else "changes_requested" if name in CHANGES else None)
    if new_status:
        for review in _reviews_for(session, engagement, channel_id, ts):
            if review.first_response_at is None:
                review.first_response_at, review.first_response_by = at, user_id
            review.status = new_status
            if new_status == "approved":
                review.completed_at = at
            session.add(review)
            captured.responded_reviews.append(review)
    session.flush()
    return captured


def track_question(session: Session, *, engagement: Engagement, message: SlackMessage) -> Question:
    """The "Track as question" shortcut."""
    return record_question(session, engagement=engagement, message=message, source="shortcut")


def request_review(session: Session, *, engagement: Engagement, text: str, channel_id: str, requester_id: str,
                   message_ts: str | None = None, source: str = "command") -> tuple[ReviewRequest, bool]:
    """`/review <url> [note]` and the "Request review" shortcut: the first PR URL in `text`, once."""
    url = canonical_pull_request_url(text)
    if url is None:
        raise InvalidInput(f"Give the pull request's URL (GitHub, GitLab, Bitbucket or Azure DevOps), "
                           f"e.g. {REVIEW_EXAMPLE}.")
    note = " ".join(word for word in text.split() if url not in word)
    return record_review(session, engagement=engagement, url=url, channel_id=channel_id, requester_id=requester_id,
                         at=utcnow(), message_ts=message_ts, note=note, source=source)


def set_question_text(session: Session, *, question_id: int, text: str) -> None:
    """Fill in a question's text (for one tracked by reaction, fetched after the ack)."""
    question = session.get(Question, question_id)
    if question is not None and not question.text and question.deleted_at is None:
        question.text = trim(text)
        session.add(question)
        session.flush()


def set_permalink(session: Session, *, record: type[Question] | type[ReviewRequest], record_id: int,
                  permalink: str) -> None:
    """Store the Slack permalink of a captured message."""
    found = session.get(record, record_id)
    if found is not None:
        found.permalink = permalink[:500]
        session.add(found)
        session.flush()


def open_questions(session: Session, *, engagement_id: int) -> list[Question]:
    """Open questions, oldest first."""
    return list(session.exec(select(Question).where(
        Question.engagement_id == engagement_id, Question.status == OPEN_QUESTION,
        col(Question.deleted_at).is_(None)).order_by(col(Question.asked_at), col(Question.id))).all())


def open_reviews(session: Session, *, engagement_id: int) -> list[ReviewRequest]:
    """Review requests not yet approved or done, oldest first."""
    # Sorted here: with ORDER BY, SQLite walks the engagement's whole history in requested_at order
    # instead of looking up the few open ones by status.
    found = session.exec(select(ReviewRequest).where(
        ReviewRequest.engagement_id == engagement_id, col(ReviewRequest.status).in_(OPEN_REVIEW_STATUSES),
        col(ReviewRequest.deleted_at).is_(None))).all()
    return sorted(found, key=lambda r: (r.requested_at, r.id or 0))


def claim_reminder(session: Session, *, question_id: int, now: datetime) -> bool:
    """Mark the question reminded; True for exactly one caller, however many run at once."""
    result = session.exec(update(Question).where(
        col(Question.id) == question_id, col(Question.reminded_at).is_(None)).values(reminded_at=now))
    return result.rowcount == 1
