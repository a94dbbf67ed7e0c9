"""The month close, as one flow for the clock, the button, `/cto close` and `ctobot close`.

On a month's first business day the CTOs get last month's draft statement by DM with a "Close and send" button.
Closing (the button, `/cto close`, `ctobot close`: all `close_and_send`) posts the statement to the primary
channel with the Harvest CSV in its thread; a month nobody closed goes out by itself at the end of the
engagement's statement grace (`schedule.statement_send_slot`), saying so. Any later change to a sent month's
entries is an amendment (`post_amendments`), claimed in the database, posted once in the statement's thread
with a new CSV; the statement itself is never edited. Slack is called outside every transaction: claim, commit,
post, record; a claim Slack refused is released so that a retry posts it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.errors import DomainError, InvalidInput, NotFound
from bot.flows.scheduled_posts import (
    RATE_LIMIT_WAIT_SECONDS,
    STATEMENT,
    PostResult,
    _is_post_of,
    post_metadata,
    post_statement,
)
from bot.models import Engagement, MonthStatement, utcnow
from bot.models.month import CLOSED
from bot.services import engagements, exports, months, runs, schedule, statement
from bot.slack.mrkdwn import escape
from bot.slack.statement_blocks import amendment_message, draft_message, post_result_text
from bot.slack.users import names_for

logger = logging.getLogger(__name__)

DRAFT, AMENDMENT = "statement-draft", "amendment"
AMENDMENT_ROUNDS = 3  # changes made while an amendment was being posted go out in the next one, at once
AMEND_LOOKBACK_DAYS = 400  # catch-up looks for unposted amendments of sent months this far back


def statement_work_due(session: Any, *, engagement: Engagement, now: datetime) -> list[tuple[str, str, date]]:
    """What the month close has due now: (kind, period, month) of the draft DM or of the statement itself."""
    draft_slot = schedule.latest_statement_slot(engagement, now=now)
    month = schedule.statement_month(engagement, draft_slot)
    if month < calendar.month_start(engagement.start_date):
        return []
    period = f"{month:%Y-%m}"
    row = months.find(session, engagement_id=engagement.id, month=month)  # type: ignore[arg-type]
    if row is not None and row.state in months.SENT_STATES:
        return []
    if row is not None and row.state == CLOSED:  # closed, but Slack did not take it: send it again now
        return [(STATEMENT, period, month)]
    send_slot = schedule.statement_send_slot(engagement, draft_slot)
    if now >= send_slot:
        return [(STATEMENT, period, month)] if schedule.is_due(send_slot, now=now) else []
    return [(DRAFT, period, month)] if schedule.is_due(draft_slot, now=now) else []


def send_draft(deps: Deps, *, engagement_id: int, claimed_by: str, month: date,
               now: datetime | None = None) -> PostResult:
    """DM each CTO the month's draft statement with a "Close and send" button, once (claimed like a digest)."""
    now = now or utcnow()
    period = f"{month:%Y-%m}"
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None:
            raise NotFound("No such engagement.")
        ctos, team_id = list(engagement.cto_user_ids), engagement.team_id
        if engagement.uninstalled_at is not None or not ctos:
            return PostResult(DRAFT, period, False, f"{engagement.display_name} has no CTO to send the draft to")
        if runs.claim_run(session, engagement_id=engagement_id, kind=DRAFT, period=period, claimed_by=claimed_by,
                          now=now) is None:
            return PostResult(DRAFT, period, False, f"the {period} draft was already sent or is being sent")
        row = months.get_or_open(session, engagement_id=engagement_id, month=month)
        channel = engagements.engagement_status(session, engagement=engagement).primary_channel
        slot = schedule.statement_send_slot(engagement, schedule.latest_statement_slot(engagement, now=now))
        text, blocks = draft_message(statement.build_statement(session, engagement=engagement, month=month),
                                     statement_id=row.id, channel_id=channel,  # type: ignore[arg-type]
                                     sends_at=calendar.local_now(engagement, slot))
    client = deps.slack_client(team_id, max_rate_limit_wait=RATE_LIMIT_WAIT_SECONDS)
    sent: list[str] = []
    error: Exception | None = None
    for user_id in ctos:
        try:
            sent.append(str(client.chat_postMessage(channel=user_id, text=text, blocks=blocks)["ts"]))  # type: ignore[union-attr]
        except Exception as exc:
            error = exc
            logger.warning("the %s draft statement to %s failed", period, user_id, exc_info=True)
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=engagement_id, kind=DRAFT, period=period)
        assert run is not None
        if sent:
            runs.mark_posted(session, run=run, channel_id=None, message_ts=sent[0])
        else:
            runs.mark_failed(session, run=run, error=f"{type(error).__name__}: {error}",
                             release=isinstance(error, SlackApiError) or client is None)
    return PostResult(DRAFT, period, bool(sent), "" if sent else "Slack took none of the draft DMs",
                      message_ts=sent[0] if sent else None)


def close_and_send(deps: Deps, *, engagement_id: int, month: date, closed_by: str | None, claimed_by: str,
                   now: datetime | None = None) -> PostResult:
    """Close `month` (by `closed_by`, a CTO; None: the grace ran out) and post its statement once.

    InvalidInput, with a polite reason, when the month is not over, outside the engagement, or already sent
    (the clock's automatic send gets a PostResult saying so instead).
    """
    now = now or utcnow()
    period = f"{month:%Y-%m}"
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None:
            raise NotFound("No such engagement.")
        try:
            months.check_closable(session, engagement=engagement, month=month,
                                  today=calendar.local_today(engagement, now))
        except InvalidInput as exc:
            if closed_by is None:
                return PostResult(STATEMENT, period, False, exc.message)
            raise
        row = months.close(session, engagement=engagement, month=month, closed_by=closed_by, now=now)
        automatic = row.closed_by is None
    result = post_statement(deps, engagement_id=engagement_id, claimed_by=claimed_by, month=month, now=now,
                            automatic=automatic)
    if not result.posted and "already posted" in result.reason:
        with transaction(deps.session_factory) as session:  # another process sent it a moment ago
            engagement = session.get(Engagement, engagement_id)
            sent_row = months.find(session, engagement_id=engagement_id, month=month)
            if engagement is not None and sent_row is not None and sent_row.state in months.SENT_STATES:
                raise InvalidInput(months.already_sent_text(engagement, sent_row))
    if result.posted:
        post_amendments(deps, engagement_id=engagement_id, month=month, claimed_by=claimed_by)
    return result


def send_and_tell(deps: Deps, respond: Callable[..., Any], *, engagement_id: int, month: date, user_id: str,
                  replace_original: bool) -> None:
    """Close and send in the background (the button, `/cto close`), then tell the CTO through `respond` where the
    statement went (or why it did not)."""
    month_text = f"{month:%B %Y}"
    try:
        result = close_and_send(deps, engagement_id=engagement_id, month=month, closed_by=user_id,
                                claimed_by=f"slack:{user_id}")
    except DomainError as exc:
        respond(text=escape(exc.message), replace_original=False)
        return
    respond(text=post_result_text(result, month_text=month_text), replace_original=replace_original and result.posted)


def post_amendments(deps: Deps, *, engagement_id: int, month: date, claimed_by: str,
                    now: datetime | None = None) -> list[PostResult]:
    """Post what changed in a sent month since it was last reported, once, in its statement's thread."""
    results: list[PostResult] = []
    for _ in range(AMENDMENT_ROUNDS):
        result = _post_one_amendment(deps, engagement_id=engagement_id, month=month, claimed_by=claimed_by,
                                     now=now)
        if result is None:
            break
        results.append(result)
        if not result.posted:
            break
    return results


def _post_one_amendment(deps: Deps, *, engagement_id: int, month: date, claimed_by: str,
                        now: datetime | None) -> PostResult | None:
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        engagement = session.get(Engagement, engagement_id)
        row = months.find(session, engagement_id=engagement_id, month=month)
        if engagement is None or engagement.uninstalled_at is not None or row is None \
                or row.state not in months.SENT_STATES or not row.channel_id or not row.message_ts:
            return None
        ledger = months.ledger(session, engagement_id=engagement_id, month=month)
        claim = months.claim_amendment(session, row=row, now_ledger=ledger, claimed_by=claimed_by, now=now)
        if claim is None:
            return None
        amendment = claim.amendment
        text, blocks = amendment_message(row, amendment, display_name=engagement.display_name,
                                         previous_minutes=claim.previous_minutes)
        channel, thread_ts, team_id = row.channel_id, row.message_ts, engagement.team_id
        amendment_id, number, name = amendment.id, amendment.number, engagement.name
        display = engagement.display_name
        entries = ledger.entries
    period = f"{month:%Y-%m}#{number}"
    metadata = post_metadata(engagement_id=engagement_id, kind=AMENDMENT, period=period)
    client = deps.slack_client(team_id, max_rate_limit_wait=RATE_LIMIT_WAIT_SECONDS)
    if client is None:
        _amendment_failed(deps, amendment_id, RuntimeError("no Slack token"), release=True)  # type: ignore[arg-type]
        return PostResult(AMENDMENT, period, False, "no Slack token to post with")
    try:
        ts = _earlier_amendment(client, channel, thread_ts, metadata) if claim.taken_over_since else None
        if ts is None:
            ts = str(client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks,
                                             metadata=metadata)["ts"])
    except Exception as exc:
        _amendment_failed(deps, amendment_id, exc, release=isinstance(exc, SlackApiError))  # type: ignore[arg-type]
        logger.warning("posting amendment %s of %s failed; it will be retried", period, display, exc_info=True)
        return PostResult(AMENDMENT, period, False, f"posting it failed ({type(exc).__name__}); it will be retried")
    with transaction(deps.session_factory) as session:
        months.amendment_posted(session, amendment_id=amendment_id, message_ts=ts)  # type: ignore[arg-type]
    try:
        names, _ = names_for(deps.users, client, {e.user_id for e in entries})
        with transaction(deps.session_factory) as session:
            engagement = session.get(Engagement, engagement_id)
            content = exports.hours_csv(entries, engagement=engagement, names=names)  # type: ignore[arg-type]
        client.files_upload_v2(channel=channel, thread_ts=thread_ts, content=content,
                               filename=f"{name}-hours-{month:%Y-%m}-amendment-{number}.csv",
                               title=f"{display} hours, {month:%B %Y}, amendment {number} (Harvest CSV)")
    except Exception:
        logger.warning("uploading the CSV of amendment %s failed; the amendment stands", period, exc_info=True)
    return PostResult(AMENDMENT, period, True, channel_id=channel, message_ts=ts)


def _earlier_amendment(client: Any, channel: str, thread_ts: str, metadata: dict[str, Any]) -> str | None:
    """The ts of this amendment if a poster that died got it into the thread before recording it."""
    page = client.conversations_replies(channel=channel, ts=thread_ts, include_all_metadata=True, limit=1000)
    for message in page.get("messages") or []:
        if _is_post_of(message, metadata):
            return str(message["ts"])
    return None


def _amendment_failed(deps: Deps, amendment_id: int, exc: Exception, *, release: bool) -> None:
    with transaction(deps.session_factory) as session:
        months.amendment_failed(session, amendment_id=amendment_id, error=f"{type(exc).__name__}: {exc}",
                                release=release)


def amend_sent_months(deps: Deps, *, engagement_id: int, days: Iterable[date | None], claimed_by: str) -> int:
    """After a change to entries on `days`: post an amendment for each of their months that was sent."""
    posted = 0
    for first in sorted({calendar.month_start(day) for day in days if day is not None}):
        with transaction(deps.session_factory) as session:
            sent = months.sent_statement_for(session, engagement_id=engagement_id, day=first) is not None
        if sent:
            posted += sum(r.posted for r in post_amendments(deps, engagement_id=engagement_id, month=first,
                                                            claimed_by=claimed_by))
    return posted


def amend_all(deps: Deps, *, engagement_id: int, claimed_by: str, now: datetime | None = None) -> int:
    """Catch-up: post any amendment a sent month still owes (a crash, a refusal by Slack, a race)."""
    now = now or utcnow()
    with transaction(deps.session_factory) as session:
        rows: list[MonthStatement] = months.sent_months(session, engagement_id=engagement_id,
                                                        since=(now - timedelta(days=AMEND_LOOKBACK_DAYS)).date())
        wanted = [row.month for row in rows]
    return sum(r.posted for first in wanted
               for r in post_amendments(deps, engagement_id=engagement_id, month=first, claimed_by=claimed_by,
                                        now=now))
