"""The decision log on a real database: numbering, accept/reject, supersede, concurrency, the adrs artifact."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from bot.db import transaction
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models import Decision
from bot.services import artifacts, decisions
from bot.services.decisions import DecisionFields
from tests.helpers.factories import add_engagement


def record(session_factory, engagement, title="Use Postgres for events", user="U2", **kwargs):
    with transaction(session_factory) as session:
        return decisions.record_decision(session, engagement=engagement, title=title, user_id=user, **kwargs)


def test_numbers_follow_per_engagement_and_titles_are_cleaned(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    globex = add_engagement(session_factory, name="globex", channel="C2")
    first = record(session_factory, acme, title="  Use   Postgres\nfor events ")
    second = record(session_factory, acme, title="Queue with SQS", fields=DecisionFields(options=("SQS", "Kafka")))
    other = record(session_factory, globex, title="Adopt Terraform")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.title == "Use Postgres for events" and first.status == "proposed" and first.proposer_user_id == "U2"
    assert decisions.options_list(second.options) == ["SQS", "Kafka"]
    assert decisions.label(7) == "ADR-0007"


def test_blank_title_and_bad_numbers_are_refused_with_a_message(session_factory):
    acme = add_engagement(session_factory)
    with pytest.raises(InvalidInput, match="title"):
        record(session_factory, acme, title="   ")
    assert [decisions.parse_number(t) for t in ("3", "ADR-0003", "adr-3", "#3")] == [3, 3, 3, 3]
    for bad in ("three", "0", "", "3x"):
        with pytest.raises(InvalidInput, match="not a decision number"):
            decisions.parse_number(bad)


def test_secrets_in_what_is_recorded_are_redacted(session_factory):
    acme = add_engagement(session_factory)
    decision = record(session_factory, acme, title="Rotate xoxb-1234567890-abcdefghij",
                      fields=DecisionFields(context="key sk-abcdefghijklmnopqrstuv leaked"))
    assert "xoxb-" not in decision.title and "sk-abc" not in decision.context and "[redacted]" in decision.context


def test_unknown_number_is_a_clear_not_found(session_factory):
    acme = add_engagement(session_factory, display_name="Acme Ltd")
    with transaction(session_factory) as session, pytest.raises(NotFound) as missing:
        decisions.get_decision(session, engagement=acme, number=9)
    assert "ADR-0009" in missing.value.message and "/decision list" in missing.value.message


def test_only_the_cto_accepts_and_accepting_twice_changes_nothing(session_factory):
    acme = add_engagement(session_factory, ctos=("U1",))
    record(session_factory, acme)
    with transaction(session_factory) as session, pytest.raises(NotAllowed):
        d = decisions.get_decision(session, engagement=acme, number=1)
        decisions.decide(session, engagement=acme, decision=d, user_id="U2", verb="accept")
    with transaction(session_factory) as session:
        d = decisions.get_decision(session, engagement=acme, number=1)
        _, changed = decisions.decide(session, engagement=acme, decision=d, user_id="U1", verb="accept")
    with transaction(session_factory) as session:
        d = decisions.get_decision(session, engagement=acme, number=1)
        _, again = decisions.decide(session, engagement=acme, decision=d, user_id="U1", verb="accept")
        assert d.status == "accepted" and d.decided_at is not None and d.deciders == ["U1"]
    assert changed and not again
    with transaction(session_factory) as session, pytest.raises(InvalidInput, match="already accepted"):
        d = decisions.get_decision(session, engagement=acme, number=1)
        decisions.decide(session, engagement=acme, decision=d, user_id="U1", verb="reject")


def test_concurrent_accepts_make_one_transition(session_factory):
    acme = add_engagement(session_factory, ctos=("U1", "U3"))
    record(session_factory, acme)
    barrier = threading.Barrier(6)
    results: list[bool] = []
    errors: list[Exception] = []

    def accept() -> None:
        barrier.wait()
        try:
            with transaction(session_factory) as session:
                d = decisions.get_decision(session, engagement=acme, number=1)
                results.append(decisions.decide(session, engagement=acme, decision=d, user_id="U1",
                                                 verb="accept")[1])
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(results) == [False] * 5 + [True]
    with transaction(session_factory) as session:
        assert decisions.get_decision(session, engagement=acme, number=1).status == "accepted"


def test_concurrent_recording_gives_unique_numbers(session_factory):
    acme = add_engagement(session_factory)
    barrier = threading.Barrier(8)
    numbers: list[int] = []
    errors: list[Exception] = []

    def propose(n: int) -> None:
        barrier.wait()
        try:
            numbers.append(record(session_factory, acme, title=f"Decision {n}").number)
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=propose, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(numbers) == list(range(1, 9))


def test_supersede_links_both_ways_and_is_for_the_cto(session_factory):
    acme = add_engagement(session_factory, ctos=("U1",))
    record(session_factory, acme, title="Use MySQL")
    with transaction(session_factory) as session, pytest.raises(NotAllowed):
        decisions.supersede(session, engagement=acme, number=1, title="Use Postgres", user_id="U2")
    with transaction(session_factory) as session, pytest.raises(NotFound):
        decisions.supersede(session, engagement=acme, number=5, title="Use Postgres", user_id="U1")
    with transaction(session_factory) as session:
        new, old = decisions.supersede(session, engagement=acme, number=1, title="Use Postgres", user_id="U1")
    with transaction(session_factory) as session:
        rows = {d.number: d for d in decisions.list_decisions(session, engagement_id=acme.id)}
    assert rows[1].status == "superseded" and rows[1].superseded_by_id == rows[2].id
    assert rows[2].supersedes_id == rows[1].id and rows[2].status == "proposed" and new.number == 2
    with transaction(session_factory) as session, pytest.raises(InvalidInput, match="already superseded"):
        decisions.supersede(session, engagement=acme, number=1, title="Use SQLite", user_id="U1")


def test_set_fields_stores_the_draft_and_its_method(session_factory):
    acme = add_engagement(session_factory)
    d = record(session_factory, acme)
    with transaction(session_factory) as session:
        decision = session.get(Decision, d.id)
        decisions.set_fields(session, decision=decision, draft_text="draft", draft_method="template",
                             fields=DecisionFields(context="c", options=("a", "b"), outcome="o", consequences="q"))
    with transaction(session_factory) as session:
        stored = session.get(Decision, d.id)
        assert (stored.context, stored.options, stored.outcome, stored.draft_method) == ("c", "a\nb", "o", "template")
        with pytest.raises(InvalidInput):
            decisions.set_fields(session, decision=stored, fields=DecisionFields(), draft_method="magic")


def test_accepting_a_decision_delivers_the_adrs_artifact(session_factory):
    acme = add_engagement(session_factory, ctos=("U1",), start_date=date(2026, 9, 1))
    record(session_factory, acme)

    def adrs_state() -> str:
        with transaction(session_factory) as session:
            states = artifacts.schedule_states(session, engagement=acme, today=date(2026, 11, 20))
            return {s.artifact.kind: s.state for s in states}["adrs"]

    assert adrs_state() == "overdue"
    with transaction(session_factory) as session:
        d = decisions.get_decision(session, engagement=acme, number=1)
        decisions.decide(session, engagement=acme, decision=d, user_id="U1", verb="accept")
    assert adrs_state() == "delivered"
