"""Claims that make scheduled posts happen exactly once, whatever restarts or extra processes do.

A claim is a unique (engagement, kind, period) row written before the post. A claim whose poster died
before recording the post is recovered once its lease has run out: one conditional UPDATE, so of several
live processes only one takes it over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.unique import insert_once
from bot.models import DigestRun, utcnow

# Longer than any post can take (Slack calls time out well within it), so a live poster is never overtaken.
CLAIM_LEASE = timedelta(minutes=10)


def claim_run(session: Session, *, engagement_id: int, kind: str, period: str, claimed_by: str,
              now: datetime | None = None, lease: timedelta = CLAIM_LEASE) -> DigestRun | None:
    """Claim (engagement, kind, period); None when it is posted or another process holds a live claim."""
    now = now or utcnow()
    # Read first: the common case (already posted, or held by a live process) then writes nothing and takes no
    # write lock. The insert and the conditional UPDATE below still decide any race.
    existing = find_run(session, engagement_id=engagement_id, kind=kind, period=period)
    if existing is not None and (existing.posted_at is not None or existing.claimed_at >= now - lease):
        return None
    if existing is None:
        run = DigestRun(engagement_id=engagement_id, kind=kind, period=period, claimed_by=claimed_by[:100],
                        claimed_at=now)
        if insert_once(session, run):
            return run
    return _take_over(session, engagement_id=engagement_id, kind=kind, period=period, claimed_by=claimed_by,
                      now=now, only_if_stale_before=now - lease)


def force_claim(session: Session, *, engagement_id: int, kind: str, period: str, claimed_by: str,
                now: datetime | None = None) -> DigestRun:
    """Claim (engagement, kind, period) even if it was posted: an operator's deliberate repost."""
    now = now or utcnow()
    run = claim_run(session, engagement_id=engagement_id, kind=kind, period=period, claimed_by=claimed_by, now=now)
    if run is None:
        run = _take_over(session, engagement_id=engagement_id, kind=kind, period=period, claimed_by=claimed_by,
                         now=now, only_if_stale_before=None)
    assert run is not None
    return run


def _take_over(session: Session, *, engagement_id: int, kind: str, period: str, claimed_by: str, now: datetime,
               only_if_stale_before: datetime | None) -> DigestRun | None:
    where = [col(DigestRun.engagement_id) == engagement_id, col(DigestRun.kind) == kind,
             col(DigestRun.period) == period]
    if only_if_stale_before is not None:
        where += [col(DigestRun.posted_at).is_(None), col(DigestRun.claimed_at) < only_if_stale_before]
    result = session.exec(update(DigestRun).where(*where)
                          .values(claimed_at=now, claimed_by=claimed_by[:100], error=None))
    if result.rowcount != 1:
        return None
    run = find_run(session, engagement_id=engagement_id, kind=kind, period=period)
    if run is not None:
        session.refresh(run)
    return run


def mark_posted(session: Session, *, run: DigestRun, channel_id: str | None, message_ts: str | None) -> DigestRun:
    """Record that the claimed run reached Slack."""
    run.posted_at = utcnow()
    run.channel_id = channel_id
    run.message_ts = message_ts
    run.error = None
    session.add(run)
    session.flush()
    return run


def mark_failed(session: Session, *, run: DigestRun, error: str, release: bool,
                retry_after: timedelta | None = None, hand_back_to: datetime | None = None) -> DigestRun:
    """Record why the claimed run did not reach Slack; `release` when it surely did not, so it may be retried now,
    or, with `retry_after` (Slack's rate limit), once that much time has passed since the claim.

    Otherwise (a timeout: the post may have gone through) the claim is retried once its lease runs out.
    `hand_back_to` (a takeover that could not look for its predecessor's post) restores the predecessor's stale
    claim time instead, so that the next taker looks through the channel's history from there.
    """
    run.error = error[:500]
    if hand_back_to is not None:
        run.claimed_at = hand_back_to
    elif release:  # the claim goes stale, free to take over, right away or `retry_after` after it was made
        run.claimed_at = run.claimed_at - CLAIM_LEASE + (retry_after or -timedelta(seconds=1))
    session.add(run)
    session.flush()
    return run


def find_run(session: Session, *, engagement_id: int, kind: str, period: str) -> DigestRun | None:
    """The run claimed for (engagement, kind, period), if any."""
    return session.exec(
        select(DigestRun).where(
            DigestRun.engagement_id == engagement_id, DigestRun.kind == kind, DigestRun.period == period
        )
    ).first()
