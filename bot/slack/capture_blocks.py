"""Block Kit for captured questions and review requests: `/cto questions`, `/review list`, reminders."""

from __future__ import annotations

from datetime import datetime

from bot import formatting
from bot.models import Engagement, Question, ReviewRequest
from bot.services.business_hours import business_hours_between
from bot.slack.blocks import Blocks, context, section
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline, link

MAX_LISTED = 30
LABEL_LIMIT = 120
NOTE_LIMIT = 150


def age_text(since: datetime, now: datetime) -> str:
    """`3d 4h`, `5h 10m`, `12m`."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def _link(text: str, permalink: str | None) -> str:
    return link(permalink, text or "(no text)", limit=LABEL_LIMIT)


def question_line(question: Question, engagement: Engagement, now: datetime) -> str:
    """One open question: who, where, how long it has waited against the target."""
    waited = business_hours_between(engagement, question.asked_at, now)
    target = engagement.response_target_hours
    late = " — *overdue*" if waited >= target else ""
    share = f"{formatting.business_time(waited)} of {target:g} h business"
    return (f"• {_link(question.text, question.permalink)} — <@{question.asker_user_id}> in <#{question.channel_id}>, "
            f"waited {age_text(question.asked_at, now)} ({share}){late}")


def review_line(review: ReviewRequest, now: datetime) -> str:
    """One open review request with its age and status."""
    status = review.status.replace("_", " ")
    note = f" — {inline(review.note, NOTE_LIMIT)}" if review.note and review.note != review.url else ""
    return (f"• {link(review.url, review.url.split('://', 1)[-1])} ({status}) — <@{review.requester_user_id}>, "
            f"{age_text(review.requested_at, now)} ago{note}")


def questions_message(questions: list[Question], *, engagement: Engagement, now: datetime) -> tuple[str, Blocks]:
    """`/cto questions`: open questions, oldest first."""
    name = escape(engagement.display_name)
    head = f"*{name}* — {len(questions)} open question{'s' if len(questions) != 1 else ''}"
    body = list_text([question_line(q, engagement, now) for q in questions], empty="Nothing is waiting for an answer.",
                     max_items=MAX_LISTED)
    return f"{name}: {len(questions)} open questions", [
        section(head), section(body),
        context(f"First-response target: {engagement.response_target_hours:g} business hours. "
                "A CTO reply in the thread answers; ✅ resolves, 🚫 dismisses.")]


def reviews_message(reviews: list[ReviewRequest], *, engagement: Engagement, now: datetime) -> tuple[str, Blocks]:
    """`/review list`: open review requests, oldest first."""
    name = escape(engagement.display_name)
    head = f"*{name}* — {len(reviews)} open review request{'s' if len(reviews) != 1 else ''}"
    body = list_text([review_line(r, now) for r in reviews], empty="No pull request is waiting for review.",
                     max_items=MAX_LISTED)
    return f"{name}: {len(reviews)} open review requests", [
        section(head), section(body), context("From the CTO: 👀 in review, 🔁 changes requested, ✅ approved.")]


def reminder_text(question: Question, *, engagement: Engagement, now: datetime) -> str:
    """The DM sent when a question reaches 75 % of its first-response target."""
    waited = business_hours_between(engagement, question.asked_at, now)
    return (f":alarm_clock: {escape(engagement.display_name)}: a question from <@{question.asker_user_id}> in "
            f"<#{question.channel_id}> has waited {formatting.business_time(waited)} of "
            f"{engagement.response_target_hours:g} business hours: {_link(question.text, question.permalink)}")
