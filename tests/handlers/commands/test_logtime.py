"""`/logtime` through signed requests: logging, refusals, permissions, DMs, the week, undo, export, the modal."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import TimeEntry
from bot.services import people
from bot.slack import ids
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import FORMULAS, add_formula_records, csv_rows, formula_cells
from tests.helpers.replies import reply_text

NOW = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)  # a Thursday mid-month: the chosen "today" of these tests


@pytest.fixture(autouse=True)
def chosen_day():
    with clock_at(NOW):
        yield


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))


def entries(slack_app, *, live: bool = True) -> list[TimeEntry]:
    with slack_app.session_factory() as session:
        rows = session.exec(select(TimeEntry).order_by(TimeEntry.id)).all()
    return [row for row in rows if row.deleted_at is None] if live else list(rows)


def logtime(slack_app, text: str, **kwargs):  # type: ignore[no-untyped-def]
    return slack_app.slack.command("/logtime", text, **kwargs)


def buttons(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    payload = response.json()
    return {element["text"]["text"]: element["value"] for block in payload["blocks"] if block["type"] == "actions"
            for element in block["elements"]}


def test_inline_entry_is_recorded_and_confirmed_with_undo_and_edit(slack_app, acme):
    response = logtime(slack_app, "1h30m architecture queue design")
    reply = reply_text(response)
    [entry] = entries(slack_app)
    assert (entry.minutes, entry.category, entry.note, entry.user_id) == (90, "architecture", "queue design", "U1")
    assert entry.work_date == NOW.astimezone(ZoneInfo("Europe/London")).date()  # the engagement's day
    assert "Logged 1h 30m of architecture for <@U1>" in reply and "Acme" in reply
    assert "Month to date: *1h 30m* of 20–25 h" in reply
    assert buttons(response) == {"Undo": str(entry.id), "Edit": str(entry.id)}


def test_month_to_date_adds_up_across_entries(slack_app, acme):
    logtime(slack_app, "1h review")
    reply = reply_text(logtime(slack_app, "45m cr PR 142 today"))
    assert "Month to date: *1h 45m* of 20–25 h" in reply
    assert [e.category for e in entries(slack_app)] == ["review", "review"]


@pytest.mark.parametrize(("text", "reason"), [
    ("2 review", "ambiguous"),
    ("0m review", "longer than zero"),
    ("-1h review", "negative"),
    ("13h build", "more than 12 h"),
    ("1h archtecture", "Did you mean `architecture`"),
    ("1h review 2099-01-01", "in the future"),
    ("1h review 2026-02-30", "not a real date"),
    ("lots of review", "can't read `lots`"),
    ("1h", "Name a category"),
])
def test_refusals_say_why_give_an_example_and_record_nothing(slack_app, acme, text, reason):
    reply = reply_text(logtime(slack_app, text))
    assert reason in reply
    assert entries(slack_app, live=False) == []


def test_more_than_24_hours_on_one_day_is_refused(slack_app, acme):
    add_engagement(slack_app.session_factory, name="globex", channel="C2", ctos=("U1",))
    assert "Logged" in reply_text(logtime(slack_app, "12h build 2026-11-02"))
    assert "Logged" in reply_text(logtime(slack_app, "11h build 2026-11-02", channel_id="C2"))
    reply = reply_text(logtime(slack_app, "2h review 2026-11-02"))
    assert "more than 24 h" in reply and "(23h logged already)" in reply
    assert len(entries(slack_app)) == 2


def test_only_the_cto_may_log_time(slack_app, acme):
    reply = reply_text(logtime(slack_app, "1h review", user_id="U2"))
    assert "Only Acme's CTO can log time" in reply
    assert entries(slack_app, live=False) == []


def test_unlinked_channel_explains_setup(slack_app, acme):
    reply = reply_text(logtime(slack_app, "1h review", channel_id="C404"))
    assert "/cto setup" in reply
    assert entries(slack_app, live=False) == []


def test_in_a_dm_the_first_word_names_the_client(slack_app, acme):
    reply = reply_text(logtime(slack_app, "acme 1h review", channel_id="D0U1", channel_name="directmessage"))
    assert "Logged 1h of review" in reply and "Acme" in reply
    assert [e.engagement_id for e in entries(slack_app)] == [acme.id]
    assert "start with the client's name" in reply_text(
        logtime(slack_app, "1h review", channel_id="D0U1", channel_name="directmessage"))
    assert "start with the client's name" in reply_text(
        logtime(slack_app, "initech 1h review", channel_id="D0U1", channel_name="directmessage"))
    assert len(entries(slack_app)) == 1


def test_list_shows_this_weeks_entries_with_delete_buttons(slack_app, acme):
    logtime(slack_app, "1h review")
    logtime(slack_app, "30m standup")
    response = logtime(slack_app, "list")
    reply = reply_text(response)
    assert "this week: 1h 30m" in reply
    deletes = [block["accessory"]["value"] for block in response.json()["blocks"]
               if block.get("accessory", {}).get("action_id") == ids.ACTION_LOGTIME_DELETE]
    assert sorted(deletes) == sorted(str(e.id) for e in entries(slack_app))


def test_undo_removes_the_latest_entry_softly(slack_app, acme):
    logtime(slack_app, "1h review")
    logtime(slack_app, "2h build")
    assert "Removed 2h of build" in reply_text(logtime(slack_app, "undo"))
    assert [e.category for e in entries(slack_app)] == ["review"]
    assert "Removed 1h of review" in reply_text(logtime(slack_app, "undo"))
    assert "nothing in the last 24 hours" in reply_text(logtime(slack_app, "undo"))
    kept = entries(slack_app, live=False)
    assert len(kept) == 2 and all(e.deleted_at is not None and e.deleted_by == "U1" for e in kept)


def test_undo_by_someone_else_is_refused(slack_app, acme):
    logtime(slack_app, "1h review")
    assert "nothing in the last 24 hours" in reply_text(logtime(slack_app, "undo", user_id="U2"))
    assert len(entries(slack_app)) == 1


def test_export_sends_the_month_as_a_harvest_csv_by_dm(slack_app, acme):
    slack_app.fake.add_user("U1", real_name="Ada Lovelace", tz="Europe/London")
    logtime(slack_app, "1h30m architecture queue, design 2026-11-02")
    logtime(slack_app, "20m review 2026-11-03")
    reply = reply_text(logtime(slack_app, "export 2026-11"))
    assert "November 2026" in reply and "direct message" in reply
    slack_app.settle()
    [upload] = slack_app.fake.uploads
    rows = list(csv.reader(io.StringIO(upload["data"].decode())))
    assert rows == [
        ["Date", "Client", "Project", "Task", "Notes", "Hours", "First name", "Last name"],
        ["2026-11-02", "Acme", "Fractional CTO retainer", "architecture", "queue, design", "1.5", "Ada", "Lovelace"],
        ["2026-11-03", "Acme", "Fractional CTO retainer", "review", "", "0.33", "Ada", "Lovelace"],
    ]
    assert upload["filename"] == "acme-hours-2026-11.csv"
    [opened] = slack_app.fake.calls_to("conversations.open")
    assert opened.args["users"] == "U1"


def test_export_writes_formulas_in_notes_as_text(slack_app, acme):
    slack_app.fake.add_user("U1", real_name="=Ada Lovelace", tz="Europe/London")
    add_formula_records(slack_app.session_factory, acme)
    reply_text(logtime(slack_app, "export 2026-11"))
    slack_app.settle()
    [upload] = slack_app.fake.uploads
    rows = csv_rows(upload["data"].decode())
    assert [row[4] for row in rows[1:]] == ["'" + text for text in FORMULAS]
    assert {row[6] for row in rows[1:]} == {"'=Ada"} and {row[5] for row in rows[1:]} == {"0.5"}
    assert formula_cells(rows) == []


def test_export_of_a_bad_month_is_refused(slack_app, acme):
    assert "not a month" in reply_text(logtime(slack_app, "export november"))
    slack_app.settle()
    assert slack_app.fake.uploads == []


def test_export_is_for_the_cto_only(slack_app, acme):
    assert "Only Acme's CTO" in reply_text(logtime(slack_app, "export", user_id="U2"))


def test_help_prints_usage(slack_app, acme):
    reply = reply_text(logtime(slack_app, "help"))
    assert "/logtime 1h30m architecture" in reply and "1:30" in reply


def remember_zone(slack_app, user_id: str, zone: str) -> None:
    """What the app stored of a user's users.info answer earlier."""
    with transaction(slack_app.session_factory) as session:
        people.remember(session, team_id="T_TEST", profiles=[people.Profile(user_id=user_id, display_name="",
                                                                           real_name="", timezone=zone)])


def test_a_london_user_logging_yesterday_just_after_midnight(slack_app, monkeypatch):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",), timezone="America/New_York")
    slack_app.fake.add_user("U1", tz="Europe/London")
    remember_zone(slack_app, "U1", "Europe/London")
    # 00:10 on Saturday 21 Nov in London is still Friday evening in New York.
    monkeypatch.setattr("handlers.clock.utcnow", lambda: datetime(2026, 11, 21, 0, 10, tzinfo=UTC))
    reply_text(logtime(slack_app, "1h review yesterday"))
    reply_text(logtime(slack_app, "1h standup today"))
    assert [e.work_date for e in entries(slack_app)] == [date(2026, 11, 20), date(2026, 11, 21)]
    assert "tomorrow" not in reply_text(logtime(slack_app, "list"))


def test_an_unknown_users_zone_is_stored_in_the_background_and_used_from_then_on(slack_app, monkeypatch):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",), timezone="America/New_York")
    slack_app.fake.add_user("U1", real_name="Ada Lovelace", tz="Europe/London")
    monkeypatch.setattr("handlers.clock.utcnow", lambda: datetime(2026, 11, 21, 0, 10, tzinfo=UTC))
    reply_text(logtime(slack_app, "1h review today"))  # nothing stored yet: the engagement's day (New York)
    slack_app.settle()
    reply_text(logtime(slack_app, "1h standup today"))  # London's
    assert [e.work_date for e in entries(slack_app)] == [date(2026, 11, 20), date(2026, 11, 21)]
    assert len(slack_app.fake.calls_to("users.info")) == 1
    with transaction(slack_app.session_factory) as session:
        [ada] = people.stored(session, team_id="T_TEST", user_ids=["U1"]).values()
        assert (ada.timezone, ada.real_name) == ("Europe/London", "Ada Lovelace")


def test_without_the_users_time_zone_the_engagements_is_used(slack_app, monkeypatch):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",), timezone="America/New_York")
    slack_app.fake.fail("users.info", times=10, status=500)
    monkeypatch.setattr("handlers.clock.utcnow", lambda: datetime(2026, 11, 21, 0, 10, tzinfo=UTC))
    reply_text(logtime(slack_app, "1h review today"))
    assert [e.work_date for e in entries(slack_app)] == [date(2026, 11, 20)]


def test_logtime_alone_opens_the_modal(slack_app, acme):
    response = logtime(slack_app, "", trigger_id="trig-9")
    assert response.status == 200
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"]
    assert call.args["trigger_id"] == "trig-9" and view["callback_id"] == ids.VIEW_LOGTIME
    engagement_block = next(b for b in view["blocks"] if b["block_id"] == ids.BLOCK_LOGTIME_ENGAGEMENT)
    assert engagement_block["element"]["initial_option"]["value"] == str(acme.id)
    assert json.loads(view["private_metadata"])["channel_id"] == "C1"


def test_logtime_alone_by_a_non_cto_is_refused(slack_app, acme):
    assert "Only Acme's CTO" in reply_text(logtime(slack_app, "", user_id="U2"))
    assert slack_app.fake.calls_to("views.open") == []


def modal(engagement_id: int, *, duration: str = "1h30m", category: str = "architecture", day: str | None = None,
          note: str = "event bus", view_id: str = "VLOG1", entry_id: int | None = None) -> dict:
    day = day or (NOW.date() - timedelta(days=1)).isoformat()
    values = {
        ids.BLOCK_LOGTIME_ENGAGEMENT: {ids.ACTION_LOGTIME_ENGAGEMENT: {
            "type": "static_select", "selected_option": {"value": str(engagement_id)}}},
        ids.BLOCK_LOGTIME_DATE: {ids.ACTION_LOGTIME_DATE: {"type": "datepicker", "selected_date": day}},
        ids.BLOCK_LOGTIME_DURATION: {ids.ACTION_LOGTIME_DURATION: {"type": "plain_text_input", "value": duration}},
        ids.BLOCK_LOGTIME_CATEGORY: {ids.ACTION_LOGTIME_CATEGORY: {"type": "static_select",
                                                                   "selected_option": {"value": category}}},
        ids.BLOCK_LOGTIME_NOTE: {ids.ACTION_LOGTIME_NOTE: {"type": "plain_text_input", "value": note}},
    }
    return {"id": view_id, "callback_id": ids.VIEW_LOGTIME,
            "private_metadata": json.dumps({"channel_id": "C1", "entry_id": entry_id}),
            "blocks": [{"type": "input", "block_id": block_id} for block_id in values], "state": {"values": values}}


def test_modal_submission_records_once_and_confirms(slack_app, acme):
    first = slack_app.slack.view_submission(modal(acme.id), user_id="U1")
    again = slack_app.slack.view_submission(modal(acme.id), user_id="U1")  # Slack retried the same view
    assert first.status == again.status == 200
    [entry] = entries(slack_app)
    assert (entry.minutes, entry.category, entry.note, entry.source) == (90, "architecture", "event bus", "modal")
    confirmation = slack_app.fake.wait_for("chat.postEphemeral")[0]
    assert confirmation.args["user"] == "U1" and "1h 30m of architecture" in confirmation.args["text"]


@pytest.mark.parametrize(("change", "block", "reason"), [
    ({"duration": "2"}, ids.BLOCK_LOGTIME_DURATION, "ambiguous"),
    ({"duration": "13h"}, ids.BLOCK_LOGTIME_DURATION, "more than 12 h"),
    ({"day": "2099-01-01"}, ids.BLOCK_LOGTIME_DATE, "future"),
])
def test_modal_errors_are_shown_on_the_field(slack_app, acme, change, block, reason):
    payload = slack_app.slack.view_submission(modal(acme.id, **change), user_id="U1").json()
    assert payload["response_action"] == "errors"
    assert reason in payload["errors"][block]
    assert entries(slack_app, live=False) == []


def test_modal_submission_by_a_non_cto_is_refused(slack_app, acme):
    payload = slack_app.slack.view_submission(modal(acme.id), user_id="U2").json()
    assert payload["response_action"] == "errors"
    assert entries(slack_app, live=False) == []


def test_a_slow_users_info_delays_no_logtime_and_is_asked_once(slack_app, acme):
    slack_app.fake.slow("users.info", 3)  # longer than the 2 s lookup timeout
    for _ in range(3):  # each is answered while the one background look-up waits for Slack
        assert "Logged" in reply_text(logtime(slack_app, "10m review"))
    slack_app.settle()
    assert len(slack_app.fake.calls_to("users.info")) == 1
    assert len(entries(slack_app)) == 3
    slack_app.fake.slow("users.info", 0)
