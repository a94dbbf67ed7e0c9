"""The buttons on `/logtime` messages: Undo, Edit and Delete."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.models import TimeEntry
from bot.slack import ids
from tests.handlers.commands.test_logtime import modal
from tests.helpers.factories import add_engagement


@pytest.fixture
def logged(slack_app):
    engagement = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    response = slack_app.slack.command("/logtime", "2h build migration")
    assert response.status == 200
    with slack_app.session_factory() as session:
        entry = session.exec(select(TimeEntry)).one()
    return engagement, entry


def stored(slack_app, entry_id: int) -> TimeEntry:
    with slack_app.session_factory() as session:
        return session.get(TimeEntry, entry_id)


def click(slack_app, action_id: str, value: str, user_id: str = "U1"):  # type: ignore[no-untyped-def]
    return slack_app.slack.block_action({"action_id": action_id, "value": value}, user_id=user_id)


def test_undo_button_deletes_softly_and_rewrites_the_confirmation(slack_app, logged):
    _, entry = logged
    assert click(slack_app, ids.ACTION_LOGTIME_UNDO, str(entry.id)).status == 200
    [response] = slack_app.fake.wait_for_response()
    assert response["json"]["replace_original"] is True and "Undone: 2h of build" in response["json"]["text"]
    assert stored(slack_app, entry.id).deleted_at is not None


def test_undo_by_someone_who_is_not_the_cto_changes_nothing(slack_app, logged):
    _, entry = logged
    click(slack_app, ids.ACTION_LOGTIME_UNDO, str(entry.id), user_id="U2")
    [response] = slack_app.fake.wait_for_response()
    assert "Only Acme's CTO" in response["json"]["text"]
    assert response["json"].get("replace_original") is False
    assert stored(slack_app, entry.id).deleted_at is None


def test_undo_twice_says_the_entry_is_gone(slack_app, logged):
    _, entry = logged
    click(slack_app, ids.ACTION_LOGTIME_UNDO, str(entry.id))
    slack_app.fake.wait_for_response()  # a button acks before its work: the second click comes after the first's
    click(slack_app, ids.ACTION_LOGTIME_UNDO, str(entry.id))
    responses = slack_app.fake.wait_for_response(count=2)
    assert "no longer exists" in responses[1]["json"]["text"]


def test_delete_in_the_list_redraws_the_list_without_it(slack_app, logged):
    _, entry = logged
    slack_app.slack.command("/logtime", "30m standup")
    click(slack_app, ids.ACTION_LOGTIME_DELETE, str(entry.id))
    [response] = slack_app.fake.wait_for_response()
    listed = json.dumps(response["json"]["blocks"])
    assert "standup" in listed and "build" not in listed
    assert stored(slack_app, entry.id).deleted_at is not None


def test_edit_opens_the_prefilled_modal_and_saving_updates_the_entry(slack_app, logged):
    engagement, entry = logged
    click(slack_app, ids.ACTION_LOGTIME_EDIT, str(entry.id))
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks[ids.BLOCK_LOGTIME_DURATION]["element"]["initial_value"] == "2h"
    assert blocks[ids.BLOCK_LOGTIME_CATEGORY]["element"]["initial_option"]["value"] == "build"
    assert json.loads(view["private_metadata"])["entry_id"] == entry.id

    edited = modal(engagement.id, duration="1h45m", category="review", day=entry.work_date.isoformat(),
                   note="migration review", entry_id=entry.id)
    assert slack_app.slack.view_submission(edited, user_id="U1").status == 200
    after = stored(slack_app, entry.id)
    assert (after.minutes, after.category, after.note) == (105, "review", "migration review")
    assert after.edited_at is not None
    with slack_app.session_factory() as session:
        assert len(session.exec(select(TimeEntry)).all()) == 1
