"""The budget-alert job DMs the CTO once per threshold per month, however often it runs."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from bot import clock
from bot.db import transaction
from bot.services import alerts, runs, timelog
from bot.services.logtime_parser import LogtimeRequest
from scheduler import jobs
from tests.helpers.factories import add_engagement


def log(slack_app, engagement, minutes: int, day: date) -> None:
    with transaction(slack_app.session_factory) as session:
        timelog.log_time(session, engagement=engagement, user_id="U1", today=day,
                         request=LogtimeRequest(minutes=minutes, category="build", work_date=day, note=""))


@pytest.fixture
def frozen():
    """The process's clock stands at Friday 20 November 2026, 12:00 UTC (past mid-month)."""
    previous = clock.use(clock.FixedClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC)))
    yield
    clock.use(previous)


def dms(slack_app) -> list[str]:
    return [call.args["text"] for call in slack_app.fake.calls_to("chat.postMessage") if call.args["channel"] == "U1"]


def test_thresholds_fire_once_each_even_when_the_job_runs_twice(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    deps = slack_app.runtime.deps
    for day in range(2, 12):
        log(slack_app, acme, 120, date(2026, 11, day))  # 20 h: the floor of the 20–25 h band
    assert jobs.run_budget_alerts(deps, acme.id) == 1
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    assert len(dms(slack_app)) == 1 and "Band floor reached" in dms(slack_app)[0] and "20h logged" in dms(slack_app)[0]

    for day in range(12, 15):
        log(slack_app, acme, 120, date(2026, 11, day))  # 26 h
    assert jobs.run_budget_alerts(deps, acme.id) == 1
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    # 26 h passes 90 % of the top and the top at once: one note, the most serious, for both
    assert len(dms(slack_app)) == 2
    assert "Over the band" in dms(slack_app)[1] and "over the top by 1h" in dms(slack_app)[1]


def test_under_pace_note_past_mid_month(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    log(slack_app, acme, 60, date(2026, 11, 3))
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 1
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 0
    [note] = dms(slack_app)
    assert "Under pace" in note and "1h logged" in note


def test_logging_past_a_threshold_alerts_without_waiting_for_the_clock(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    today = date(2026, 11, 20)
    log(slack_app, acme, 12 * 60, today)
    log(slack_app, acme, 7 * 60 + 45, today)  # 19h 45m: just under the floor
    slack_app.slack.command("/logtime", "30m review")
    slack_app.settle()
    assert any("Band floor reached" in text and "20h 15m logged" in text for text in dms(slack_app))


def delivered(slack_app, user_id: str = "U1") -> list[str]:
    """The DMs that reached `user_id` (Slack took them), not the calls that were made."""
    return [message["text"] for message in slack_app.fake.messages("D" + user_id)]


def floor_run(slack_app, engagement_id: int):
    with transaction(slack_app.session_factory) as session:
        return runs.find_run(session, engagement_id=engagement_id, kind=alerts.BUDGET_FLOOR, period="2026-11")


def test_a_note_slack_refused_is_not_marked_sent_and_goes_out_on_the_next_run(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    deps = slack_app.runtime.deps
    for day in range(2, 12):
        log(slack_app, acme, 120, date(2026, 11, day))
    slack_app.fake.fail("chat.postMessage", status=200, body={"ok": False, "error": "user_disabled"}, channel="U1")
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    assert delivered(slack_app) == []
    run = floor_run(slack_app, acme.id)
    assert run.posted_at is None and "user_disabled" in run.error
    # released at once, not held for its lease: the next run sends it, and only once
    assert jobs.run_budget_alerts(deps, acme.id) == 1
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    [note] = delivered(slack_app)
    assert "Band floor reached" in note and floor_run(slack_app, acme.id).posted_at is not None


def test_a_note_one_cto_got_is_sent_once_for_all(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1", "U9"))
    for day in range(2, 12):
        log(slack_app, acme, 120, date(2026, 11, day))
    slack_app.fake.fail("chat.postMessage", status=200, body={"ok": False, "error": "user_disabled"}, channel="U1")
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 1
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 0
    assert delivered(slack_app, "U1") == [] and len(delivered(slack_app, "U9")) == 1


def test_two_clocks_at_once_send_one_note(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    for day in range(2, 12):
        log(slack_app, acme, 120, date(2026, 11, day))
    results: list[int] = []
    clocks = [threading.Thread(target=lambda: results.append(jobs.run_budget_alerts(slack_app.runtime.deps, acme.id)))
              for _ in range(2)]
    for clock_thread in clocks:
        clock_thread.start()
    for clock_thread in clocks:
        clock_thread.join()
    assert sorted(results) == [0, 1]
    assert len(delivered(slack_app)) == 1
