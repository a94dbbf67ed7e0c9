"""The month close: a month's statement is open, then closed (by the CTO, or by the grace running out), then
sent, then amended by any later change to its entries. What the founder was sent is kept as sent; every change
after it is an amendment of its own, claimed once like a digest run and posted once in the statement's thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from bot import calendar
from bot.db.unique import insert_once
from bot.errors import InvalidInput
from bot.models import Engagement, MonthStatement, StatementAmendment, TimeEntry, id_of, utcnow
from bot.models.month import AMENDED, CLOSED, OPEN, SENT
from bot.services.retainer import Band
from bot.services.runs import CLAIM_LEASE
from bot.services.timelog import entries_between

SENT_STATES = (SENT, AMENDED)


def parse_month(text: str) -> date:
    """`2026-10` -> 2026-10-01 (exports.parse_month); InvalidInput otherwise."""
    from bot.services.exports import parse_month as parse

    try:
        return parse(text)
    except ValueError:
        raise InvalidInput(f"`{text.strip()[:20]}` is not a month: use YYYY-MM, e.g. 2026-10.") from None


_FIND = select(MonthStatement).where(MonthStatement.engagement_id == bindparam("engagement_id"),  # built once
                                     MonthStatement.month == bindparam("month"))


def find(session: Session, *, engagement_id: int, month: date) -> MonthStatement | None:
    """The month's row, if it has one yet."""
    return session.exec(_FIND, params={"engagement_id": engagement_id, "month": calendar.month_start(month)}).first()


def get_or_open(session: Session, *, engagement_id: int, month: date) -> MonthStatement:
    """The month's row, made open if it has none (two processes may race: one insert wins)."""
    row = find(session, engagement_id=engagement_id, month=month)
    if row is None:
        insert_once(session, MonthStatement(engagement_id=engagement_id, month=calendar.month_start(month)))
        row = find(session, engagement_id=engagement_id, month=month)
    assert row is not None
    return row


def sent_statement_for(session: Session, *, engagement_id: int, day: date) -> MonthStatement | None:
    """The sent statement of `day`'s month, when it was sent (so a change to it is an amendment)."""
    row = find(session, engagement_id=engagement_id, month=day)
    return row if row is not None and row.state in SENT_STATES else None


def already_sent_text(engagement: Engagement, row: MonthStatement) -> str:
    """A polite refusal to send a month twice."""
    when = f" on {row.sent_at:%d %b %Y at %H:%M} UTC" if row.sent_at else ""
    how = "automatically at the end of the grace" if row.sent_automatically else "when the month was closed"
    return (f"{engagement.display_name}'s {row.month:%B %Y} statement was already sent{when} ({how}), so nothing "
            "was posted again. Time logged into that month now goes out as an amendment in its thread.")


def check_closable(session: Session, *, engagement: Engagement, month: date, today: date) -> MonthStatement | None:
    """InvalidInput unless `month` is over, inside the engagement and not sent yet; its row, if it has one."""
    first = calendar.month_start(month)
    if calendar.month_end(first) >= today:
        raise InvalidInput(f"{first:%B %Y} is not over yet for {engagement.display_name}: a month is closed once "
                           "its last day has passed.")
    if calendar.month_end(first) < engagement.start_date or (engagement.end_date and first > engagement.end_date):
        raise InvalidInput(f"{engagement.display_name}'s engagement did not run in {first:%B %Y}, so it has no "
                           "statement.")
    row = find(session, engagement_id=id_of(engagement), month=first)
    if row is not None and row.state in SENT_STATES:
        raise InvalidInput(already_sent_text(engagement, row))
    return row


def close(session: Session, *, engagement: Engagement, month: date, closed_by: str | None,
          now: datetime | None = None) -> MonthStatement:
    """Mark the month closed (by `closed_by`, or None: by the grace's end); a sent month stays as it is."""
    row = get_or_open(session, engagement_id=id_of(engagement), month=month)
    if row.state in (OPEN, CLOSED):
        row.state, row.closed_by, row.closed_at = CLOSED, closed_by, now or utcnow()
        session.add(row)
        session.flush()
    return row


@dataclass(frozen=True)
class Ledger:
    """A month's live entries as they stand, their total and their digest."""

    entries: list[TimeEntry]
    minutes: int
    sha: str


def ledger(session: Session, *, engagement_id: int, month: date) -> Ledger:
    """The month's live entries, oldest first, with their total and a digest that changes with any of them."""
    first = calendar.month_start(month)
    entries = entries_between(session, engagement_id=engagement_id, start=first, end=calendar.month_end(first))
    digest = hashlib.sha256()
    for e in entries:
        digest.update(f"{e.id}|{e.work_date.isoformat()}|{e.minutes}|{e.category}|{e.note}|{e.user_id}\n".encode())
    return Ledger(entries=entries, minutes=sum(e.minutes for e in entries), sha=digest.hexdigest())


def record_sent(session: Session, *, engagement_id: int, month: date, band: Band, minutes: int, sha: str,
                channel_id: str, message_ts: str, automatic: bool, now: datetime | None = None) -> MonthStatement:
    """Record that the statement reached the channel: the band, the total and the entries as sent."""
    row = get_or_open(session, engagement_id=engagement_id, month=month)
    now = now or utcnow()
    if row.state in SENT_STATES:
        return row
    row.state = SENT
    if row.closed_at is None:
        row.closed_at = now
    row.floor_minutes, row.top_minutes = band.floor_minutes, band.top_minutes
    row.full_floor_minutes, row.full_top_minutes = band.full_floor_minutes, band.full_top_minutes
    row.rollover_minutes = band.rollover_minutes
    row.business_days_counted, row.business_days_total = band.days_counted, band.days_total
    row.minutes_sent, row.ledger_sha, row.sent_automatically = minutes, sha, automatic
    row.sent_at, row.channel_id, row.message_ts = now, channel_id, message_ts
    session.add(row)
    session.flush()
    return row


def band_as_sent(row: MonthStatement) -> Band:
    """The band the statement was judged against."""
    assert row.floor_minutes is not None and row.top_minutes is not None
    return Band(row.floor_minutes, row.top_minutes, row.full_floor_minutes or row.floor_minutes,
                row.full_top_minutes or row.top_minutes, row.business_days_counted or 0,
                row.business_days_total or 0, row.rollover_minutes)


def amendments(session: Session, *, statement_id: int) -> list[StatementAmendment]:
    """The statement's amendments, in order."""
    return list(session.exec(select(StatementAmendment).where(StatementAmendment.statement_id == statement_id)
                             .order_by(col(StatementAmendment.number))).all())


@dataclass(frozen=True)
class AmendmentClaim:
    """An amendment this process now holds, and when an earlier holder claimed it if this took it over."""

    amendment: StatementAmendment
    previous_minutes: int
    taken_over_since: datetime | None


def claim_amendment(session: Session, *, row: MonthStatement, now_ledger: Ledger, claimed_by: str,
                    now: datetime | None = None, lease: timedelta = CLAIM_LEASE) -> AmendmentClaim | None:
    """Claim the amendment the month's entries call for; None when there is nothing new, or another process
    holds a live claim. A stale claim (its poster died or Slack refused it) is taken over with today's figures."""
    now = now or utcnow()
    existing = amendments(session, statement_id=id_of(row))
    posted = [a for a in existing if a.posted_at is not None]
    last_sha = posted[-1].ledger_sha if posted else row.ledger_sha
    last_minutes = posted[-1].total_minutes if posted else int(row.minutes_sent or 0)
    pending = [a for a in existing if a.posted_at is None]
    if pending:
        stale = pending[-1]
        if stale.claimed_at >= now - lease:
            return None
        result = session.exec(
            update(StatementAmendment)
            .where(col(StatementAmendment.id) == stale.id, col(StatementAmendment.posted_at).is_(None),
                   col(StatementAmendment.claimed_at) < now - lease)
            .values(claimed_at=now, claimed_by=claimed_by[:100], error=None, total_minutes=now_ledger.minutes,
                    delta_minutes=now_ledger.minutes - last_minutes, ledger_sha=now_ledger.sha))
        if result.rowcount != 1:
            return None
        since = stale.claimed_at
        session.refresh(stale)
        return AmendmentClaim(stale, last_minutes, since)
    if now_ledger.sha == last_sha:
        return None
    amendment = StatementAmendment(statement_id=id_of(row), number=(existing[-1].number if existing else 0) + 1,
                                   delta_minutes=now_ledger.minutes - last_minutes,
                                   total_minutes=now_ledger.minutes, ledger_sha=now_ledger.sha, claimed_at=now,
                                   claimed_by=claimed_by[:100])
    if not insert_once(session, amendment):
        return None
    return AmendmentClaim(amendment, last_minutes, None)


def amendment_posted(session: Session, *, amendment_id: int, message_ts: str, now: datetime | None = None) -> None:
    """Record that the amendment is in the statement's thread; the month is amended."""
    amendment = session.get(StatementAmendment, amendment_id)
    assert amendment is not None
    amendment.posted_at, amendment.message_ts, amendment.error = now or utcnow(), message_ts, None
    session.add(amendment)
    row = session.get(MonthStatement, amendment.statement_id)
    assert row is not None
    row.state = AMENDED
    session.add(row)
    session.flush()


def amendment_failed(session: Session, *, amendment_id: int, error: str, release: bool) -> None:
    """Record why Slack did not take it; `release` (Slack surely refused it) frees the claim for a retry now."""
    amendment = session.get(StatementAmendment, amendment_id)
    if amendment is None:
        return
    amendment.error = error[:500]
    if release:
        amendment.claimed_at = amendment.claimed_at - CLAIM_LEASE - timedelta(seconds=1)
    session.add(amendment)
    session.flush()


def sent_months(session: Session, *, engagement_id: int, since: date) -> list[MonthStatement]:
    """The engagement's sent statements of months from `since` on."""
    return list(session.exec(select(MonthStatement).where(
        MonthStatement.engagement_id == engagement_id, col(MonthStatement.state).in_(SENT_STATES),
        MonthStatement.month >= calendar.month_start(since)).order_by(col(MonthStatement.month))).all())
