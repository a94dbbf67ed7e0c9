"""One channel's 429 does not hold the other engagements' digests: they go out now, it goes out once its
Retry-After has passed, and never twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db import transaction
from bot.flows.scheduled_posts import post_due, post_metadata
from bot.services import runs
from scheduler.jobs import catch_up
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
FRIDAY_SLOT = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)  # 2026-W47
CHANNELS = ("C1", "C2", "C3")


@pytest.fixture
def three(session_factory):
    return [add_engagement(session_factory, name=name, channel=channel, ctos=("U1",))
            for name, channel in zip(("acme", "beta", "gamma"), CHANNELS, strict=True)]


def digests(fake, channel: str) -> list[dict]:
    return [m for m in fake.messages(channel) if "weekly digest" in m.get("text", "")]


def posts_to(fake, channel: str) -> int:
    return sum(call.args.get("channel") == channel for call in fake.calls_to("chat.postMessage"))


def test_a_429_for_one_channel_lets_the_other_digests_go_out_now(deps, three, fake_slack):
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=30, channel="C1")
    first = FRIDAY_SLOT + timedelta(minutes=1)
    started = time.monotonic()
    assert catch_up(deps, now=first) == 2
    assert time.monotonic() - started < 10  # not the 30 s (or twice that) of waiting out C1's Retry-After
    assert [len(digests(fake_slack, c)) for c in CHANNELS] == [0, 1, 1]
    assert posts_to(fake_slack, "C1") == 1

    assert catch_up(deps, now=first + timedelta(seconds=20)) == 0  # still inside Retry-After: C1 is not asked
    assert posts_to(fake_slack, "C1") == 1

    assert catch_up(deps, now=first + timedelta(seconds=31)) == 1  # the limit has cleared
    assert catch_up(deps, now=first + timedelta(minutes=10)) == 0
    assert [len(digests(fake_slack, c)) for c in CHANNELS] == [1, 1, 1]
    assert posts_to(fake_slack, "C1") == 2 and posts_to(fake_slack, "C2") == posts_to(fake_slack, "C3") == 1


def test_a_rate_limited_digest_says_when_it_will_be_retried(deps, three, fake_slack):
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=45, channel="C1")
    [result] = post_due(deps, engagement_id=three[0].id, claimed_by="clock", now=FRIDAY_SLOT, kinds=("digest",))
    assert not result.posted and "rate limited" in result.reason and "45 s" in result.reason
    [waiting] = post_due(deps, engagement_id=three[0].id, claimed_by="other", now=FRIDAY_SLOT + timedelta(seconds=30),
                         kinds=("digest",))
    assert not waiting.posted and "rate limited" in waiting.reason
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=three[0].id, kind="digest", period="2026-W47")
        assert run.posted_at is None and "rate limited" in (run.error or "")
    [posted] = post_due(deps, engagement_id=three[0].id, claimed_by="other", now=FRIDAY_SLOT + timedelta(seconds=46),
                        kinds=("digest",))
    assert posted.posted and len(digests(fake_slack, "C1")) == 1


def test_a_takeover_rate_limited_while_looking_for_its_predecessors_post_still_finds_it_later(
        deps, three, fake_slack):
    acme = three[0]
    with transaction(deps.session_factory) as session:  # a poster claimed, posted, and died before recording it
        runs.claim_run(session, engagement_id=acme.id, kind="digest", period="2026-W47", claimed_by="dead:1",
                       now=FRIDAY_SLOT)
    dead_post = fake_slack.add_message(
        "C1", "Acme — weekly digest, 2026-W47", user="U_BOT", bot_id="B_BOT",
        ts=f"{(FRIDAY_SLOT + timedelta(seconds=5)).timestamp():.6f}",
        metadata=post_metadata(engagement_id=acme.id, kind="digest", period="2026-W47"))
    fake_slack.rate_limit("conversations.history", times=1, retry_after=30, channel="C1")
    later = FRIDAY_SLOT + timedelta(minutes=11)
    [held] = post_due(deps, engagement_id=acme.id, claimed_by="p1", now=later, kinds=("digest",))
    assert not held.posted and posts_to(fake_slack, "C1") == 0  # it did not post blind
    [found] = post_due(deps, engagement_id=acme.id, claimed_by="p2", now=later + timedelta(seconds=31),
                       kinds=("digest",))
    assert found.posted and found.message_ts == dead_post  # looked from the dead poster's claim, found its post
    assert posts_to(fake_slack, "C1") == 0 and len(digests(fake_slack, "C1")) == 1
