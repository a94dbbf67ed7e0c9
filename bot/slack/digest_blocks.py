"""Block Kit for the weekly digest, within Slack's limits (50 blocks, 3,000 characters a section)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot import formatting
from bot.formatting import duration, signed_duration
from bot.services import decisions as decision_service
from bot.services.digest import WeeklyDigest
from bot.slack.blocks import Blocks, context, month_line, section
from bot.slack.capture_blocks import question_line, review_line
from bot.slack.delivery_blocks import risk_line
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline, plain

LIST_LIMIT = 10


def _share(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def _bounded(head: str, lines: list[str], empty: str) -> str:
    """`head` and as many lines as fit (at most LIST_LIMIT), then "and N more"."""
    return list_text(lines, head=head, empty=empty, max_items=LIST_LIMIT)


def _since(d: WeeklyDigest) -> str:
    return "since the last digest"


def _late_lines(d: WeeklyDigest) -> list[str]:
    return [f"• {key}: {duration(minutes)}" for key, minutes in d.late_by_week]


def _correction_lines(d: WeeklyDigest) -> list[str]:
    return [f"• {c.work_date:%a %d %b} {inline(c.category)}: {signed_duration(c.minutes)}"
            + (" (entry deleted)" if c.deleted else " (entry edited)") for c in d.corrections]


def digest_sections(d: WeeklyDigest, *, now: datetime) -> list[str]:
    """The digest as mrkdwn sections, in reading order."""
    e = d.engagement
    categories = ", ".join(f"{inline(name)} {duration(minutes)}" for name, minutes in
                           sorted(d.week_by_category.items(), key=lambda item: (-item[1], item[0])))
    hours_text = (f"*Hours* — this week {duration(d.week_minutes)}" + (f" ({categories})" if categories else "")
                  + (f"; with late time and corrections this digest counts {duration(d.counted_minutes)}"
                     if d.late_by_week or d.corrections else "")
                  + f"\n{month_line(d.month, e)}"
                  + f"\nExecutor share this month {_share(d.month.executor_share)}, last month "
                    f"{_share(d.executor_share_last_month)}.")
    sections = [hours_text]
    if d.late_by_week:
        sections.append(_bounded(f"*Logged late for earlier weeks* — {duration(d.late_minutes)}, not in those "
                                 "weeks' digests:", _late_lines(d), ""))
    if d.corrections:
        sections.append(_bounded(f"*Corrections* — {signed_duration(d.correction_minutes)} to time earlier "
                                 "digests counted:", _correction_lines(d), ""))
    target = e.response_target_hours
    worst = formatting.business_time(d.worst_first_response_hours) + (" (still open)" if d.worst_is_open else "")
    questions = _bounded(
        f"*Questions* — {d.questions_asked} asked, {d.questions_answered} answered {_since(d)}; first response "
        f"median {formatting.business_time(d.median_first_response_hours)} and worst {worst} business "
        f"(target {target:g} h). Open, oldest first:",
        [question_line(q, e, d.at) for q in d.open_questions], "none")
    reviews = _bounded(
        f"*Reviews* — {d.reviews_requested} requested, {d.reviews_responded} first "
        f"response{'' if d.reviews_responded == 1 else 's'} (median "
        f"{formatting.business_time(d.median_review_response_hours)} business), {d.reviews_done} done (median "
        f"time to done {formatting.business_time(d.median_review_done_hours)} business) {_since(d)}. Open:",
        [review_line(r, d.at) for r in d.open_reviews], "none")
    decisions = _bounded(
        f"*Decisions* — {len(d.decisions_new)} new, {len(d.decisions_accepted)} accepted {_since(d)}"
        + (f" ({without} taken by the team without the CTO)" if (without := sum(
            decision_service.taken_without_cto(d.engagement, x) for x in d.decisions_accepted)) else ""),
        [f"• ADR-{x.number:04d} {inline(x.title)} ({'accepted' if x in d.decisions_accepted else x.status})"
         for x in {x.id: x for x in [*d.decisions_new, *d.decisions_accepted]}.values()], "")
    artifact_lines = ([f"• delivered `{s.kind}`" for s in d.artifacts_delivered]
                      + [f"• due {s.artifact.due_date:%d %b}: `{s.kind}`" for s in d.artifacts_due_soon]
                      + [f"• *overdue since {s.artifact.due_date:%d %b}: `{s.kind}`* — please ask for it"
                         for s in d.artifacts_overdue])
    artifacts = _bounded("*Artifacts*", artifact_lines, "nothing delivered, due or overdue")
    risks = _bounded("*Open high risks*", [risk_line(r) for r in d.high_risks], "none")
    return [*sections, questions, reviews, decisions, artifacts, risks]


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
    blocks.append(context(_footer(d)))
    fallback = (f"{escape(title)}: {duration(d.week_minutes)} this week, {duration(d.month.minutes)} of {band} "
                f"this month; {len(d.open_questions)} open questions; "
                f"{len(d.open_reviews)} open reviews; {len(d.artifacts_overdue)} overdue artifacts.")
    return fallback, blocks  # a header, at most eight sections and a context line: well under MESSAGE_BLOCK_LIMIT


def _footer(d: WeeklyDigest) -> str:
    if d.posted_at is not None:
        stands = f"As posted {d.posted_at:%d %b %Y %H:%M} UTC."
    elif d.at >= d.week.end:
        stands = "Not posted; as it stood at the end of the week."
    else:
        stands = ""
    return (stands + " Each hour, question, review and decision is counted in one posted digest. Numbers from "
            "ctobot: `/logtime list`, `/cto questions`, `/review list`, `/artifact`, `/risk`.").strip()


def digest_plain_text(d: WeeklyDigest, *, now: datetime, names: Mapping[str, str] | None = None) -> str:
    """The digest for a terminal (`ctobot digest`): no mrkdwn, links as `label (url)`, people by name."""
    body = "\n\n".join(plain(text, names=names) for text in [*digest_sections(d, now=now), _footer(d)])
    return digest_title(d) + "\n\n" + body + "\n"
