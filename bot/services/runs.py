"""Claims that make scheduled posts happen exactly once, whatever restarts or extra processes do."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.db.unique import insert_once
from bot.models import DigestRun, utcnow


def claim_run(session: Session, *, engagement_id: int, kind: str, period: str, claimed_by: str) -> DigestRun | None:
    """Claim (engagement, kind, period); None when another process already holds the claim."""
    run = DigestRun(engagement_id=engagement_id, kind=kind, period=period, claimed_by=claimed_by[:100])
    return run if insert_once(session, run) else None


def mark_posted(session: Session, *, run: DigestRun, channel_id: str | None, message_ts: str | None) -> DigestRun:
    """Record that the claimed run reached Slack."""
    run.posted_at = utcnow()
    run.channel_id = channel_id
    run.message_ts = message_ts
    run.error = None
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
