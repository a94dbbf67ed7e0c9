"""A question that has used 75 % of its first-response target (in business hours) is DMed to the CTO once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.db import transaction
from bot.services import capture
from scheduler import jobs
from tests.helpers.factories import add_engagement

FRIDAY_10_LONDON = "1795168800.000100"  # Fri 20 Nov 2026 10:00 UTC = 10:00 in London


@pytest.fixture
def asked(slack_app):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1", "U9"))
    event = {"type": "message", "channel": "C1", "user": "U2", "text": "Is the backup restore tested?",
             "ts": FRIDAY_10_LONDON, "channel_type": "channel"}
    assert slack_app.slack.event(event).status == 200
    return acme


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(jobs, "utcnow", lambda: moment)


def reminders(slack_app) -> list[tuple[str, str]]:
    return [(c.args["channel"], c.args["text"]) for c in slack_app.fake.calls_to("chat.postMessage")
            if "has waited" in c.args.get("text", "")]


def test_no_reminder_before_75_percent_of_the_target(slack_app, asked, monkeypatch):
    at(monkeypatch, datetime(2026, 11, 20, 12, 59, tzinfo=UTC))  # 2h59 of 4 business hours
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0
    assert reminders(slack_app) == []


def test_reminder_fires_once_to_each_cto_even_from_concurrent_clocks(slack_app, asked, monkeypatch):
    at(monkeypatch, datetime(2026, 11, 20, 13, 1, tzinfo=UTC))
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(
        jobs.run_question_reminders(slack_app.runtime.deps, asked.id))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 1]
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0
    sent = reminders(slack_app)
    assert sorted(channel for channel, _ in sent) == ["U1", "U9"]
    assert "3h 1m of 4 business hours" in sent[0][1] and "Is the backup restore tested?" in sent[0][1]


def test_the_target_counts_business_hours_across_the_weekend(slack_app, monkeypatch):
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    friday_1730 = "1795195800.000100"  # Fri 20 Nov 2026 17:30 in London
    slack_app.slack.event({"type": "message", "channel": "C1", "user": "U2", "text": "Can we ship Monday?",
                           "ts": friday_1730, "channel_type": "channel"})
    at(monkeypatch, datetime(2026, 11, 22, 20, 0, tzinfo=UTC))  # Sunday evening: 0.5 business h used
    assert jobs.run_question_reminders(slack_app.runtime.deps, acme.id) == 0
    at(monkeypatch, datetime(2026, 11, 23, 11, 31, tzinfo=UTC))  # Monday 11:31: past 3 of 4 business hours
    assert jobs.run_question_reminders(slack_app.runtime.deps, acme.id) == 1


def test_an_answered_question_is_not_reminded(slack_app, asked, monkeypatch):
    slack_app.slack.event({"type": "message", "channel": "C1", "user": "U1", "text": "Yes, monthly.",
                           "ts": "1795172400.000200", "thread_ts": FRIDAY_10_LONDON, "channel_type": "channel"})
    at(monkeypatch, datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0


def delivered(slack_app, user_id: str) -> list[str]:
    """The reminders that reached `user_id` (Slack took them), not the calls that were made."""
    return [m["text"] for m in slack_app.fake.messages("D" + user_id) if "has waited" in m.get("text", "")]


def reminded_at(slack_app, engagement_id: int):
    with transaction(slack_app.session_factory) as session:
        [question] = capture.open_questions(session, engagement_id=engagement_id)
        return question.reminded_at


def test_a_reminder_slack_refused_is_not_marked_sent_and_goes_out_on_the_next_run(slack_app, asked, monkeypatch):
    at(monkeypatch, datetime(2026, 11, 20, 13, 1, tzinfo=UTC))
    slack_app.fake.fail("chat.postMessage", times=2, status=200, body={"ok": False, "error": "user_disabled"})
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0
    assert delivered(slack_app, "U1") == [] and delivered(slack_app, "U9") == []
    assert reminded_at(slack_app, asked.id) is None
    at(monkeypatch, datetime(2026, 11, 20, 13, 6, tzinfo=UTC))  # the next run, five minutes later
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 1
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0
    assert len(delivered(slack_app, "U1")) == 1 and len(delivered(slack_app, "U9")) == 1
    assert reminded_at(slack_app, asked.id) is not None


def test_a_reminder_refused_for_one_cto_is_retried_for_them_alone(slack_app, asked, monkeypatch):
    at(monkeypatch, datetime(2026, 11, 20, 13, 1, tzinfo=UTC))
    slack_app.fake.fail("chat.postMessage", status=200, body={"ok": False, "error": "user_disabled"}, channel="U9")
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 1
    assert len(delivered(slack_app, "U1")) == 1 and delivered(slack_app, "U9") == []
    assert reminded_at(slack_app, asked.id) is None  # not every CTO has had it
    at(monkeypatch, datetime(2026, 11, 20, 13, 6, tzinfo=UTC))
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 1
    assert jobs.run_question_reminders(slack_app.runtime.deps, asked.id) == 0
    assert len(delivered(slack_app, "U1")) == 1 and len(delivered(slack_app, "U9")) == 1
    assert reminded_at(slack_app, asked.id) is not None
