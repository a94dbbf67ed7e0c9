"""`/artifact` and `/risk` through signed requests."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.models import Risk
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          start_date=date(2026, 9, 1))

def test_artifact_lists_the_schedule_and_overdue_ones_leave_when_delivered(slack_app, acme):
    listed = reply_text(slack_app.slack.command("/artifact", ""))
    assert "`technical-audit` — due 30 Sep 2026 — :red_circle: *overdue*" in listed
    done = reply_text(slack_app.slack.command("/artifact", "done technical-audit https://docs.example.com/a"))
    assert ("`technical-audit` — due 30 Sep 2026 — :white_check_mark: delivered — "
            "<https://docs.example.com/a|link>") in done
    skipped = reply_text(slack_app.slack.command("/artifact", "skip hiring-kit no hiring this quarter"))
    assert "skipped — no hiring this quarter" in skipped

def test_artifact_refusals(slack_app, acme):
    assert "Only Acme's CTO" in reply_text(slack_app.slack.command("/artifact", "done roadmap", user_id="U2"))
    assert "Kinds: technical-audit" in reply_text(slack_app.slack.command("/artifact", "done roadmapp"))
    assert "Say why" in reply_text(slack_app.slack.command("/artifact", "skip hiring-kit"))
    assert "/cto setup" in reply_text(slack_app.slack.command("/artifact", "", channel_id="C404"))

def test_risks_are_added_by_anyone_listed_by_severity_and_closed_by_the_cto(slack_app, acme):
    added = reply_text(slack_app.slack.command("/risk", "add Payments worker is a single point of failure high",
                                               user_id="U2"))
    assert "Added risk R1 (high)" in added
    slack_app.slack.command("/risk", "add No staging environment", user_id="U2")
    listed = reply_text(slack_app.slack.command("/risk", ""))
    assert listed.index("R1") < listed.index("R2") and "2 open risks" in listed
    assert "Only Acme's CTO" in reply_text(slack_app.slack.command("/risk", "close 1", user_id="U2"))
    closed = reply_text(slack_app.slack.command("/risk", "close 1 replica added"))
    assert "Closed risk R1" in closed and "1 open risk" in closed
    assert "no risk 9" in reply_text(slack_app.slack.command("/risk", "close 9"))
    assert "Give the risk a title" in reply_text(slack_app.slack.command("/risk", "add high"))
    with slack_app.session_factory() as session:
        stored = {r.number: (r.status, r.severity, r.close_note) for r in session.exec(select(Risk))}
    assert stored == {1: ("closed", "high", "replica added"), 2: ("open", "medium", None)}
