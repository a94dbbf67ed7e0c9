"""Block Kit for the weekly digest, within Slack's limits (50 blocks, 3,000 characters a section)."""

from __future__ import annotations

from datetime import datetime

from bot import formatting
from bot.formatting import duration
from bot.services.digest import WeeklyDigest
from bot.slack.blocks import Blocks, context, month_line, section
from bot.slack.capture_blocks import question_line, review_line
from bot.slack.delivery_blocks import risk_line
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline, unescape

LIST_LIMIT = 10


def _share(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def _bounded(head: str, lines: list[str], empty: str) -> str:
    """`head` and as many lines as fit (at most LIST_LIMIT), then "and N more"."""
    return list_text(lines, head=head, empty=empty, max_items=LIST_LIMIT)


def digest_sections(d: WeeklyDigest, *, now: datetime) -> list[str]:
    """The digest as mrkdwn sections, in reading order."""
    e = d.engagement
    categories = ", ".join(f"{name} {duration(minutes)}" for name, minutes in
                           sorted(d.week_by_category.items(), key=lambda item: -item[1]))
    hours_text = (f"*Hours* — this week {duration(d.week_minutes)}" + (f" ({categories})" if categories else "")
                  + f"\n{month_line(d.month, e)}"
                  + f"\nExecutor share this month {_share(d.month.executor_share)}, last month "
                    f"{_share(d.executor_share_last_month)}.")
    target = e.response_target_hours
    questions = _bounded(
        f"*Questions* — {d.questions_asked} asked, {d.questions_answered} answered this week; first response "
        f"median {formatting.business_time(d.median_first_response_hours)} and worst "
        f"{formatting.business_time(d.worst_first_response_hours)} business (target {target:g} h). Open, oldest first:",
        [question_line(q, e, now) for q in d.open_questions], "none")
    reviews = _bounded(
        f"*Reviews* — {d.reviews_requested} requested, {d.reviews_done} done this week; median turnaround "
        f"{formatting.business_time(d.median_review_turnaround_hours)} business. Open:",
        [review_line(r, now) for r in d.open_reviews], "none")
    decisions = _bounded(
        f"*Decisions* — {len(d.decisions_new)} new, {len(d.decisions_accepted)} accepted this week",
        [f"• ADR-{x.number:04d} {inline(x.title)} ({'accepted' if x in d.decisions_accepted else x.status})"
         for x in {x.id: x for x in [*d.decisions_new, *d.decisions_accepted]}.values()], "")
    artifact_lines = ([f"• delivered `{s.kind}`" for s in d.artifacts_delivered]
                      + [f"• due {s.artifact.due_date:%d %b}: `{s.kind}`" for s in d.artifacts_due_soon]
                      + [f"• *overdue since {s.artifact.due_date:%d %b}: `{s.kind}`* — please ask for it"
                         for s in d.artifacts_overdue])
    artifacts = _bounded("*Artifacts*", artifact_lines, "nothing delivered, due or overdue")
    risks = _bounded("*Open high risks*", [risk_line(r) for r in d.high_risks], "none")
    return [hours_text, questions, reviews, decisions, artifacts, risks]


def digest_title(d: WeeklyDigest) -> str:
    """`Acme — weekly digest, 2026-W47 (16 Nov–22 Nov)`."""
    return (f"{d.engagement.display_name} — weekly digest, {d.week.key} "
            f"({d.week.monday:%d %b}–{d.week.sunday:%d %b})")


def digest_message(d: WeeklyDigest, *, now: datetime) -> tuple[str, Blocks]:
    """The Block Kit message and its plain-text fallback."""
    title = digest_title(d)
    band = formatting.band(d.month.band.floor_minutes, d.month.band.top_minutes)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    blocks += [section(text) for text in digest_sections(d, now=now)]
    blocks.append(context("Numbers from ctobot: `/logtime list`, `/cto questions`, `/review list`, `/artifact`, "
                          "`/risk`."))
    fallback = (f"{escape(title)}: {duration(d.week_minutes)} this week, {duration(d.month.minutes)} of {band} "
                f"this month; {len(d.open_questions)} open questions; "
                f"{len(d.open_reviews)} open reviews; {len(d.artifacts_overdue)} overdue artifacts.")
    return fallback, blocks  # a header, six sections and a context line: well under MESSAGE_BLOCK_LIMIT


def digest_plain_text(d: WeeklyDigest, *, now: datetime) -> str:
    """The digest for a terminal (`ctobot digest`)."""
    body = unescape("\n\n".join(digest_sections(d, now=now)).replace("*", ""))
    return digest_title(d) + "\n\n" + body + "\n"
