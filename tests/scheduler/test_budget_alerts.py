"""The budget-alert job DMs the CTO once per threshold per month, however often it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import clock
from bot.db import transaction
from bot.services import timelog
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
