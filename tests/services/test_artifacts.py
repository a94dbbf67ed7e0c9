"""The artifact schedule: due dates from the start, states today, delivery and skipping."""

from __future__ import annotations

from datetime import date

import pytest

from bot.db import transaction
from bot.errors import InvalidInput, NotAllowed
from bot.models import Decision
from bot.services import artifacts
from tests.helpers.factories import add_engagement


@pytest.mark.parametrize(("start", "n", "end"), [
    (date(2026, 9, 1), 1, date(2026, 9, 30)), (date(2026, 9, 1), 3, date(2026, 11, 30)),
    (date(2026, 1, 31), 1, date(2026, 2, 27)), (date(2026, 11, 15), 2, date(2027, 1, 14))])
def test_end_of_engagement_month(start, n, end):
    assert artifacts.end_of_month_n(start, n) == end


def states(session_factory, engagement, today):
    with transaction(session_factory) as session:
        return {s.kind: s.state for s in artifacts.schedule_states(session, engagement=engagement, today=today)}


def test_schedule_states_and_delivery(session_factory):
    acme = add_engagement(session_factory, name="acme", ctos=("U1",), start_date=date(2026, 9, 1))
    today = date(2026, 10, 20)
    before = states(session_factory, acme, today)
    assert before["technical-audit"] == "overdue" and before["roadmap"] == "due-soon"
    assert before["risk-register"] == "upcoming" and before["handover"] == "at-the-end"
    assert list(before) == list(artifacts.KINDS)
    with transaction(session_factory) as session:
        delivered = artifacts.mark_delivered(session, engagement=acme, kind="technical-audit", user_id="U1",
                                             link="<https://docs.example.com/audit|Audit>")
        assert delivered.link == "https://docs.example.com/audit"
        artifacts.skip(session, engagement=acme, kind="hiring-kit", user_id="U1", reason="no hiring this quarter")
    after = states(session_factory, acme, today)
    assert after["technical-audit"] == "delivered" and after["hiring-kit"] == "skipped"
    assert after["immediate-risks"] == "overdue"


def test_adrs_are_met_by_any_accepted_decision(session_factory):
    acme = add_engagement(session_factory, name="acme", ctos=("U1",), start_date=date(2026, 9, 1))
    assert states(session_factory, acme, date(2026, 11, 20))["adrs"] == "overdue"
    with transaction(session_factory) as session:
        session.add(Decision(engagement_id=acme.id, number=1, title="Use Postgres", status="accepted"))
    assert states(session_factory, acme, date(2026, 11, 20))["adrs"] == "delivered"


def test_only_the_cto_marks_artifacts_and_unknown_kinds_list_the_kinds(session_factory):
    acme = add_engagement(session_factory, name="acme", ctos=("U1",))
    with transaction(session_factory) as session, pytest.raises(NotAllowed):
        artifacts.mark_delivered(session, engagement=acme, kind="roadmap", user_id="U2")
    with transaction(session_factory) as session, pytest.raises(InvalidInput) as refused:
        artifacts.mark_delivered(session, engagement=acme, kind="roadmapp", user_id="U1")
    assert "technical-audit" in refused.value.message and "handover" in refused.value.message
    with transaction(session_factory) as session, pytest.raises(InvalidInput):
        artifacts.skip(session, engagement=acme, kind="hiring-kit", user_id="U1", reason=" ")
