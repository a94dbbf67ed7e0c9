"""Who decides, who decided, the decisions taken without the CTO, people by name, and the condensed thread."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db import transaction
from bot.errors import NotAllowed
from bot.llm.draft import ThreadMessage
from bot.llm.template import LINE_LIMIT, TemplateDrafter
from bot.models import Engagement
from bot.services import decisions, engagements, people
from tests.fakes.block_kit import view_errors
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_deciders_default_to_founders_and_ctos_and_can_be_named(session_factory):
    acme = add_engagement(session_factory, ctos=("U1",), founder_user_ids=["U2"])
    assert engagements.deciders_of(acme) == ["U2", "U1"]
    named = add_engagement(session_factory, name="beta", channel="C2", ctos=("U1",), founder_user_ids=["U2"],
                           decider_user_ids=["U3"])
    assert engagements.deciders_of(named) == ["U3"]
    with pytest.raises(NotAllowed, match="Only Beta's deciders can accept decisions"):
        engagements.require_decider(named, "U2", to="accept decisions")


def _decide(session_factory, engagement: Engagement, title: str, user: str, verb: str, at: datetime) -> None:
    with clock_at(at), transaction(session_factory) as session:
        engagement = session.get(Engagement, engagement.id)
        decision = decisions.record_decision(session, engagement=engagement, title=title, user_id="U9")
        decisions.decide(session, engagement=engagement, decision=decision, user_id=user, verb=verb)


def test_decisions_taken_without_the_cto_count_accepted_ones_in_the_window_by_a_non_cto(session_factory):
    acme = add_engagement(session_factory, ctos=("U1",), founder_user_ids=["U2", "U3"])
    _decide(session_factory, acme, "By the founder", "U2", "accept", datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    _decide(session_factory, acme, "By the CTO", "U1", "accept", datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    _decide(session_factory, acme, "Rejected by a founder", "U3", "reject", datetime(2026, 11, 18, 11, 0, tzinfo=UTC))
    _decide(session_factory, acme, "Last week", "U3", "accept", datetime(2026, 11, 13, 10, 0, tzinfo=UTC))
    _decide(session_factory, acme, "Next week", "U3", "accept", NEXT_MONDAY)
    _decide(session_factory, acme, "Also the team", "U3", "accept", datetime(2026, 11, 22, 23, 0, tzinfo=UTC))
    with transaction(session_factory) as session:
        engagement = session.get(Engagement, acme.id)
        taken = decisions.decisions_without_cto(session, engagement, MONDAY, NEXT_MONDAY)
        assert [(d.title, d.decided_by) for d in taken] == [("By the founder", "U2"), ("Also the team", "U3")]
        old, _ = decisions.supersede(session, engagement=engagement, number=1, title="Replaced", user_id="U1")
    with transaction(session_factory) as session:  # superseded later: it was still taken that week
        engagement = session.get(Engagement, acme.id)
        assert len(decisions.decisions_without_cto(session, engagement, MONDAY, NEXT_MONDAY)) == 2


def test_people_are_stored_once_per_workspace_and_refreshed_in_place(session_factory):
    with clock_at(MONDAY), transaction(session_factory) as session:
        people.remember(session, team_id="T1", profiles=[people.Profile("U1", "dana", "Dana  Founder", "Europe/Paris")])
        people.remember(session, team_id="T2", profiles=[people.Profile("U1", "other", "", None)])
    with transaction(session_factory) as session:
        assert people.names(session, team_id="T1", user_ids={"U1", "U5"}) == {"U1": "Dana Founder", "U5": "U5"}
        assert people.names(session, team_id="T2", user_ids={"U1"}) == {"U1": "other"}
        assert people.to_fetch(session, team_id="T1", user_ids={"U1", "U5"}, now=MONDAY) == ["U5"]
        assert people.to_fetch(session, team_id="T1", user_ids={"U1"}, now=datetime(2027, 1, 1, tzinfo=UTC)) == ["U1"]
        people.remember(session, team_id="T1", profiles=[people.Profile("U1", "dana", "Dana Smith")])
    with transaction(session_factory) as session:
        assert people.names(session, team_id="T1", user_ids={"U1"}) == {"U1": "Dana Smith"}
        assert len(people.stored(session, team_id="T1", user_ids={"U1"})) == 1


def _message(n: int, text: str, user: str = "U2", name: str = "Dana") -> ThreadMessage:
    return ThreadMessage(user_id=user, text=text, ts=f"{n}.0", name=name)


def test_a_long_thread_is_cut_with_how_many_more_messages_and_each_line_is_bounded():
    thread = [_message(n, f"Message {n} says something. And more after.") for n in range(60)]
    thread.insert(3, _message(99, "x" * 1000, user="U3", name=""))  # no name stored: the id stands in
    context = TemplateDrafter().draft(title="Events", messages=thread).context
    parts = context.split("\n\n")
    assert len(context) <= 3000
    assert parts[2:5] == ["Dana: Message 0 says something.", "Dana: Message 1 says something.",
                          "Dana: Message 2 says something."]
    assert parts[5].startswith("U3: xxx") and len(parts[5]) == len("U3: ") + LINE_LIMIT
    assert parts[-1] == f"… and {61 - (len(parts) - 3)} more messages"


def test_the_fake_refuses_a_multi_users_select_outside_slacks_limits():
    def modal(element: dict) -> dict:
        return {"type": "modal", "title": {"type": "plain_text", "text": "x"},
                "submit": {"type": "plain_text", "text": "Save"},
                "blocks": [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "who"},
                            "element": {"type": "multi_users_select", "action_id": "a", **element}}]}

    assert view_errors(modal({"max_selected_items": 2, "initial_users": ["U1", "U2"]})) == []
    assert any("max_selected_items" in e for e in view_errors(modal({"max_selected_items": 0})))
    assert any("at most max_selected_items" in e
               for e in view_errors(modal({"max_selected_items": 1, "initial_users": ["U1", "U2"]})))
    assert any("initial_users/0" in e for e in view_errors(modal({"initial_users": [7]})))
