"""Ids in buttons and forms act only on their own engagement: a request from Acme's channel (or a form naming a
channel) that names a record of Beta, in the same workspace, changes nothing of Beta's and posts nothing in
Beta's channel; the user is told, and the honest clicks still work."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import Decision, Engagement, TimeEntry
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.slack_requests import view_state

ACME_ONLY_CTO, BOTH_CTO, BETA_CTO = "U1", "U7", "U9"
ACME_MEMBER, BETA_MEMBER = "U2", "U8"
WORKED = date(2026, 3, 2)
NOT_HERE = "no longer exists among this channel's records"


@pytest.fixture
def two(slack_app):
    """Acme in C1 and Beta in C2, each with a decision whose card is posted, and an hour logged."""
    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=(ACME_ONLY_CTO, BOTH_CTO),
                          display_name="Acme")
    beta = add_engagement(slack_app.session_factory, name="beta", channel="C2", ctos=(BETA_CTO, BOTH_CTO),
                          display_name="Beta")
    slack_app.fake.set_members("C1", [ACME_ONLY_CTO, BOTH_CTO, ACME_MEMBER])
    slack_app.fake.set_members("C2", [BETA_CTO, BOTH_CTO, BETA_MEMBER])
    for channel, user, title in (("C1", ACME_MEMBER, "Acme moves to Postgres"),
                                 ("C2", BETA_MEMBER, "Beta keeps its billing secret")):
        assert slack_app.slack.command("/decision", title, user_id=user, channel_id=channel).status == 200
    for channel, user, text in (("C1", ACME_ONLY_CTO, "1h build acme work"), ("C2", BETA_CTO, "2h review beta work")):
        assert slack_app.slack.command("/logtime", text, user_id=user, channel_id=channel).status == 200
    slack_app.settle()
    slack_app.fake.reset()
    return acme, beta


def decision_of(slack_app, engagement: Engagement) -> Decision:
    with transaction(slack_app.session_factory) as session:
        return session.exec(select(Decision).where(Decision.engagement_id == engagement.id)).one()


def decisions_of(slack_app, engagement: Engagement) -> list[Decision]:
    with transaction(slack_app.session_factory) as session:
        return list(session.exec(select(Decision).where(Decision.engagement_id == engagement.id)).all())


def entry_of(slack_app, engagement: Engagement) -> TimeEntry:
    with transaction(slack_app.session_factory) as session:
        return session.exec(select(TimeEntry).where(TimeEntry.engagement_id == engagement.id)).one()


def posted_to(slack_app, channel: str) -> list:
    """Every Web API call that wrote into `channel` (messages, edits, ephemerals) or opened a modal."""
    writes = ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete")
    return [call for method in writes for call in slack_app.fake.calls_to(method)
            if call.args.get("channel") == channel]


def told(slack_app) -> str:
    [response] = slack_app.fake.wait_for_response()
    assert response["json"].get("replace_original") is not True
    return response["json"]["text"]


# --- decision buttons -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("action_id", "user"), [
    (ids.ACTION_DECISION_DRAFT, ACME_ONLY_CTO), (ids.ACTION_DECISION_REGENERATE, ACME_ONLY_CTO),
    (ids.ACTION_DECISION_EDIT, ACME_ONLY_CTO), (ids.ACTION_DECISION_ACCEPT, BOTH_CTO),
    (ids.ACTION_DECISION_REJECT, BOTH_CTO)])
def test_a_decision_button_in_acmes_channel_naming_betas_decision_does_nothing(slack_app, two, action_id, user):
    _, beta = two
    before = decision_of(slack_app, beta)
    response = slack_app.slack.block_action({"action_id": action_id, "value": str(before.id)}, user_id=user,
                                            channel_id="C1", message={"ts": before.card_ts})
    assert response.status == 200
    assert NOT_HERE in told(slack_app)
    slack_app.settle()
    after = decision_of(slack_app, beta)
    assert (after.status, after.draft_method, after.draft_text, after.context) == (
        "proposed", None, None, before.context)
    assert posted_to(slack_app, "C2") == [] and slack_app.fake.calls_to("views.open") == []


def test_a_decision_button_on_its_own_channels_decision_still_works(slack_app, two):
    acme, _ = two
    decision = decision_of(slack_app, acme)
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_ACCEPT, "value": str(decision.id)},
                                 user_id=ACME_ONLY_CTO, channel_id="C1", message={"ts": decision.card_ts})
    assert "Accepted ADR-0001" in told(slack_app)
    slack_app.settle()
    assert decision_of(slack_app, acme).status == "accepted"
    writes = posted_to(slack_app, "C1")  # the card's update, and the draft of the undrafted decision in its thread
    assert decision.card_ts in [call.args.get("ts") for call in writes]
    in_thread = {m["ts"] for m in slack_app.fake.thread("C1", decision.card_ts)}
    assert all(call.args.get("thread_ts") == decision.card_ts or call.args.get("ts") in in_thread for call in writes)


# --- the decision modals ----------------------------------------------------------------------------------------

SECTIONS = {ids.BLOCK_DECISION_CONTEXT: {ids.ACTION_DECISION_CONTEXT: "Overwritten by Acme's CTO"},
            ids.BLOCK_DECISION_OUTCOME: {ids.ACTION_DECISION_OUTCOME: "Whatever Acme says"}}


def decision_form(callback_id: str, meta: dict, values: dict) -> dict:
    """The modal as Slack submits it: its input blocks, its state and the private_metadata it was opened with."""
    return {"callback_id": callback_id, "private_metadata": json.dumps(meta), "state": view_state(values),
            "blocks": [{"type": "input", "block_id": block} for block in (
                ids.BLOCK_DECISION_TITLE, *SECTIONS, ids.BLOCK_DECISION_DECIDERS)]}


@pytest.mark.parametrize("channel", ["C1", "C2"])
def test_the_edit_form_naming_betas_decision_changes_nothing(slack_app, two, channel):
    _, beta = two
    before = decision_of(slack_app, beta)
    form = decision_form(ids.VIEW_DECISION_EDIT, {"decision_id": before.id, "channel_id": channel,
                                                  "message_ts": before.card_ts}, SECTIONS)
    response = slack_app.slack.view_submission(form, user_id=ACME_ONLY_CTO)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    [message] = answer["errors"].values()
    assert ("nothing was changed" in message) and "Beta" not in message
    slack_app.settle()
    after = decision_of(slack_app, beta)
    assert (after.context, after.outcome, after.draft_text) == (before.context, before.outcome, None)
    assert posted_to(slack_app, "C2") == []


def test_the_new_decision_form_cannot_plant_a_decision_in_betas_channel(slack_app, two):
    _, beta = two
    form = decision_form(ids.VIEW_DECISION, {"channel_id": "C2"},
                         {ids.BLOCK_DECISION_TITLE: {ids.ACTION_DECISION_TITLE: "Beta wires us its budget"}})
    response = slack_app.slack.view_submission(form, user_id=ACME_ONLY_CTO)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "not in that channel" in json.dumps(answer["errors"])
    slack_app.settle()
    assert [d.title for d in decisions_of(slack_app, beta)] == ["Beta keeps its billing secret"]
    assert posted_to(slack_app, "C2") == []


@pytest.mark.parametrize(("user", "channel"), [(ACME_MEMBER, "C1"), (BETA_MEMBER, "C2"), (BETA_CTO, "C2")])
def test_the_new_decision_form_still_records_for_someone_in_the_channel(slack_app, two, user, channel):
    acme, beta = two
    form = decision_form(ids.VIEW_DECISION, {"channel_id": channel},
                         {ids.BLOCK_DECISION_TITLE: {ids.ACTION_DECISION_TITLE: "Adopt Terraform"}})
    response = slack_app.slack.view_submission(form, user_id=user)
    assert response.status == 200 and "errors" not in response.text
    slack_app.settle()
    engagement = acme if channel == "C1" else beta
    assert [d.title for d in decisions_of(slack_app, engagement)][-1] == "Adopt Terraform"
    assert [call.args["channel"] for call in slack_app.fake.calls_to("chat.postMessage")] == [channel]


# --- time-entry buttons and the logtime modal ------------------------------------------------------------------

@pytest.mark.parametrize("action_id", [ids.ACTION_LOGTIME_UNDO, ids.ACTION_LOGTIME_DELETE, ids.ACTION_LOGTIME_EDIT])
def test_a_time_entry_button_in_acmes_channel_naming_betas_entry_does_nothing(slack_app, two, action_id):
    _, beta = two
    entry = entry_of(slack_app, beta)
    response = slack_app.slack.block_action({"action_id": action_id, "value": str(entry.id)}, user_id=BOTH_CTO,
                                            channel_id="C1")
    assert response.status == 200
    text = told(slack_app)
    assert NOT_HERE in text and "Beta" not in text
    after = entry_of(slack_app, beta)
    assert (after.deleted_at, after.minutes, after.edited_at) == (None, 120, None)
    assert slack_app.fake.calls_to("views.open") == [] and posted_to(slack_app, "C2") == []


@pytest.mark.parametrize("channel", ["C2", "D" + BOTH_CTO])
def test_a_time_entry_button_in_its_own_channel_or_a_dm_still_works(slack_app, two, channel):
    _, beta = two
    entry = entry_of(slack_app, beta)
    slack_app.slack.block_action({"action_id": ids.ACTION_LOGTIME_UNDO, "value": str(entry.id)}, user_id=BOTH_CTO,
                                 channel_id=channel)
    [response] = slack_app.fake.wait_for_response()
    assert "Undone: 2h of review" in response["json"]["text"]
    assert entry_of(slack_app, beta).deleted_at is not None


def logtime_form(engagement: Engagement, meta: dict, *, duration: str = "5h") -> dict:
    values = {
        ids.BLOCK_LOGTIME_ENGAGEMENT: {ids.ACTION_LOGTIME_ENGAGEMENT: {
            "type": "static_select", "selected_option": {"value": str(engagement.id)}}},
        ids.BLOCK_LOGTIME_DATE: {ids.ACTION_LOGTIME_DATE: {"type": "datepicker", "selected_date": WORKED.isoformat()}},
        ids.BLOCK_LOGTIME_DURATION: {ids.ACTION_LOGTIME_DURATION: duration},
        ids.BLOCK_LOGTIME_CATEGORY: {ids.ACTION_LOGTIME_CATEGORY: {"type": "static_select",
                                                                   "selected_option": {"value": "build"}}},
        ids.BLOCK_LOGTIME_NOTE: {ids.ACTION_LOGTIME_NOTE: "crafted"},
    }
    return {"callback_id": ids.VIEW_LOGTIME, "private_metadata": json.dumps(meta), "state": view_state(values),
            "blocks": [{"type": "input", "block_id": block} for block in values]}


def test_the_edit_time_form_cannot_rewrite_betas_entry_under_acme(slack_app, two):
    acme, beta = two
    entry = entry_of(slack_app, beta)
    response = slack_app.slack.view_submission(
        logtime_form(acme, {"channel_id": "C1", "entry_id": entry.id}), user_id=BOTH_CTO)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "stays with its client" in answer["errors"][ids.BLOCK_LOGTIME_ENGAGEMENT]
    slack_app.settle()
    after = entry_of(slack_app, beta)
    assert (after.minutes, after.category, after.note, after.edited_at) == (120, "review", "beta work", None)
    assert entry_of(slack_app, acme).minutes == 60
    assert posted_to(slack_app, "C2") == [] and posted_to(slack_app, "C1") == []


def test_the_log_time_form_does_not_confirm_acmes_hours_in_betas_channel(slack_app, two):
    acme, _ = two
    response = slack_app.slack.view_submission(logtime_form(acme, {"channel_id": "C2", "entry_id": None}),
                                               user_id=ACME_ONLY_CTO)
    assert response.status == 200 and "errors" not in response.text
    slack_app.settle()
    with transaction(slack_app.session_factory) as session:
        logged = session.exec(select(TimeEntry).where(TimeEntry.engagement_id == acme.id,
                                                      TimeEntry.work_date == WORKED)).one()
    assert logged.minutes == 300
    assert posted_to(slack_app, "C2") == []
    [dm] = slack_app.fake.calls_to("chat.postMessage")
    assert dm.args["channel"] == ACME_ONLY_CTO and "5h" in dm.args["text"]
