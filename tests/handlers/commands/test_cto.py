"""`/cto help`, `/cto setup` and `/cto status`, sent signed through the real HTTP stack."""

from __future__ import annotations

import json

import pytest

from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text


@pytest.mark.parametrize("text", ["help", "", "  HELP  "])
def test_help_lists_every_command(slack_app, text):
    reply = reply_text(slack_app.slack.command("/cto", text))
    for command in ids.ALL_COMMANDS:
        assert command in reply
    assert "/cto setup" in reply and "/cto status" in reply


def test_status_in_an_unlinked_channel_explains_setup(slack_app):
    response = slack_app.slack.command("/cto", "status", channel_id="C404")
    reply = reply_text(response)
    assert "isn't linked" in reply and "/cto setup" in reply


def test_status_names_the_client_tier_and_band(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="")
    reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1", user_id="U2"))
    assert "Acme" in reply and "active" in reply and "20–25 h" in reply
    assert "<#C1>" in reply


def test_status_in_another_workspace_sees_nothing(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", team="T_OTHER")
    reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1"))
    assert "Acme" not in reply and "/cto setup" in reply


def test_setup_opens_the_modal(slack_app):
    response = slack_app.slack.command("/cto", "setup", user_id="U1", channel_id="C1", trigger_id="trig-1")
    assert response.status == 200
    [call] = slack_app.fake.wait_for("views.open")
    assert call.args["trigger_id"] == "trig-1"
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    assert view["callback_id"] == ids.VIEW_ENGAGEMENT_SETUP
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1", "team_id": "T_TEST"}
    ctos = next(b for b in view["blocks"] if b["block_id"] == ids.BLOCK_SETUP_CTOS)
    assert ctos["element"]["initial_users"] == ["U1"]


def test_setup_of_a_linked_channel_is_prefilled(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", tier="full")
    slack_app.slack.command("/cto", "setup", user_id="U1", channel_id="C1")
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks[ids.BLOCK_SETUP_NAME]["element"]["initial_value"] == "Acme"
    assert blocks[ids.BLOCK_SETUP_TIER]["element"]["initial_option"]["value"] == "full"


def test_setup_by_someone_who_is_not_the_cto_is_refused(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1")
    reply = reply_text(slack_app.slack.command("/cto", "setup", user_id="U2", channel_id="C1"))
    assert "Only Acme's CTO" in reply
    assert slack_app.fake.calls_to("views.open") == []


@pytest.mark.parametrize("app_settings_overrides", [{"cto_user_ids": ["U1"]}])
def test_cto_user_ids_limit_who_may_set_up_a_new_channel(slack_app):
    reply = reply_text(slack_app.slack.command("/cto", "setup", user_id="U2", channel_id="C9"))
    assert "Only a CTO" in reply
    assert slack_app.fake.calls_to("views.open") == []


def test_setup_in_a_dm_is_refused(slack_app):
    reply = reply_text(slack_app.slack.command("/cto", "setup", channel_id="D123"))
    assert "client channel" in reply


def test_unknown_subcommand_shows_usage(slack_app):
    reply = reply_text(slack_app.slack.command("/cto", "frobnicate"))
    assert "frobnicate" in reply and "/cto status" in reply


def test_views_open_failure_is_reported_to_the_user(slack_app):
    slack_app.fake.fail("views.open", times=5, status=500)
    slack_app.slack.command("/cto", "setup", user_id="U1", channel_id="C1")
    slack_app.settle()
    deadline_responses = slack_app.fake.wait_for_response(timeout=15)
    assert "setup form" in json.dumps(deadline_responses[-1])


def test_digest_preview_is_shown_to_the_caller_only(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1")
    response = slack_app.slack.command("/cto", "digest", user_id="U2")
    reply = reply_text(response)
    assert "Acme — weekly digest" in reply and "*Questions*" in reply
    assert response.json().get("response_type", "ephemeral") == "ephemeral"
    assert slack_app.fake.calls_to("chat.postMessage") == []


def test_handover_sends_the_markdown_pack_to_the_ctos_dm(slack_app):
    from bot.db import transaction
    from bot.services import risks

    acme = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(slack_app.session_factory) as session:
        risks.add_risk(session, engagement=acme, title="Single DBA", severity="high", user_id="U1")
    reply = reply_text(slack_app.slack.command("/cto", "handover", channel_id="C1", user_id="U1"))
    assert "Acme's handover pack" in reply and "DM" in reply
    slack_app.settle()
    [upload] = slack_app.fake.uploads
    text = upload["data"].decode()
    assert text.startswith("# Acme — handover pack") and "| 1 | Single DBA | high | open |" in text
    assert upload["filename"].startswith("acme-handover-") and upload["filename"].endswith(".md")
    [opened] = slack_app.fake.calls_to("conversations.open")
    assert opened.args["users"] == "U1" and upload["channel_id"].startswith("D")


def test_handover_is_for_the_cto_only(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    reply = reply_text(slack_app.slack.command("/cto", "handover", channel_id="C1", user_id="U2"))
    assert "CTO" in reply or "Only" in reply
    slack_app.settle()
    assert slack_app.fake.uploads == []
