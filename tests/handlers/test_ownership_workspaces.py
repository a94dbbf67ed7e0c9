"""Time entries named from another workspace (OAuth installs; the same CTO user id in both, as Slack allows for
an Enterprise Grid or a shared user): a button, the Edit time form or `/logtime undo` in a DM of one workspace
never touches the other workspace's hours."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import TimeEntry
from bot.services import engagements
from bot.slack import ids
from tests.handlers.test_ownership import logtime_form
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.reliability.test_workspace_isolation import sender
from tests.scenarios.test_oauth import CLIENT_ID, CLIENT_SECRET, install


@pytest.fixture
def app_settings_overrides():
    return {"slack_bot_token": None, "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}


@pytest.fixture
def hours(slack_app):
    """Acme (T_ACME) and Globex (T_GLOBEX), both in a channel C1 with CTO U1; Acme's 2h, then Globex's 1h."""
    for team_id, name, text in (("T_ACME", "acme", "2h review acme-only"), ("T_GLOBEX", "globex", "1h build")):
        install(slack_app, team_id=team_id, team_name=name.title())
        add_engagement(slack_app.session_factory, name=name, channel="C1", team=team_id, ctos=("U1",))
        assert "Logged" in reply_text(sender(slack_app, team_id).command("/logtime", text, channel_id="C1"))
    slack_app.settle()
    slack_app.fake.reset()
    with transaction(slack_app.session_factory) as session:
        acme = engagements.get_by_name(session, name="acme", team_id="T_ACME")
        globex = engagements.get_by_name(session, name="globex", team_id="T_GLOBEX")
        entry = session.exec(select(TimeEntry).where(TimeEntry.engagement_id == acme.id)).one()
    return acme, globex, entry


def acme_entry(slack_app, entry_id: int) -> TimeEntry:
    with transaction(slack_app.session_factory) as session:
        return session.get(TimeEntry, entry_id)


@pytest.mark.parametrize("channel", ["C1", "DU1"])
@pytest.mark.parametrize("action_id", [ids.ACTION_LOGTIME_UNDO, ids.ACTION_LOGTIME_DELETE, ids.ACTION_LOGTIME_EDIT])
def test_a_time_entry_button_from_another_workspace_does_nothing(slack_app, hours, action_id, channel):
    _, _, entry = hours
    response = sender(slack_app, "T_GLOBEX").block_action({"action_id": action_id, "value": str(entry.id)},
                                                          user_id="U1", channel_id=channel)
    assert response.status == 200
    [told] = slack_app.fake.wait_for_response()
    assert "no longer exists among this" in told["json"]["text"] and "Acme" not in told["json"]["text"]
    after = acme_entry(slack_app, entry.id)
    assert (after.deleted_at, after.minutes, after.edited_at) == (None, 120, None)
    assert slack_app.fake.calls_to("views.open") == []


def test_the_edit_time_form_from_another_workspace_does_not_rewrite_the_entry(slack_app, hours):
    _, globex, entry = hours
    response = sender(slack_app, "T_GLOBEX").view_submission(
        logtime_form(globex, {"channel_id": "C1", "entry_id": entry.id}), user_id="U1")
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "no longer exists among this workspace's records" in json.dumps(answer["errors"])
    after = acme_entry(slack_app, entry.id)
    assert (after.minutes, after.category, after.note, after.edited_at) == (120, "review", "acme-only", None)


def test_logtime_undo_in_a_dm_undoes_only_this_workspaces_last_entry(slack_app, hours):
    _, globex, entry = hours
    with transaction(slack_app.session_factory) as session:  # Acme's entry is the newest of U1's two
        acme_row = session.get(TimeEntry, entry.id)
        globex_row = session.exec(select(TimeEntry).where(TimeEntry.engagement_id == globex.id)).one()
        acme_row.created_at = globex_row.created_at + timedelta(seconds=5)
        session.add(acme_row)
    reply = reply_text(sender(slack_app, "T_GLOBEX").command("/logtime", "undo", channel_id="DU1",
                                                              channel_name="directmessage"))
    assert "from Globex" in reply
    assert acme_entry(slack_app, entry.id).deleted_at is None
    with transaction(slack_app.session_factory) as session:
        assert session.exec(select(TimeEntry).where(TimeEntry.engagement_id == globex.id)).one().deleted_at


@pytest.fixture
def app_over_http() -> bool:
    """OAuth installs go through the browser's GET of /slack/install: the socket is needed."""
    return True
