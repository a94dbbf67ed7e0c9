"""Submitting the `/cto setup` modal creates or updates the engagement, or shows errors on the fields."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.models import ChannelLink, Engagement
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text


def setup_view(*, name: str = "Acme Corp", tier: str = "active", hours: str | None = None,
               start: str = "2026-09-01", tz: str = "Europe/London", day: str = "fri", at: str = "16:00",
               ctos: tuple[str, ...] = ("U1",), founders: tuple[str, ...] = ("U5",),
               options: tuple[str, ...] = (ids.OPTION_PRIMARY_CHANNEL,), channel: str = "C1") -> dict[str, Any]:
    """A submitted setup modal, in the shape Slack sends."""
    values = {
        ids.BLOCK_SETUP_NAME: {ids.ACTION_SETUP_NAME: {"type": "plain_text_input", "value": name}},
        ids.BLOCK_SETUP_TIER: {ids.ACTION_SETUP_TIER: {"type": "static_select",
                                                       "selected_option": {"value": tier}}},
        ids.BLOCK_SETUP_HOURS: {ids.ACTION_SETUP_HOURS: {"type": "plain_text_input", "value": hours}},
        ids.BLOCK_SETUP_START: {ids.ACTION_SETUP_START: {"type": "datepicker", "selected_date": start}},
        ids.BLOCK_SETUP_TIMEZONE: {ids.ACTION_SETUP_TIMEZONE: {"type": "plain_text_input", "value": tz}},
        ids.BLOCK_SETUP_DIGEST_DAY: {ids.ACTION_SETUP_DIGEST_DAY: {"type": "static_select",
                                                                   "selected_option": {"value": day}}},
        ids.BLOCK_SETUP_DIGEST_TIME: {ids.ACTION_SETUP_DIGEST_TIME: {"type": "timepicker", "selected_time": at}},
        ids.BLOCK_SETUP_CTOS: {ids.ACTION_SETUP_CTOS: {"type": "multi_users_select", "selected_users": list(ctos)}},
        ids.BLOCK_SETUP_FOUNDERS: {ids.ACTION_SETUP_FOUNDERS: {"type": "multi_users_select",
                                                               "selected_users": list(founders)}},
        ids.BLOCK_SETUP_OPTIONS: {ids.ACTION_SETUP_OPTIONS: {"type": "checkboxes", "selected_options": [
            {"value": option} for option in options]}},
    }
    return {
        "id": "V123", "type": "modal", "callback_id": ids.VIEW_ENGAGEMENT_SETUP,
        "private_metadata": json.dumps({"channel_id": channel, "team_id": "T_TEST"}),
        "blocks": [{"type": "input", "block_id": block_id} for block_id in values],
        "state": {"values": values},
    }


def engagements_in(slack_app) -> list[Engagement]:
    with slack_app.session_factory() as session:
        return list(session.exec(select(Engagement)).all())


def test_submission_creates_the_engagement_and_links_the_channel(slack_app):
    response = slack_app.slack.view_submission(setup_view(options=(ids.OPTION_PRIMARY_CHANNEL,
                                                                   ids.OPTION_LLM_CONSENT)), user_id="U1")
    assert response.status == 200 and response.body in (b"", b"{}")
    [engagement] = engagements_in(slack_app)
    assert (engagement.name, engagement.display_name, engagement.team_id) == ("acme-corp", "Acme Corp", "T_TEST")
    assert (engagement.hours_min, engagement.hours_max) == (20, 25)
    assert engagement.cto_user_ids == ["U1"] and engagement.founder_user_ids == ["U5"]
    assert engagement.llm_consent is True
    with slack_app.session_factory() as session:
        link = session.exec(select(ChannelLink)).one()
    assert (link.channel_id, link.is_primary, link.linked_by) == ("C1", True, "U1")
    [post] = slack_app.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C1" and "Acme Corp" in post.args["text"]


def test_then_status_shows_it(slack_app):
    slack_app.slack.view_submission(setup_view(tier="full"), user_id="U1")
    reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1", user_id="U5"))
    assert "Acme Corp" in reply and "35–40 h" in reply


def test_bad_time_zone_is_shown_on_its_field_and_nothing_is_recorded(slack_app):
    response = slack_app.slack.view_submission(setup_view(tz="Mars/Olympus"), user_id="U1")
    assert response.status == 200
    payload = response.json()
    assert payload["response_action"] == "errors"
    assert "Mars/Olympus" in payload["errors"][ids.BLOCK_SETUP_TIMEZONE]
    assert engagements_in(slack_app) == []
    assert slack_app.fake.calls_to("chat.postMessage") == []


def test_custom_tier_without_hours_is_shown_on_the_hours_field(slack_app):
    payload = slack_app.slack.view_submission(setup_view(tier="custom"), user_id="U1").json()
    assert list(payload["errors"]) == [ids.BLOCK_SETUP_HOURS]
    payload = slack_app.slack.view_submission(setup_view(tier="custom", hours="30 to 20"), user_id="U1").json()
    assert list(payload["errors"]) == [ids.BLOCK_SETUP_HOURS]
    assert engagements_in(slack_app) == []


def test_submitter_must_remain_a_cto(slack_app):
    payload = slack_app.slack.view_submission(setup_view(ctos=("U2",)), user_id="U1").json()
    assert ids.BLOCK_SETUP_CTOS in payload["errors"]


def test_someone_else_cannot_rewrite_an_engagement(slack_app):
    add_engagement(slack_app.session_factory, name="acme-corp", channel="C1", ctos=("U1",))
    payload = slack_app.slack.view_submission(setup_view(tier="full", ctos=("U2",)), user_id="U2").json()
    assert payload["response_action"] == "errors"
    assert "CTO" in json.dumps(payload["errors"])
    [engagement] = engagements_in(slack_app)
    assert engagement.tier == "active" and engagement.cto_user_ids == ["U1"]


def test_resubmitting_updates_rather_than_duplicates(slack_app):
    slack_app.slack.view_submission(setup_view(), user_id="U1")
    slack_app.slack.view_submission(setup_view(tier="advisory", day="mon", at="09:30"), user_id="U1")
    [engagement] = engagements_in(slack_app)
    assert engagement.tier == "advisory" and engagement.digest_weekday == "mon"
    assert engagement.digest_time.strftime("%H:%M") == "09:30"
