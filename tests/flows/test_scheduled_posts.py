"""Digests and statements reach the primary channel exactly once: on time, after downtime, after a crash."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.flows.scheduled_posts import post_digest, post_due
from bot.models import DigestRun, Engagement
from bot.services import engagements, runs, timelog
from bot.services.logtime_parser import LogtimeRequest
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
FRIDAY_SLOT = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)  # 2026-W47


@pytest.fixture
def acme(session_factory):
    engagement = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(session_factory) as session:
        for day, minutes, category in [(date(2026, 11, 17), 150, "review"), (date(2026, 11, 19), 60, "hiring"),
                                       (date(2026, 11, 10), 240, "architecture")]:
            with clock_at(datetime.combine(day, time(20), tzinfo=UTC)):  # logged the day it was worked
                timelog.log_time(session, engagement=engagement, user_id="U1", today=day,
                                 request=LogtimeRequest(minutes=minutes, category=category, work_date=day, note="n"))
    return engagement


def digests(fake) -> list[dict]:
    return [m for m in fake.messages("C1") if "weekly digest" in m.get("text", "")]


def test_the_slot_posts_the_digest_into_the_primary_channel_with_its_chart(deps, acme, fake_slack):
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT, kinds=("digest",))
    assert result.posted and result.period == "2026-W47"
    [message] = digests(fake_slack)
    assert message["text"].startswith("Acme — weekly digest, 2026-W47 (16 Nov–22 Nov): 3h 30m this week")
    assert message["ts"] == result.message_ts
    [chart] = [u for u in fake_slack.uploads if u["completed"]]
    assert chart["filename"] == "acme-hours-2026-W47.png" and chart["data"].startswith(b"\x89PNG")
    assert chart["channel_id"] == "C1" and chart["thread_ts"] == message["ts"]
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=acme.id, kind="digest", period="2026-W47")
        assert run.posted_at is not None and run.message_ts == message["ts"] and run.channel_id == "C1"
    assert post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT + timedelta(minutes=5),
                    kinds=("digest",)) == []
    assert len(digests(fake_slack)) == 1


def test_three_concurrent_posters_give_one_message(deps, acme, fake_slack):
    fake_slack.slow("chat.postMessage", 0.3)  # the winner is still posting while the others try
    barrier = threading.Barrier(3)
    results = []

    def poster(name: str) -> None:
        barrier.wait()
        results.append(post_digest(deps, engagement_id=acme.id, claimed_by=name, week_key="2026-W47",
                                   now=FRIDAY_SLOT))

    threads = [threading.Thread(target=poster, args=(f"clock-{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.posted for r in results) == [False, False, True]
    assert all("claimed by clock-" in r.reason or "already posted" in r.reason for r in results if not r.posted)
    assert len(digests(fake_slack)) == 1 and len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_claim_whose_poster_died_is_recovered_once(deps, acme, fake_slack):
    with transaction(deps.session_factory) as session:  # a poster claimed, then died before posting
        runs.claim_run(session, engagement_id=acme.id, kind="digest", period="2026-W47", claimed_by="dead:1",
                       now=FRIDAY_SLOT)
    live = post_due(deps, engagement_id=acme.id, claimed_by="other", now=FRIDAY_SLOT + timedelta(minutes=5))
    assert [r.posted for r in live if r.kind == "digest"] == [False]  # within the lease: maybe still posting
    assert digests(fake_slack) == []
    later = FRIDAY_SLOT + timedelta(minutes=11)
    recovered = [post_due(deps, engagement_id=acme.id, claimed_by=f"p{i}", now=later) for i in range(3)]
    assert [r.posted for batch in recovered for r in batch if r.kind == "digest"] == [True]
    assert len(digests(fake_slack)) == 1
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=acme.id, kind="digest", period="2026-W47")
        assert run.claimed_by == "p0" and run.posted_at is not None


def test_a_refused_post_is_released_and_retried(deps, acme, fake_slack):
    fake_slack.fail("chat.postMessage", body={"ok": False, "error": "channel_not_found"}, status=200)
    [failed] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT, kinds=("digest",))
    assert not failed.posted and digests(fake_slack) == []
    [retried] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT + timedelta(minutes=1),
                         kinds=("digest",))
    assert retried.posted and len(digests(fake_slack)) == 1


def test_catch_up_posts_a_missed_slot_within_72_hours_once(deps, acme, fake_slack):
    too_late = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT + timedelta(hours=73),
                        kinds=("digest",))
    assert too_late == [] and digests(fake_slack) == []
    [caught_up] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT + timedelta(hours=70),
                           kinds=("digest",))
    assert caught_up.posted and caught_up.period == "2026-W47"
    again = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT + timedelta(hours=71))
    assert [r for r in again if r.kind == "digest"] == [] and len(digests(fake_slack)) == 1


def test_chart_upload_failure_leaves_the_digest_posted(deps, acme, fake_slack):
    fake_slack.fail("files.getUploadURLExternal", times=5)
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT, kinds=("digest",))
    assert result.posted and len(digests(fake_slack)) == 1
    assert not any(u["completed"] for u in fake_slack.uploads)
    with transaction(deps.session_factory) as session:
        assert runs.find_run(session, engagement_id=acme.id, kind="digest", period="2026-W47").posted_at


def test_uninstalled_and_channel_less_engagements_get_no_digest(deps, acme, fake_slack):
    with transaction(deps.session_factory) as session:
        engagements.mark_team_uninstalled(session, team_id="T_TEST")
    assert post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT) == []
    refused = post_digest(deps, engagement_id=acme.id, claimed_by="cli", week_key="2026-W47", now=FRIDAY_SLOT)
    assert not refused.posted and "uninstalled" in refused.reason
    assert fake_slack.calls_to("chat.postMessage") == []
    with transaction(deps.session_factory) as session:
        assert session.exec(select(DigestRun)).all() == []


def test_the_clock_catches_up_on_start_and_a_second_start_posts_nothing(deps, session_factory, fake_slack):
    from scheduler import jobs
    from scheduler.clock import build_scheduler

    zone = ZoneInfo("America/New_York")
    chosen = datetime(2026, 11, 20, 18, 0, tzinfo=zone)  # a Friday, two hours after a 16:00 slot
    two_hours_ago = chosen - timedelta(hours=2)
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[two_hours_ago.weekday()]
    engagement = add_engagement(session_factory, name="acme", channel="C1", timezone="America/New_York",
                                digest_weekday=weekday, start_date=two_hours_ago.date() - timedelta(days=30))
    with transaction(session_factory) as session:  # the digest slot passed two hours ago, while nothing ran
        row = session.get(Engagement, engagement.id)
        row.digest_time = time(two_hours_ago.hour, two_hours_ago.minute)
        session.add(row)
    with clock_at(chosen):
        scheduler = build_scheduler(deps, blocking=False)
        scheduler.start()
        try:
            fake_slack.wait_for("chat.postMessage", 1, timeout=20)
        finally:
            scheduler.shutdown(wait=True)
        assert len(digests(fake_slack)) == 1
        assert jobs.catch_up(deps) == 0  # what a second start does first
    assert len(digests(fake_slack)) == 1


def test_each_post_carries_metadata_naming_its_engagement_kind_and_period(deps, acme, fake_slack):
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FRIDAY_SLOT, kinds=("digest",))
    [message] = digests(fake_slack)
    assert message["metadata"] == {"event_type": "ctobot_post",
                                   "event_payload": {"engagement_id": acme.id, "kind": "digest",
                                                     "period": "2026-W47"}}
    assert fake_slack.calls_to("conversations.history") == []  # a fresh claim has nothing to look for


def _die_after_slack_accepted(fake_slack, engagement_id: int, *, period: str = "2026-W47") -> str:
    """What a poster leaves behind when it dies between Slack's answer and recording it: a claim and a message."""
    from slack_sdk import WebClient

    from bot.flows.scheduled_posts import post_metadata
    from tests.conftest import BOT_TOKEN

    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.url)
    return client.chat_postMessage(channel="C1", text=f"Acme — weekly digest, {period}",
                                   metadata=post_metadata(engagement_id=engagement_id, kind="digest",
                                                          period=period))["ts"]


def test_a_stale_claim_whose_message_reached_the_channel_is_recorded_not_reposted(deps, acme, fake_slack):
    with transaction(deps.session_factory) as session:
        runs.claim_run(session, engagement_id=acme.id, kind="digest", period="2026-W47", claimed_by="dead:1",
                       now=FRIDAY_SLOT)
    ts = _die_after_slack_accepted(fake_slack, acme.id)
    fake_slack.add_message("C1", "a human talking after the digest", user="U1")
    later = FRIDAY_SLOT + timedelta(minutes=11)
    recovered = [r for i in range(2) for r in post_due(deps, engagement_id=acme.id, claimed_by=f"p{i}", now=later)
                 if r.kind == "digest"]
    assert [(r.posted, r.message_ts) for r in recovered] == [(True, ts)]
    assert len(digests(fake_slack)) == 1 and len(fake_slack.calls_to("chat.postMessage")) == 1
    [history] = fake_slack.calls_to("conversations.history")
    assert history.args["include_all_metadata"] in ("1", "true", True)
    assert [u["thread_ts"] for u in fake_slack.uploads if u["completed"]] == [ts]  # the chart it never uploaded
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=acme.id, kind="digest", period="2026-W47")
        assert run.posted_at is not None and run.message_ts == ts and run.claimed_by == "p0"


def test_a_stale_claim_whose_message_is_absent_is_posted_once(deps, acme, fake_slack):
    other = add_engagement(deps.session_factory, name="beta", channel="C2")
    _die_after_slack_accepted(fake_slack, acme.id, period="2026-W46")  # last week's: not this claim's message
    _die_after_slack_accepted(fake_slack, other.id)  # another engagement's, in a channel it was copied to
    with transaction(deps.session_factory) as session:
        runs.claim_run(session, engagement_id=acme.id, kind="digest", period="2026-W47", claimed_by="dead:1",
                       now=FRIDAY_SLOT)
    later = FRIDAY_SLOT + timedelta(minutes=11)
    recovered = [r for i in range(2) for r in post_due(deps, engagement_id=acme.id, claimed_by=f"p{i}", now=later)
                 if r.kind == "digest"]
    assert [r.posted for r in recovered] == [True]
    posted = [m for m in digests(fake_slack) if m["ts"] == recovered[0].message_ts]
    assert len(posted) == 1 and posted[0]["metadata"]["event_payload"]["period"] == "2026-W47"
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # the two planted ones and one real post


def test_time_logged_after_the_slot_is_reported_once_by_the_next_digest(deps, acme, fake_slack):
    """W47 posts 3h 30m at its slot; 2h logged afterwards for W47 and an edit of a counted entry show in W48's
    digest as late time and a correction, the re-rendered W47 still says what it posted, and a question asked
    just after W47's slot is counted in W48's."""
    from bot.services import capture, digest
    from bot.services.capture import SlackMessage
    from bot.slack.digest_blocks import digest_plain_text

    with clock_at(FRIDAY_SLOT):
        assert post_digest(deps, engagement_id=acme.id, claimed_by="clock").posted
    after = FRIDAY_SLOT + timedelta(minutes=20)
    with clock_at(after), transaction(deps.session_factory) as session:
        timelog.log_time(session, engagement=acme, user_id="U1", today=date(2026, 11, 20),
                         request=LogtimeRequest(minutes=120, category="build", work_date=date(2026, 11, 20), note=""))
        hiring = [e for e in timelog.week_entries(session, engagement_id=acme.id, today=date(2026, 11, 19))
                  if e.category == "hiring"][0]
        timelog.edit_entry(session, entry_id=hiring.id, user_id="U1", today=date(2026, 11, 20),
                           request=LogtimeRequest(minutes=90, category="hiring", work_date=date(2026, 11, 19),
                                                  note=""))
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts=f"{after.timestamp():.6f}", user_id="U2", text="Can we ship on Monday?"))
    next_slot = FRIDAY_SLOT + timedelta(weeks=1)
    with clock_at(next_slot):
        assert post_digest(deps, engagement_id=acme.id, claimed_by="clock").posted
    w47, w48 = digests(fake_slack)
    assert "3h 30m this week" in w47["text"] and "0 asked" in json.dumps(w47["blocks"])
    shown = json.dumps(w48["blocks"], ensure_ascii=False)
    assert "*Logged late for earlier weeks* — 2h" in shown and "• 2026-W47: 2h" in shown
    assert "*Corrections* — +30m" in shown and "Thu 19 Nov hiring: +30m (entry edited)" in shown
    assert "1 asked, 0 answered since the last digest" in shown
    assert "with late time and corrections this digest counts 2h 30m" in shown
    with transaction(deps.session_factory) as session:  # W47 re-rendered: as it was posted
        week = digest.week_of(acme, key="2026-W47")
        again = digest.build_digest(session, engagement=acme, week=week, now=next_slot + timedelta(days=5))
        assert again.week_minutes == 210 and again.late_by_week == [("2026-W46", 240)] and again.questions_asked == 0
        assert "As posted 20 Nov 2026 16:00 UTC" in digest_plain_text(again, now=next_slot)


def test_a_digest_slack_refused_marks_nothing(deps, acme, fake_slack):
    fake_slack.fail("chat.postMessage", body={"ok": False, "error": "channel_not_found"}, status=200)
    with clock_at(FRIDAY_SLOT):
        assert not post_digest(deps, engagement_id=acme.id, claimed_by="clock").posted
    with clock_at(FRIDAY_SLOT + timedelta(weeks=1)):
        assert post_digest(deps, engagement_id=acme.id, claimed_by="clock").posted
    [w48] = digests(fake_slack)
    assert "*Logged late for earlier weeks* — 7h 30m" in json.dumps(w48["blocks"], ensure_ascii=False)
