"""The weekly digest and the monthly statement, posted exactly once: claim, post, record.

One use case for the clock (on time and catch-up) and `ctobot digest --post`. The claim is committed
before Slack is called and the post recorded after; uploads (chart, CSV) go into the post's thread outside
any transaction, and their failure leaves the post standing. Each post carries message metadata naming its
(engagement, kind, period), so whoever takes over a stale claim first looks for it in the channel: a poster
that died after Slack accepted its message but before recording it does not cause a second post.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import calendar, charts
from bot.db import transaction
from bot.deps import Deps
from bot.errors import NotFound
from bot.models import DigestRun, Engagement, utcnow
from bot.services import digest, engagements, exports, lifecycle, months, runs, schedule, statement
from bot.slack.client import rate_limited_for
from bot.slack.digest_blocks import digest_message
from bot.slack.statement_blocks import statement_message
from bot.slack.users import names_for

logger = logging.getLogger(__name__)

DIGEST, STATEMENT = "digest", "statement"
# A 429 asking for longer than this is not slept through: the claim is released until Slack's Retry-After has
# passed and catch-up posts it then, so one rate-limited channel does not hold up the other engagements' posts.
RATE_LIMIT_WAIT_SECONDS = 2
POST_EVENT = "ctobot_post"
HISTORY_PAGES, HISTORY_PAGE_SIZE = 5, 200  # how far back a takeover looks for its predecessor's post


@dataclass(frozen=True)
class PostResult:
    """What became of one attempt to post a digest or statement."""

    kind: str
    period: str
    posted: bool
    reason: str = ""
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True)
class _Target:
    engagement_id: int
    display_name: str
    channel_id: str
    client: WebClient


def _target(deps: Deps, engagement_id: int, kind: str, period: str) -> _Target | PostResult:
    """Where to post, or why not."""
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None:
            raise NotFound("No such engagement.")
        if engagement.uninstalled_at is not None:
            return PostResult(kind, period, False, f"{engagement.display_name}'s workspace uninstalled the app")
        channel = engagements.engagement_status(session, engagement=engagement).primary_channel
        name, team_id = engagement.display_name, engagement.team_id
    if channel is None:
        return PostResult(kind, period, False, f"{name} has no digest channel: run `/cto setup` in one")
    client = deps.slack_client(team_id, max_rate_limit_wait=RATE_LIMIT_WAIT_SECONDS)
    if client is None:
        return PostResult(kind, period, False, "no Slack token to post with: set SLACK_BOT_TOKEN "
                                               "(or install the app in OAuth mode)")
    return _Target(engagement_id, name, channel, client)


def _refusal(run: DigestRun | None, what: str) -> str:
    if run is not None and run.posted_at is not None:
        return f"{what} was already posted {run.posted_at:%Y-%m-%d %H:%M} UTC"
    if run is not None and run.error:  # failed, released for a retry that is not due yet
        return f"{what} is waiting to be retried: {run.error}"
    return f"{what} is claimed by {run.claimed_by if run else 'another process'} and not posted yet"


def _claim(session: Any, *, target: _Target, kind: str, period: str, claimed_by: str, now: datetime,
           force: bool) -> tuple[DigestRun | None, datetime | None]:
    """The claim, and when an earlier unposted claim was made if this one takes it over (else None)."""
    if force:
        return runs.force_claim(session, engagement_id=target.engagement_id, kind=kind, period=period,
                                claimed_by=claimed_by, now=now), None
    earlier = runs.find_run(session, engagement_id=target.engagement_id, kind=kind, period=period)
    earlier_claimed_at = earlier.claimed_at if earlier is not None and earlier.posted_at is None else None
    run = runs.claim_run(session, engagement_id=target.engagement_id, kind=kind, period=period,
                         claimed_by=claimed_by, now=now)
    return run, earlier_claimed_at if run is not None else None


def post_metadata(*, engagement_id: int, kind: str, period: str) -> dict[str, Any]:
    """The Slack message metadata that marks a post as this (engagement, kind, period)'s."""
    return {"event_type": POST_EVENT,
            "event_payload": {"engagement_id": engagement_id, "kind": kind, "period": period}}


def _is_post_of(message: dict[str, Any], wanted: dict[str, Any]) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == wanted["event_type"] and all(
        str(payload.get(key)) == str(value) for key, value in wanted["event_payload"].items())


def _find_earlier_post(target: _Target, *, metadata: dict[str, Any], since: datetime) -> str | None:
    """The ts of a message already posted for this claim since `since`, found by its metadata; None if absent."""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    oldest = f"{(since - timedelta(minutes=1)).timestamp():.6f}"
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = target.client.conversations_history(channel=target.channel_id, oldest=oldest, limit=HISTORY_PAGE_SIZE,
                                                   include_all_metadata=True, cursor=cursor)
        for message in page.get("messages") or []:
            if _is_post_of(message, metadata):
                return str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    logger.warning("looked through %d pages of history without reaching the earlier claim; posting", HISTORY_PAGES)
    return None


def _post(deps: Deps, target: _Target, *, kind: str, period: str, what: str, text: str, blocks: Any,
          taken_over_since: datetime | None,
          on_posted: Callable[[Session, DigestRun], object] | None = None) -> PostResult:
    """Post the claimed message (unless a taken-over claim's message is already there) and record the outcome;
    `on_posted` records what the post counted, in the same transaction (so a post Slack did not take marks
    nothing)."""
    metadata = post_metadata(engagement_id=target.engagement_id, kind=kind, period=period)
    found = None
    if taken_over_since is not None:
        try:
            found = _find_earlier_post(target, metadata=metadata, since=taken_over_since)
        except Exception as exc:  # e.g. a workspace installed before the history scopes: posting is the lesser harm
            if rate_limited_for(exc) is not None:  # but not when Slack only asks us to wait: look again later
                return _failed(deps, target, kind=kind, period=period, what=what, exc=exc,
                               hand_back_to=taken_over_since)
            logger.warning("could not look for an earlier post of %s; posting it", what, exc_info=True)
    if found is not None:
        with transaction(deps.session_factory) as session:
            run = runs.find_run(session, engagement_id=target.engagement_id, kind=kind, period=period)
            assert run is not None
            runs.mark_posted(session, run=run, channel_id=target.channel_id, message_ts=found)
            if on_posted is not None:
                on_posted(session, run)
        logger.info("%s was already in %s (its poster stopped before recording it); recorded it", what,
                    target.channel_id)
        return PostResult(kind, period, True, "found already posted", channel_id=target.channel_id,
                          message_ts=found)
    try:
        ts = str(target.client.chat_postMessage(channel=target.channel_id, text=text, blocks=blocks,
                                                metadata=metadata)["ts"])
    except Exception as exc:
        return _failed(deps, target, kind=kind, period=period, what=what, exc=exc)
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=target.engagement_id, kind=kind, period=period)
        assert run is not None
        runs.mark_posted(session, run=run, channel_id=target.channel_id, message_ts=ts)
        if on_posted is not None:
            on_posted(session, run)
    logger.info("posted %s to %s", what, target.channel_id)
    return PostResult(kind, period, True, channel_id=target.channel_id, message_ts=ts)


def _failed(deps: Deps, target: _Target, *, kind: str, period: str, what: str, exc: Exception,
            hand_back_to: datetime | None = None) -> PostResult:
    """Record a post Slack did not take. Slack answered (an error, a 429): nothing was posted, so the claim is
    released, for a retry at once or once Retry-After has passed; otherwise it waits for its lease to run out.
    `hand_back_to`: a takeover rate-limited before it could look for its predecessor's post gives the claim back
    with the predecessor's claim time, so that whoever retries looks from there (a later time could miss it)."""
    wait = rate_limited_for(exc)
    error = f"rate limited by Slack in {target.channel_id}, retry after {wait} s" if wait is not None \
        else f"{type(exc).__name__}: {exc}"
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=target.engagement_id, kind=kind, period=period)
        if run is not None:
            runs.mark_failed(session, run=run, error=error, release=isinstance(exc, SlackApiError),
                             retry_after=timedelta(seconds=wait) if wait is not None else None,
                             hand_back_to=hand_back_to)
    if wait is not None:
        logger.warning("posting %s: %s; the others go on", what, error)
        return PostResult(kind, period, False, f"posting {what} was {error}; catch-up posts it then")
    logger.exception("posting %s failed", what)
    return PostResult(kind, period, False, f"posting {what} failed ({type(exc).__name__}); it will be retried")


def _upload_into_thread(target: _Target, result: PostResult, what: str, make: Callable[[], dict[str, Any]]) -> None:
    """Upload a file into the post's thread; a failure is logged and the post stands."""
    if not result.posted:
        return
    try:
        target.client.files_upload_v2(channel=target.channel_id, thread_ts=result.message_ts, **make())
    except Exception:
        logger.warning("uploading %s into the thread of %s failed; the post stands", what, result.period,
                       exc_info=True)


def post_digest(deps: Deps, *, engagement_id: int, claimed_by: str, week_key: str | None = None,
                now: datetime | None = None, force: bool = False) -> PostResult:
    """Post the engagement's digest of `week_key` (this week by default) once, with its chart in the thread.

    It counts what no posted digest has counted (bot.services.digest), and records that in the transaction that
    records the post. A forced repost of a posted week shows what that digest counted and counts nothing new."""
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None:
            raise NotFound("No such engagement.")
        today = calendar.local_today(engagement, now)
        week = digest.week_of(engagement, key=week_key, today=today)
        if lifecycle.has_ended(engagement, week.monday):  # a week that starts after the last day has no digest
            return PostResult(DIGEST, week.key, False, f"{engagement.display_name}'s engagement ended on "
                                                       f"{engagement.end_date}: no digest after the end")
    target = _target(deps, engagement_id, DIGEST, week.key)
    if isinstance(target, PostResult):
        return target
    what = f"the {week.key} digest of {target.display_name}"
    with transaction(deps.session_factory) as session:
        run, taken_over_since = _claim(session, target=target, kind=DIGEST, period=week.key,
                                       claimed_by=claimed_by, now=now, force=force)
        if run is None:
            existing = runs.find_run(session, engagement_id=engagement_id, kind=DIGEST, period=week.key)
            return PostResult(DIGEST, week.key, False, _refusal(existing, what))
        engagement = session.get(Engagement, engagement_id)
        assert engagement is not None
        reposted = run.posted_at is not None  # --force
        built = (digest.build_digest(session, engagement=engagement, week=week, now=now) if reposted
                 else digest.next_digest(session, engagement=engagement, week=week, now=now))
        text, blocks = digest_message(built, now=now)
        counted = [] if reposted else built.counted
        series = digest.weekly_minutes(session, engagement=engagement, week=week)
        band, name = (engagement.hours_min, engagement.hours_max), engagement.name
    result = _post(deps, target, kind=DIGEST, period=week.key, what=what, text=text, blocks=blocks,
                   taken_over_since=taken_over_since,
                   on_posted=lambda session, run: digest.record_counted(session, run=run, counted=counted))

    def chart() -> dict[str, Any]:
        png = charts.weekly_hours_png(labels=[w.key[-3:] for w, _ in series], hours=[m / 60 for _, m in series],
                                      band=band, title=f"{target.display_name}: hours per week, last 8 weeks")
        return {"file": png, "filename": f"{name}-hours-{week.key}.png", "title": f"Hours per week to {week.key}"}

    _upload_into_thread(target, result, "the hours chart", chart)
    return result


def post_statement(deps: Deps, *, engagement_id: int, claimed_by: str, month: date,
                   now: datetime | None = None, force: bool = False, automatic: bool = False) -> PostResult:
    """Post the engagement's statement of `month` once, with the month's Harvest CSV in the thread, and record the
    month as sent (its band, total and entries as sent). Call it through `month_close.close_and_send`, which
    closes the month first; `automatic`: sent at the end of the grace, and the statement says so."""
    now = now or utcnow()
    period = f"{month:%Y-%m}"
    target = _target(deps, engagement_id, STATEMENT, period)
    if isinstance(target, PostResult):
        return target
    what = f"the {period} statement of {target.display_name}"
    with transaction(deps.session_factory) as session:
        run, taken_over_since = _claim(session, target=target, kind=STATEMENT, period=period,
                                       claimed_by=claimed_by, now=now, force=force)
        if run is None:
            existing = runs.find_run(session, engagement_id=engagement_id, kind=STATEMENT, period=period)
            return PostResult(STATEMENT, period, False, _refusal(existing, what))
        engagement = session.get(Engagement, engagement_id)
        assert engagement is not None
        built = statement.build_statement(session, engagement=engagement, month=month)
        text, blocks = statement_message(built, automatic=automatic)
        ledger = months.ledger(session, engagement_id=engagement_id, month=month)
        entries = ledger.entries

    def record(session: Session, run: DigestRun) -> None:
        assert run.channel_id is not None and run.message_ts is not None  # mark_posted recorded them
        months.record_sent(session, engagement_id=engagement_id, month=month, band=built.summary.band,
                           minutes=ledger.minutes, sha=ledger.sha, channel_id=run.channel_id,
                           message_ts=run.message_ts, automatic=automatic, now=now)

    result = _post(deps, target, kind=STATEMENT, period=period, what=what, text=text, blocks=blocks,
                   taken_over_since=taken_over_since, on_posted=record)

    def csv_file() -> dict[str, Any]:
        names, _ = names_for(deps.users, target.client, {e.user_id for e in entries})
        return {"content": exports.hours_csv(entries, engagement=engagement, names=names),
                "filename": f"{engagement.name}-hours-{period}.csv",
                "title": f"{target.display_name} hours, {month:%B %Y} (Harvest CSV)"}

    _upload_into_thread(target, result, "the Harvest CSV", csv_file)
    return result


def post_due(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None,
             kinds: tuple[str, ...] = (DIGEST, STATEMENT)) -> list[PostResult]:
    """Post the latest digest and statement slots if they fell within the catch-up window and are not posted:
    the digest; on a month's first business day the draft statement to the CTO; at the end of the grace, the
    statement of a month nobody closed."""
    from bot.flows import month_close

    now = now or utcnow()
    due: list[tuple[str, str, Any]] = []
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None or engagement.uninstalled_at is not None:
            return []
        if DIGEST in kinds:
            slot = schedule.latest_digest_slot(engagement, now=now)
            if schedule.is_due(slot, now=now) and slot.date() >= engagement.start_date \
                    and not lifecycle.has_ended(engagement, slot.date()):  # after the end date: no digests
                due.append((DIGEST, schedule.digest_period(engagement, slot), None))
        if STATEMENT in kinds:
            due.extend((kind, period, month) for kind, period, month in month_close.statement_work_due(
                session, engagement=engagement, now=now))
        due = [(kind, period, month) for kind, period, month in due
               if (run := runs.find_run(session, engagement_id=engagement_id, kind=kind, period=period)) is None
               or run.posted_at is None]
    results = []
    for kind, period, month in due:
        if kind == DIGEST:
            results.append(post_digest(deps, engagement_id=engagement_id, claimed_by=claimed_by, week_key=period,
                                       now=now))
        elif kind == month_close.DRAFT:
            results.append(month_close.send_draft(deps, engagement_id=engagement_id, claimed_by=claimed_by,
                                                  month=month, now=now))
        else:
            results.append(month_close.close_and_send(deps, engagement_id=engagement_id, claimed_by=claimed_by,
                                                      month=month, closed_by=None, now=now))
    return results
