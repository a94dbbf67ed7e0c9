"""Run claims: a scheduled post is claimed once, even by concurrent processes."""

from __future__ import annotations

import threading
from datetime import date

from sqlmodel import select

from bot.db import transaction
from bot.models import DigestRun
from bot.services import engagements, runs
from bot.services.engagements import EngagementInput


def _engagement_id(session_factory) -> int:
    with transaction(session_factory) as session:
        engagement = engagements.setup_engagement(
            session, team_id="T1", channel_id="C1", actor_id=None, default_cto_ids=[],
            data=EngagementInput(name="acme", tier="active", start_date=date(2026, 9, 1),
                                 timezone="Europe/London", cto_user_ids=["U1"]))
        return engagement.id


def test_a_period_is_claimed_once(session_factory):
    engagement_id = _engagement_id(session_factory)
    with transaction(session_factory) as session:
        first = runs.claim_run(session, engagement_id=engagement_id, kind="digest", period="2026-W47",
                               claimed_by="a")
        again = runs.claim_run(session, engagement_id=engagement_id, kind="digest", period="2026-W47",
                               claimed_by="b")
        other_week = runs.claim_run(session, engagement_id=engagement_id, kind="digest", period="2026-W48",
                                    claimed_by="b")
    assert first is not None and again is None and other_week is not None


def test_concurrent_claims_give_exactly_one_winner(session_factory):
    engagement_id = _engagement_id(session_factory)
    barrier = threading.Barrier(6)
    winners: list[str] = []

    def contend(name: str) -> None:
        barrier.wait()
        with transaction(session_factory) as session:
            if runs.claim_run(session, engagement_id=engagement_id, kind="statement", period="2026-10",
                              claimed_by=name):
                winners.append(name)

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    with transaction(session_factory) as session:
        assert len(session.exec(select(DigestRun)).all()) == 1
        run = runs.find_run(session, engagement_id=engagement_id, kind="statement", period="2026-10")
        runs.mark_posted(session, run=run, channel_id="C1", message_ts="1.2")
    with transaction(session_factory) as session:
        posted = runs.find_run(session, engagement_id=engagement_id, kind="statement", period="2026-10")
        assert posted.message_ts == "1.2" and posted.posted_at is not None
