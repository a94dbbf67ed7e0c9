"""The registers' one service: numbering per engagement and kind, the status lifecycle, each kind's rules,
and the change report (fixed / remaining / new since a day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db import transaction
from bot.errors import InvalidInput, NotAllowed
from bot.services import artifacts, registers
from bot.services.register_kinds import FINDING, RISK, ROADMAP, SYSTEM, VENDOR
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement


@pytest.fixture
def two(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), start_date=date(2026, 9, 1))
    globex = add_engagement(session_factory, name="globex", channel="C2", ctos=("U1",))
    return acme, globex


def test_each_engagement_and_kind_counts_from_one(session_factory, two):
    acme, globex = two
    with transaction(session_factory) as session:
        numbers = [registers.add_entry(session, spec, engagement=engagement, user_id="U1", title=f"{spec.kind} x",
                                       values={"quarter": "2027-Q1"} if spec is ROADMAP else None).number
                   for engagement in (acme, globex, acme) for spec in (RISK, FINDING, VENDOR, ROADMAP, SYSTEM)]
    assert numbers == [1] * 10 + [2] * 5


def test_who_may_add_and_who_may_change(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        assert registers.add_entry(session, FINDING, engagement=acme, user_id="U2", title="No CI").number == 1
        with pytest.raises(NotAllowed, match="Only Acme's CTO can add vendors"):
            registers.add_entry(session, VENDOR, engagement=acme, user_id="U2", title="Datadog")
        with pytest.raises(NotAllowed, match="Only Acme's CTO"):
            registers.set_status(session, FINDING, engagement=acme, number=1, status="addressed", user_id="U2")


def test_statuses_move_only_along_the_kinds_transitions(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        item = registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title="SSO",
                                   values={"quarter": "2027-Q1"})
        assert item.status == "planned"
        registers.set_status(session, ROADMAP, engagement=acme, number=1, status="dropped", user_id="U1")
        with pytest.raises(InvalidInput, match="dropped; it can become planned, not done"):
            registers.set_status(session, ROADMAP, engagement=acme, number=1, status="done", user_id="U1")
        with pytest.raises(InvalidInput, match="status is one of planned, in-progress, done, dropped"):
            registers.set_status(session, ROADMAP, engagement=acme, number=1, status="shipped", user_id="U1")
        with pytest.raises(InvalidInput, match="already dropped"):
            registers.set_status(session, ROADMAP, engagement=acme, number=1, status="dropped", user_id="U1")
        assert item.closed_at is not None
        registers.set_status(session, ROADMAP, engagement=acme, number=1, status="planned", user_id="U1")
        assert (item.status, item.closed_at) == ("planned", None)  # reopened: no longer closed


def test_a_finding_is_deprioritized_only_with_a_rationale(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        registers.add_entry(session, FINDING, engagement=acme, user_id="U2", title="Manual deploys")
        with pytest.raises(InvalidInput, match="documented rationale") as refused:
            registers.set_status(session, FINDING, engagement=acme, number=1, status="deprioritized", user_id="U1",
                                 values={"rationale": "   "})
        assert refused.value.field == "rationale"
    with transaction(session_factory) as session:
        finding = registers.get_entry(session, FINDING, engagement=acme, number=1)
        assert finding.status == "open"  # the refusal changed nothing
        registers.set_status(session, FINDING, engagement=acme, number=1, status="deprioritized", user_id="U1",
                             values={"rationale": "weekly deploys are fine for now"})
        assert (finding.status, finding.rationale) == ("deprioritized", "weekly deploys are fine for now")


def test_a_vendors_notice_deadline_is_the_renewal_less_the_notice_days(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        vendor = registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title="Datadog",
                                     values={"renewal_date": "2027-03-01", "notice_days": "60"})
        [record] = registers.records(session, VENDOR, engagement=acme)
        assert record["notice_deadline"] == "2026-12-31"
        with pytest.raises(InvalidInput, match="whole number of days"):
            registers.update_entry(session, VENDOR, engagement=acme, entry=vendor, user_id="U1",
                                   values={"notice_days": "thirty"})
        with pytest.raises(InvalidInput, match="renewal date too"):
            registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title="Stripe",
                                values={"notice_days": "30"})


def test_a_roadmap_item_needs_a_quarter_written_as_one(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        with pytest.raises(InvalidInput, match="like `2027-Q1`"):
            registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title="SSO",
                                values={"quarter": "next spring"})
        with pytest.raises(InvalidInput, match="like `2027-Q1`"):
            registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title="SSO")


def test_the_change_report_since_a_day(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session, clock_at(datetime(2026, 9, 20, 10, tzinfo=UTC)) as clock:
        for title in ("Single DBA", "No backups", "Flaky CI", "Old TLS"):
            registers.add_entry(session, RISK, engagement=acme, user_id="U2", title=title)
        registers.set_status(session, RISK, engagement=acme, number=4, status="closed", user_id="U1")  # before
        clock.advance(timedelta(days=15))  # 5 October
        registers.set_status(session, RISK, engagement=acme, number=2, status="closed", user_id="U1")
        registers.set_status(session, RISK, engagement=acme, number=3, status="mitigated", user_id="U1")
        registers.add_entry(session, RISK, engagement=acme, user_id="U2", title="Vendor lock-in")
        changes = registers.changes_since(session, RISK, engagement=acme, since=date(2026, 10, 1))
    assert [r.title for r in changes.fixed] == ["No backups", "Flaky CI"]
    assert [r.title for r in changes.remaining] == ["Single DBA"]
    assert [r.title for r in changes.new] == ["Vendor lock-in"]


def test_changes_default_to_since_the_baseline_artifact(session_factory, two):
    acme, _ = two
    with transaction(session_factory) as session:
        assert registers.default_since(session, RISK, engagement=acme) == date(2026, 9, 1)
        with clock_at(datetime(2026, 10, 3, 23, 30, tzinfo=UTC)):  # 00:30 on 4 October in London
            artifacts.mark_delivered(session, engagement=acme, kind="immediate-risks", user_id="U1")
        assert registers.default_since(session, RISK, engagement=acme) == date(2026, 10, 4)
        assert registers.default_since(session, SYSTEM, engagement=acme) == date(2026, 9, 1)
