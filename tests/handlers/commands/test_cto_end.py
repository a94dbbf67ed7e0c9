"""The engagement's end from Slack: `/cto setup` (end date, internal owner, check-ins) and `/cto end`."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.models import Engagement
from bot.slack import ids
from tests.handlers.views.test_engagement_setup import setup_view
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text

LONDON = ZoneInfo("Europe/London")


def the_engagement(slack_app) -> Engagement:
    with slack_app.session_factory() as session:
        return session.exec(select(Engagement)).one()


def with_end_fields(view: dict, *, end: str | None, owner: str | None, cadence: str) -> dict:
    values = view["state"]["values"]
    values[ids.BLOCK_SETUP_END] = {ids.ACTION_SETUP_END: {"type": "datepicker", "selected_date": end}}
    values[ids.BLOCK_SETUP_OWNER] = {ids.ACTION_SETUP_OWNER: {"type": "users_select", "selected_user": owner}}
    values[ids.BLOCK_SETUP_CHECKIN] = {ids.ACTION_SETUP_CHECKIN: {
        "type": "static_select", "selected_option": {"value": cadence}}}
    view["blocks"] = [{"type": "input", "block_id": block_id} for block_id in values]
    return view


def opened_setup(slack_app) -> dict[str, dict]:
    slack_app.slack.command("/cto", "setup", user_id="U1", channel_id="C1", trigger_id="trig-1")
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    return {b["block_id"]: b for b in view["blocks"]}


def test_the_setup_modal_sets_the_end_date_the_internal_owner_and_the_check_ins(slack_app):
    response = slack_app.slack.view_submission(
        with_end_fields(setup_view(), end="2027-01-15", owner="U7", cadence="quarterly"), user_id="U1")
    assert response.status == 200 and response.body in (b"", b"{}")
    acme = the_engagement(slack_app)
    assert (acme.end_date, acme.internal_owner_id, acme.checkin_cadence) == (date(2027, 1, 15), "U7", "quarterly")
    with clock_at(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)):
        reply = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1", user_id="U5"))
    assert "Ends Fri 15 Jan 2027" in reply and "internal owner <@U7>" in reply and "quarterly check-ins" in reply


def test_the_setup_modal_is_prefilled_with_them_within_slacks_limits(slack_app):
    add_engagement(slack_app.session_factory, end_date=date(2027, 1, 15), internal_owner_id="U7",
                   checkin_cadence="monthly")
    blocks = opened_setup(slack_app)  # the strict fake refuses a view real Slack would refuse
    assert blocks[ids.BLOCK_SETUP_END]["element"]["initial_date"] == "2027-01-15"
    assert blocks[ids.BLOCK_SETUP_OWNER]["element"]["initial_user"] == "U7"
    assert blocks[ids.BLOCK_SETUP_CHECKIN]["element"]["initial_option"]["value"] == "monthly"
    assert [o["value"] for o in blocks[ids.BLOCK_SETUP_CHECKIN]["element"]["options"]] == [
        "none", "monthly", "quarterly"]


def test_a_new_engagements_modal_has_no_end_and_no_check_ins(slack_app):
    blocks = opened_setup(slack_app)
    assert "initial_date" not in blocks[ids.BLOCK_SETUP_END]["element"]
    assert blocks[ids.BLOCK_SETUP_END]["optional"] and blocks[ids.BLOCK_SETUP_OWNER]["optional"]
    assert blocks[ids.BLOCK_SETUP_CHECKIN]["element"]["initial_option"]["value"] == "none"


def test_an_end_before_the_start_is_shown_on_its_field_and_nothing_is_recorded(slack_app):
    response = slack_app.slack.view_submission(
        with_end_fields(setup_view(start="2026-09-01"), end="2026-08-31", owner=None, cadence="none"), user_id="U1")
    payload = response.json()
    assert payload["response_action"] == "errors"
    assert "before the start date 2026-09-01" in payload["errors"][ids.BLOCK_SETUP_END]
    with slack_app.session_factory() as session:
        assert session.exec(select(Engagement)).all() == []


def test_a_form_without_the_new_fields_keeps_what_is_set(slack_app):
    add_engagement(slack_app.session_factory, name="acme-corp", end_date=date(2027, 1, 15), internal_owner_id="U7",
                   checkin_cadence="monthly")
    slack_app.slack.view_submission(setup_view(), user_id="U1")  # a form opened before the fields existed
    acme = the_engagement(slack_app)
    assert (acme.end_date, acme.internal_owner_id, acme.checkin_cadence) == (date(2027, 1, 15), "U7", "monthly")


def test_cto_end_alone_gives_thirty_days_notice_in_the_engagements_zone(slack_app):
    add_engagement(slack_app.session_factory, internal_owner_id="U7", checkin_cadence="monthly")
    # 23:30 in London on 1 Dec is already 2 Dec in Tokyo, but the engagement's day is 1 Dec
    with clock_at(datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)):
        response = slack_app.slack.command("/cto", "end", channel_id="C1", user_id="U1")
    reply = reply_text(response)
    assert the_engagement(slack_app).end_date == date(2026, 12, 31)
    assert "ends on *Thu 31 Dec 2026* (30 days' notice)" in reply
    assert "monthly check-ins, the first on Mon 01 Feb 2027" in reply and "<@U7>" in reply
    assert "in_channel" not in response.text  # a plain-text ack: only the caller sees it


def test_cto_end_with_a_date_sets_it_and_none_removes_it(slack_app):
    add_engagement(slack_app.session_factory)
    with clock_at(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)):
        reply = reply_text(slack_app.slack.command("/cto", "end 2027-01-15", channel_id="C1", user_id="U1"))
        assert the_engagement(slack_app).end_date == date(2027, 1, 15) and "Fri 15 Jan 2027" in reply
        reply = reply_text(slack_app.slack.command("/cto", "end none", channel_id="C1", user_id="U1"))
    assert the_engagement(slack_app).end_date is None and "no end date any more" in reply


def test_cto_end_refuses_bad_dates_and_non_ctos_and_changes_nothing(slack_app):
    add_engagement(slack_app.session_factory, end_date=date(2027, 1, 15))
    with clock_at(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)):
        before_start = reply_text(slack_app.slack.command("/cto", "end 2026-08-01", channel_id="C1", user_id="U1"))
        not_a_date = reply_text(slack_app.slack.command("/cto", "end friday", channel_id="C1", user_id="U1"))
        founder = reply_text(slack_app.slack.command("/cto", "end", channel_id="C1", user_id="U5"))
    assert "before the start date 2026-09-01" in before_start
    assert "`friday` is not a date in YYYY-MM-DD form" in not_a_date and "/cto end 2027-01-15" in not_a_date
    assert "Only Acme's CTO can set its end date" in founder
    assert the_engagement(slack_app).end_date == date(2027, 1, 15)


def test_help_explains_cto_end(slack_app):
    reply = reply_text(slack_app.slack.command("/cto", "help"))
    assert "/cto end [YYYY-MM-DD]" in reply and "30 days from today" in reply
