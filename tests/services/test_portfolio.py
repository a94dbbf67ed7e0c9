"""The CTO's cross-client view: per client, this month's minutes to the floor and to the top, checked against a
recomputation from the raw rows; totals; overdue artifacts; open high risks; the next digest and statement."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.db import transaction
from bot.models import Artifact, Engagement, Risk
from bot.services import portfolio, schedule
from tests.helpers.clients import NOW, TODAY, expected, three_clients
from tests.helpers.factories import add_engagement


def test_each_client_shows_its_minutes_to_the_floor_and_to_the_top(session_factory):
    three_clients(session_factory)
    with transaction(session_factory) as session:
        view = portfolio.portfolio(session, now=NOW, team_id="T_TEST", cto_user_id="U1")
        got = {c.engagement.name: (c.summary.minutes, c.summary.band.floor_minutes, c.summary.band.top_minutes,
                                   c.to_floor_minutes, c.to_top_minutes, c.over_top_minutes) for c in view.clients}
        totals = (view.minutes, view.to_floor_minutes, view.to_top_minutes, view.over_top_minutes)
    assert list(got) == ["acme", "globex", "initech"]  # hooli is U7's
    for name in got:
        want = expected(session_factory, name)
        assert got[name] == (want.minutes, want.floor, want.top, want.to_floor, want.to_top,
                             max(want.minutes - want.top, 0)), name
    assert got["acme"][3:] == (675, 975, 0)  # 8h 45m of 20–25 h (the deleted 4h and October's 5h left out)
    assert got["globex"][1:3] == (471, 629)  # 11 of 21 business days of the growth band: pro-rated
    assert got["globex"][3:] == (0, 0, 1550 - 629)
    assert got["initech"][3:] == (0, 0, 0)  # exactly the top is within the band: nothing over
    wanted = [expected(session_factory, name) for name in got]
    assert totals == (sum(w.minutes for w in wanted), sum(w.to_floor for w in wanted),
                      sum(w.to_top for w in wanted), sum(max(w.minutes - w.top, 0) for w in wanted))


def test_overdue_artifacts_and_open_high_risks_per_client(session_factory):
    made = three_clients(session_factory)
    with transaction(session_factory) as session:
        view = portfolio.portfolio(session, now=NOW, team_id="T_TEST", cto_user_id="U1")
        acme = view.clients[0]
        rows = session.exec(select(Artifact).where(Artifact.engagement_id == made["acme"].id)).all()
        late = sorted(a.kind for a in rows if a.due_date < TODAY and a.delivered_at is None and a.kind != "handover")
        high = [r.number for r in session.exec(select(Risk).where(Risk.engagement_id == made["acme"].id)).all()
                if r.severity == "high" and r.status != "closed"]
        assert sorted(s.kind for s in acme.overdue) == late and "technical-audit" not in late and len(late) == 6
        assert [r.number for r in acme.high_risks] == high == [1]
        assert view.overdue_count == sum(len(c.overdue) for c in view.clients) and view.high_risk_count == 1
        assert view.clients[1].overdue == []  # globex's first month has not ended


def test_the_command_line_view_has_every_engagement_of_every_workspace(session_factory):
    three_clients(session_factory)
    add_engagement(session_factory, name="umbrella", channel="C9", team="T_OTHER", ctos=("U1",))
    with transaction(session_factory) as session:
        everyone = [c.engagement.name for c in portfolio.portfolio(session, now=NOW).clients]
        here = [c.engagement.name for c in portfolio.portfolio(session, now=NOW, team_id="T_TEST",
                                                                cto_user_id="U1").clients]
    assert everyone == ["acme", "globex", "hooli", "initech", "umbrella"]
    assert here == ["acme", "globex", "initech"]


def test_next_digest_and_statement_are_the_next_slots_in_the_clients_zone(session_factory):
    add_engagement(session_factory, name="acme", channel="C1", start_date=date(2026, 9, 1))
    with transaction(session_factory) as session:
        acme = session.exec(select(Engagement)).one()
        friday_at_four = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # London is on UTC in November
        assert schedule.next_digest_slot(acme, now=NOW) == friday_at_four
        assert schedule.next_digest_slot(acme, now=friday_at_four) == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
        assert schedule.next_statement_slot(acme, now=NOW) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
        assert schedule.next_statement_slot(acme, now=datetime(2026, 11, 1, 12, tzinfo=UTC)) == datetime(
            2026, 11, 2, 9, 0, tzinfo=UTC)  # Sunday the 1st: the statement is Monday's
        acme.end_date = date(2026, 11, 18)
        assert schedule.next_digest_slot(acme, now=NOW) is None  # no digest after the end
        assert schedule.next_statement_slot(acme, now=NOW) is not None  # November's statement is still to come
        acme.end_date = date(2026, 10, 30)
        assert schedule.next_statement_slot(acme, now=NOW) is None
        session.rollback()
