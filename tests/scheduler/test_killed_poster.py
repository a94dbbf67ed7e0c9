"""Three `ctobot clock` processes, one killed mid-post, still give one digest (and statement) per engagement."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.background import Background
from bot.db import transaction
from bot.deps import Deps
from bot.flows.scheduled_posts import post_due
from bot.models import DigestRun, Engagement
from tests.cli.test_cli import clean_env
from tests.conftest import BOT_TOKEN, make_settings
from tests.helpers.factories import add_engagement

CHANNELS = ("C1", "C2", "C3")
ZONE = ZoneInfo("America/New_York")

# Chosen days, never today's: the clocks run as if it were then (CTOBOT_NOW), two hours after the digest slot.
# At the end of a month's statement grace (two business days after the first, 1 December 2026 being a Tuesday) the
# statement of a month nobody closed goes out by itself, and is posted once as well.
DAYS = {
    "a Friday just after the digest slot": (datetime(2026, 11, 20, 18, 0, tzinfo=ZONE), ("digest",)),
    "the end of a month's statement grace": (datetime(2026, 12, 3, 11, 30, tzinfo=ZONE), ("digest", "statement")),
}


def _engagements_whose_digest_slot_passed_two_hours_ago(session_factory, now: datetime) -> dict[str, int]:
    two_hours_ago = now - timedelta(hours=2)
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[two_hours_ago.weekday()]
    ids = {}
    for name, channel in zip(("acme", "beta", "gamma"), CHANNELS, strict=True):
        engagement = add_engagement(session_factory, name=name, channel=channel, timezone="America/New_York",
                                    digest_weekday=weekday, start_date=two_hours_ago.date() - timedelta(days=30))
        with transaction(session_factory) as session:
            row = session.get(Engagement, engagement.id)
            row.digest_time = two_hours_ago.time().replace(second=0, microsecond=0)
            session.add(row)
        ids[channel] = engagement.id
    return ids


def _runs(session_factory) -> list[DigestRun]:
    with transaction(session_factory) as session:
        return list(session.exec(select(DigestRun)).all())


def _wait(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _kind(message: dict) -> str | None:
    metadata = message.get("metadata") or {}
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    return (metadata.get("event_payload") or {}).get("kind")


def _posts(fake_slack, channel: str, kind: str) -> list[dict]:
    return [m for m in fake_slack.messages(channel) if _kind(m) == kind]


@pytest.mark.parametrize("day", list(DAYS))
def test_three_clocks_one_killed_mid_post_give_one_post_per_engagement(day, tmp_path, database_url, engine,
                                                                       session_factory, fake_slack):
    chosen, kinds = DAYS[day]
    ids = _engagements_whose_digest_slot_passed_two_hours_ago(session_factory, chosen)
    expected = sorted((kind, channel) for kind in kinds for channel in CHANNELS)
    fake_slack.slow("chat.postMessage", 2.0)  # long enough to kill a poster while Slack holds its message
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.url, DATABASE_URL=database_url,
                    CTOBOT_NOW=chosen.isoformat())
    clocks = [subprocess.Popen([sys.executable, "-m", "bot", "clock"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    try:
        [first] = fake_slack.wait_for("chat.postMessage", 1, timeout=60)[:1]
        first_kind = _kind(first.args)
        [claim] = [r for r in _runs(session_factory)
                   if r.engagement_id == ids[first.args["channel"]] and r.kind == first_kind]
        victim = next(c for c in clocks if claim.claimed_by.endswith(f":{c.pid}"))
        os.kill(victim.pid, signal.SIGKILL)  # after Slack received the post, before the poster heard back
        victim.wait(timeout=10)
        # Slack still accepts the dead poster's message; the live clocks post everything else.
        _wait(lambda: all(len(_posts(fake_slack, c, k)) == 1 for k, c in expected), "every post reached Slack")
        _wait(lambda: sum(r.posted_at is not None for r in _runs(session_factory)) == len(expected) - 1,
              "the live clocks recorded their posts")
    finally:
        for clock in clocks:
            if clock.poll() is None:
                clock.send_signal(signal.SIGTERM)
        outputs = [clock.communicate(timeout=30)[0] for clock in clocks]
    unrecorded = [(r.kind, r.engagement_id) for r in _runs(session_factory) if r.posted_at is None]
    assert unrecorded == [(first_kind, ids[first.args["channel"]])], outputs

    # Once the dead poster's lease has run out, the next catch-up takes its claim over.
    deps = Deps(settings=make_settings(database_url, fake_slack.url), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    try:
        later = chosen.astimezone(UTC) + timedelta(minutes=11)
        for name in ("survivor-1", "survivor-2"):
            for engagement_id in ids.values():
                post_due(deps, engagement_id=engagement_id, claimed_by=name, now=later)
    finally:
        deps.background.shutdown(wait=True)

    posts = fake_slack.calls_to("chat.postMessage")
    assert sorted((_kind(call.args), call.args["channel"]) for call in posts) == expected
    for kind, channel in expected:
        [message] = _posts(fake_slack, channel, kind)
        [run] = [r for r in _runs(session_factory) if r.engagement_id == ids[channel] and r.kind == kind]
        assert run.posted_at is not None and run.message_ts == message["ts"] and run.channel_id == channel
