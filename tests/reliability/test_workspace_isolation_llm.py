"""Two workspaces using the same channel id never see each other's records in LLM prompts: drafting ADR-0001 in
one sends only that workspace's thread and title to the LLM; an engagement without consent sends nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import Decision
from bot.services import engagements
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.reliability.test_workspace_isolation import sender
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install

WORKSPACES = {
    "T_ACME": {"name": "acme", "consent": True, "title": "Shard the zebraorders table",
               "thread": ["Zebraorders grows by ten million rows a month.", "Options:\n- Citus\n- Vitess"]},
    "T_GLOBEX": {"name": "globex", "consent": True, "title": "Adopt the quokkaqueue broker",
                 "thread": ["Quokkaqueue drops messages under load.", "Options:\n- RabbitMQ\n- NATS"]},
    "T_INITECH": {"name": "initech", "consent": False, "title": "Retire the narwhalbatch job",
                  "thread": ["Narwhalbatch runs for six hours nightly.", "Options:\n- Airflow\n- Cron"]},
}


def markers(team_id: str) -> list[str]:
    """Words only this workspace wrote: its title's and its thread's."""
    data = WORKSPACES[team_id]
    return [data["title"], *data["thread"], *data["thread"][1].splitlines()[1:]]


@pytest.fixture
def app_settings_overrides(fake_llm):
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET,
            "openai_api_key": "test-openai-key-123456", "openai_base_url": fake_llm.url, "openai_model": "fake",
            "openai_timeout": 1.0, "openai_max_retries": 0}


def decision_of(slack_app, team_id: str) -> Decision:
    with transaction(slack_app.session_factory) as session:
        engagement = engagements.get_by_name(session, name=WORKSPACES[team_id]["name"], team_id=team_id)
        return session.exec(select(Decision).where(Decision.engagement_id == engagement.id)).one()


def fill(slack_app) -> dict[str, Decision]:
    """Each workspace's ADR-0001 in its C1, with a thread of its own marker words."""
    for team_id, data in WORKSPACES.items():
        install(slack_app, team_id=team_id, team_name=data["name"].title())
        add_engagement(slack_app.session_factory, name=data["name"], channel="C1", team=team_id, ctos=("U1",),
                       llm_consent=data["consent"])
        assert sender(slack_app, team_id).command("/decision", data["title"], user_id="U2").status == 200
        slack_app.settle()
    decisions = {team_id: decision_of(slack_app, team_id) for team_id in WORKSPACES}
    for team_id, decision in decisions.items():
        assert decision.number == 1 and decision.card_ts
        for user, text in zip(("U2", "U3"), WORKSPACES[team_id]["thread"], strict=True):
            slack_app.fake.add_message("C1", text, user=user, thread_ts=decision.card_ts)
    return decisions


def test_each_workspaces_prompt_holds_only_its_own_thread(slack_app, fake_llm):
    fill(slack_app)
    for team_id in ("T_ACME", "T_GLOBEX"):
        sent = len(fake_llm.requests)
        reply = reply_text(sender(slack_app, team_id).command("/decision", "draft 1", user_id="U3"))
        assert "Drafting the ADR for ADR-0001" in reply
        slack_app.settle()
        [body] = [b.decode() for b in fake_llm.raw_bodies[sent:]]
        prompt = json.loads(body)["messages"][-1]["content"]
        for own in markers(team_id):
            assert own in prompt, (team_id, own)
        for other in WORKSPACES:
            if other != team_id:
                for foreign in markers(other):
                    assert foreign not in body, (team_id, foreign)
        assert decision_of(slack_app, team_id).draft_method == "llm"


def test_without_consent_nothing_reaches_the_llm_and_the_template_drafts(slack_app, fake_llm):
    fill(slack_app)
    sender(slack_app, "T_INITECH").command("/decision", "draft 1", user_id="U3")
    slack_app.settle()
    assert fake_llm.requests == []
    stored = decision_of(slack_app, "T_INITECH")
    assert stored.draft_method == "template" and stored.context.startswith("Narwhalbatch runs")
    assert stored.options.splitlines()[:2] == ["Airflow", "Cron"]


@pytest.mark.parametrize("action_id", [ids.ACTION_DECISION_DRAFT, ids.ACTION_DECISION_REGENERATE,
                                       ids.ACTION_DECISION_EDIT])
def test_a_button_naming_another_workspaces_decision_does_nothing(slack_app, fake_llm, action_id):
    decisions = fill(slack_app)
    acme = decisions["T_ACME"]
    slack_app.fake.reset()
    response = sender(slack_app, "T_GLOBEX").block_action({"action_id": action_id, "value": str(acme.id)},
                                                          user_id="U3", message={"ts": acme.card_ts})
    assert response.status == 200
    [told] = slack_app.fake.wait_for_response()
    assert "That decision no longer exists among this channel's records" in told["json"]["text"]
    slack_app.settle()
    assert fake_llm.requests == [] and decision_of(slack_app, "T_ACME").draft_method is None
    assert not slack_app.fake.calls_to("views.open") and not slack_app.fake.calls_to("chat.postMessage")
    assert not slack_app.fake.calls_to("chat.update")
