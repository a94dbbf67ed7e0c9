"""The budget-alert job DMs the CTO once per threshold per month, however often it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

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
def frozen(monkeypatch):
    monkeypatch.setattr(jobs, "utcnow", lambda: datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


def dms(slack_app) -> list[str]:
    return [call.args["text"] for call in slack_app.fake.calls_to("chat.postMessage") if call.args["channel"] == "U1"]


def test_thresholds_fire_once_each_even_when_the_job_runs_twice(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    deps = slack_app.runtime.deps
    for day in range(2, 12):
        log(slack_app, acme, 120, date(2026, 11, day))  # 20 h: 80 % of the 25 h top
    assert jobs.run_budget_alerts(deps, acme.id) == 1
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    assert len(dms(slack_app)) == 1 and "80 % of budget" in dms(slack_app)[0] and "20 h" in dms(slack_app)[0]

    for day in range(12, 15):
        log(slack_app, acme, 120, date(2026, 11, day))  # 26 h
    assert jobs.run_budget_alerts(deps, acme.id) == 1
    assert jobs.run_budget_alerts(deps, acme.id) == 0
    assert len(dms(slack_app)) == 2 and "Over budget" in dms(slack_app)[1] and "104 %" in dms(slack_app)[1]


def test_under_pace_note_past_mid_month(slack_app, frozen):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    log(slack_app, acme, 60, date(2026, 11, 3))
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 1
    assert jobs.run_budget_alerts(slack_app.runtime.deps, acme.id) == 0
    [note] = dms(slack_app)
    assert "Under pace" in note and "1 h logged" in note


def test_logging_past_a_threshold_alerts_without_waiting_for_the_clock(slack_app):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    today = datetime.now(ZoneInfo("Europe/London")).date()
    log(slack_app, acme, 12 * 60, today)
    log(slack_app, acme, 8 * 60, today)  # 20 h: exactly 80 % of the top, already crossed
    slack_app.slack.command("/logtime", "30m review")
    slack_app.settle()
    assert any("budget" in text for text in dms(slack_app))
