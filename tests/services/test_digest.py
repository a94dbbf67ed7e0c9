"""The weekly digest: every figure of a known week, week bounds across DST, and Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.db import transaction
from bot.models import Decision, Question
from bot.services import artifacts, capture, digest, risks, timelog
from bot.services.capture import SlackMessage
from bot.services.logtime_parser import LogtimeRequest
from bot.slack.digest_blocks import digest_message, digest_plain_text
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def ts(*args: int) -> str:
    return f"{datetime(*args, tzinfo=UTC).timestamp():.6f}"


def log(session, engagement, minutes, category, day):
    """Logged on the evening of the day worked (the digest shows a week as it stood at its end)."""
    with clock_at(datetime.combine(day, time(20), tzinfo=UTC)):
        timelog.log_time(session, engagement=engagement, user_id="U1", today=day,
                         request=LogtimeRequest(minutes=minutes, category=category, work_date=day, note=""))


def ask(session, engagement, asked, answered=None):
    question_ts = ts(*asked)
    capture.capture_message(session, engagement=engagement, bot_user_id="U_BOT", message=SlackMessage(
        channel_id="C1", ts=question_ts, user_id="U2", text=f"Question asked at {asked}?"))
    if answered:
        capture.capture_message(session, engagement=engagement, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts=ts(*answered), user_id="U1", text="Answer", thread_ts=question_ts))


@pytest.fixture
def known_week(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), start_date=date(2026, 9, 1))
    with transaction(session_factory) as session:
        log(session, acme, 180, "architecture", date(2026, 11, 16))
        log(session, acme, 120, "review", date(2026, 11, 17))
        log(session, acme, 90, "build", date(2026, 11, 18))
        log(session, acme, 600, "standup", date(2026, 11, 2))
        log(session, acme, 300, "build", date(2026, 10, 5))
        log(session, acme, 300, "review", date(2026, 10, 6))
        ask(session, acme, (2026, 11, 16, 10, 0), (2026, 11, 16, 12, 0))  # 2 business hours
        ask(session, acme, (2026, 11, 17, 17, 0), (2026, 11, 18, 10, 0))  # 1 + 1
        ask(session, acme, (2026, 11, 19, 9, 0), (2026, 11, 19, 15, 0))  # 6
        ask(session, acme, (2026, 11, 20, 10, 0))  # still open
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts=ts(2026, 11, 16, 9, 0), user_id="U2", text="https://github.com/acme/api/pull/1"))
        capture.reaction_added(session, engagement=acme, channel_id="C1", ts=ts(2026, 11, 16, 9, 0),
                               reaction="white_check_mark", user_id="U1", item_user_id="U2",
                               at=datetime(2026, 11, 17, 9, 0, tzinfo=UTC))  # 9 business hours
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts=ts(2026, 11, 18, 10, 0), user_id="U2", text="https://github.com/acme/api/pull/2"))
        session.add(Decision(engagement_id=acme.id, number=1, title="Use Postgres for events",
                             created_at=datetime(2026, 11, 17, 12, 0, tzinfo=UTC)))
        session.add(Decision(engagement_id=acme.id, number=2, title="Adopt trunk-based development",
                             status="accepted", created_at=datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
                             decided_at=datetime(2026, 11, 19, 12, 0, tzinfo=UTC), decided_by="U2",
                             verdict="accepted"))  # a founder decided: the team, without the CTO
        high = risks.add_risk(session, engagement=acme, title="No tested backups", severity="high", user_id="U2")
        closed = risks.add_risk(session, engagement=acme, title="Single region", severity="high", user_id="U2")
        risks.close_risk(session, engagement=acme, number=closed.number, user_id="U1")
        risks.add_risk(session, engagement=acme, title="Flaky CI", severity="medium", user_id="U2")
        audit = artifacts.mark_delivered(session, engagement=acme, kind="technical-audit", user_id="U1")
        audit.delivered_at = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
        session.add(audit)
        assert high.number == 1
    posted(session_factory, acme, "2026-W46", datetime(2026, 11, 13, 16, 0, tzinfo=UTC))
    return acme


def posted(session_factory, engagement, key, at):
    """The digest of `key` was posted at `at`: its run and what it counted are recorded as post_digest does."""
    from bot.models import DigestRun

    with transaction(session_factory) as session:
        week = digest.week_of(engagement, key=key)
        counted = digest.count_next(session, engagement=engagement, week=week, at=at)
        run = DigestRun(engagement_id=engagement.id, kind="digest", period=key, claimed_at=at, posted_at=at)
        session.add(run)
        session.flush()
        digest.record_counted(session, run=run, counted=counted)


def build(session_factory, engagement, key="2026-W47"):
    with transaction(session_factory) as session:
        week = digest.week_of(engagement, key=key)
        return digest.build_digest(session, engagement=engagement, week=week, now=NOW)


def test_every_figure_of_a_known_week(session_factory, known_week):
    d = build(session_factory, known_week)
    assert (d.week.key, d.week.monday, d.week.sunday) == ("2026-W47", date(2026, 11, 16), date(2026, 11, 22))
    assert d.week_minutes == 390 and d.week_by_category == {"architecture": 180, "review": 120, "build": 90}
    assert d.month.minutes == 990 and round(d.month.executor_share, 3) == round(90 / 990, 3)
    assert d.executor_share_last_month == 0.5
    assert (d.questions_asked, d.questions_answered) == (4, 3)
    assert d.late_by_week == [] and d.corrections == []  # the W46 digest counted the earlier weeks
    # The open question has waited 8 business hours (Friday 10:00 to 18:00): longer than any answered one.
    assert d.median_first_response_hours == pytest.approx(2.0) and d.worst_first_response_hours == pytest.approx(8.0)
    assert d.worst_is_open
    assert [q.text for q in d.open_questions] == ["Question asked at (2026, 11, 20, 10, 0)?"]
    assert (d.reviews_requested, d.reviews_responded, d.reviews_done) == (2, 1, 1)
    assert d.median_review_done_hours == pytest.approx(9.0)
    assert [r.url for r in d.open_reviews] == ["https://github.com/acme/api/pull/2"]
    assert [x.number for x in d.decisions_new] == [1] and [x.number for x in d.decisions_accepted] == [2]
    assert [s.kind for s in d.artifacts_delivered] == ["technical-audit"]
    assert [s.kind for s in d.artifacts_overdue] == [
        "immediate-risks", "ninety-day-plan", "roadmap", "review-norms", "hiring-kit"]
    assert [s.kind for s in d.artifacts_due_soon] == [
        "roadmap-progress", "skills-assessment", "risk-register", "next-phase-recommendation"]
    assert [r.title for r in d.high_risks] == ["No tested backups"]

    text, blocks = digest_message(d, now=NOW)
    shown = json.dumps(blocks, ensure_ascii=False)
    for phrase in ("this week 6h 30m (architecture 3h, review 2h, build 1h 30m)",
                   "Month to date: *16h 30m* of 20–25 h",
                   "Executor share this month 9 %, last month 50 %",
                   "4 asked, 3 answered since the last digest; first response median 2h and worst 8h (still open) "
                   "business (target 4 h)",
                   "2 requested, 1 first response (median 9h business), 1 done (median time to done 9h business)",
                   "1 accepted since the last digest (1 taken by the team without the CTO)",
                   "ADR-0001 Use Postgres for events (proposed)", "ADR-0002 Adopt trunk-based development (accepted)",
                   "delivered `technical-audit`", "overdue since 31 Oct: `roadmap`* — please ask for it",
                   "R1* :red_circle: high — No tested backups"):
        assert phrase in shown, phrase
    assert "Single region" not in shown and "Flaky CI" not in shown
    assert text.startswith("Acme — weekly digest, 2026-W47 (16 Nov–22 Nov): 6h 30m this week, 16h 30m of 20–25 h")
    assert "Month to date: 16h 30m" in digest_plain_text(d, now=NOW)


def test_delivering_an_overdue_artifact_takes_it_off_the_digest(session_factory, known_week):
    assert "roadmap" in [s.kind for s in build(session_factory, known_week).artifacts_overdue]
    with transaction(session_factory) as session:
        artifacts.mark_delivered(session, engagement=known_week, kind="roadmap", user_id="U1")
    assert "roadmap" not in [s.kind for s in build(session_factory, known_week).artifacts_overdue]


def test_another_engagements_records_never_appear(session_factory, known_week):
    globex = add_engagement(session_factory, name="globex", channel="C2", ctos=("U7",), start_date=date(2026, 9, 1))
    d = build(session_factory, globex)
    assert (d.week_minutes, d.questions_asked, d.reviews_requested, d.high_risks, d.open_questions) == (0, 0, 0, [], [])


def test_dst_weeks_follow_local_midnights():
    from bot.models import Engagement

    london = Engagement(name="a", display_name="A", tier="active", hours_min=20, hours_max=25,
                        response_target_hours=4, start_date=date(2026, 1, 1), timezone="Europe/London")
    spring = digest.week_of(london, key="2026-W13")  # clocks go forward on Sunday 29 March
    assert spring.start == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
    assert spring.end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    autumn = digest.week_of(london, key="2026-W43")  # and back on Sunday 25 October
    assert autumn.end - autumn.start == timedelta(days=7, hours=1)
    assert digest.week_of(london, today=date(2026, 11, 22)).key == "2026-W47"


@pytest.mark.parametrize("text", ["2026-47", "W47", "2026-W54", "next week"])
def test_bad_week_names_are_refused(text):
    from bot.errors import InvalidInput

    with pytest.raises(InvalidInput):
        digest.parse_week(text)


def test_a_500_item_week_stays_within_slacks_limits(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), start_date=date(2026, 9, 1))
    base = datetime(2026, 11, 16, 9, 0, tzinfo=UTC).timestamp()
    with transaction(session_factory) as session:
        for n in range(500):
            session.add(Question(engagement_id=acme.id, channel_id="C1", message_ts=f"{base + n:.6f}",
                                 asker_user_id="U2", text="A long question about the architecture " * 8,
                                 asked_at=datetime.fromtimestamp(base + n, UTC)))
            capture.record_review(session, engagement=acme, url=f"https://github.com/acme/api/pull/{n}",
                                  channel_id="C1", requester_id="U2", at=datetime.fromtimestamp(base + n, UTC),
                                  message_ts=f"{base + n:.6f}", note="please " * 40)
            risks.add_risk(session, engagement=acme, title="Risk " * 50, severity="high", user_id="U2")
    _, blocks = digest_message(build(session_factory, acme), now=NOW)
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    shown = json.dumps(blocks)
    assert "and 490 more" in shown and shown.count("and ") >= 3
