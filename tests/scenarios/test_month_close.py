"""The month close: a draft to the CTO on the first business day, Close and send once, an automatic send at the end of
the grace that says so, and time logged later into a sent month confirmed and then posted once as an amendment."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.flows.month_close import close_and_send, post_amendments
from bot.flows.scheduled_posts import post_due
from bot.models import Engagement, MonthStatement, StatementAmendment, TimeEntry
from bot.services import months, schedule, timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.slack import ids
from tests.cli.test_cli import ctobot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.handlers.commands.test_logtime import modal
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text
from tests.helpers.waiting import eventually

LONDON = ZoneInfo("Europe/London")
FIRST = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)  # Monday: November's first business day (Sunday the 1st is not)
GRACE_END = datetime(2026, 11, 4, 9, 0, tzinfo=LONDON)  # two business days later (Mon and Tue are the CTO's)
LATER = datetime(2026, 11, 5, 11, 0, tzinfo=LONDON)
OCTOBER = date(2026, 10, 1)
OCTOBER_MINUTES = [600, 300, 140]  # 17h 20m; 140 minutes is no whole hundredth of an hour


def log(session_factory, engagement, day: date, minutes: int, category: str = "review") -> int:
    with clock_at(datetime.combine(day, time(18), tzinfo=LONDON)), transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id="U1", today=day,
                                request=LogtimeRequest(minutes=minutes, category=category, work_date=day,
                                                       note="work")).entry.id


@pytest.fixture
def acme(slack_app):
    slack_app.fake.add_user("U1", real_name="Ada Lovelace")
    engagement = add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))  # 20–25 h
    for day, minutes in zip((5, 12, 20), OCTOBER_MINUTES, strict=True):
        log(slack_app.session_factory, engagement, date(2026, 10, day), minutes)
    return engagement


def deps(slack_app):
    return slack_app.runtime.deps


def statements(fake) -> list[dict]:
    return [m for m in fake.messages("C1") if "— statement," in m.get("text", "")
            and m.get("thread_ts") in (None, m["ts"])]


def month_row(slack_app, engagement_id: int, month: date = OCTOBER) -> MonthStatement:
    with slack_app.session_factory() as session:
        return months.find(session, engagement_id=engagement_id, month=month)


def posted_amendments(slack_app, count: int = 1) -> list[StatementAmendment]:
    """Wait for `count` amendments to be posted (they go out after Slack's 200) and their CSVs uploaded."""
    eventually(lambda: len([r for r in amendment_rows(slack_app) if r.posted_at]) >= count and len(
        [u for u in slack_app.fake.uploads if u.get("completed") and "amendment" in u["filename"]]) >= count)
    slack_app.settle()
    return amendment_rows(slack_app)


def amendment_rows(slack_app) -> list[StatementAmendment]:
    with slack_app.session_factory() as session:
        return list(session.exec(select(StatementAmendment).order_by(StatementAmendment.number)).all())


def live_minutes(slack_app, month: date = OCTOBER) -> list[int]:
    with slack_app.session_factory() as session:
        rows = session.exec(select(TimeEntry).where(TimeEntry.deleted_at.is_(None))).all()
    return [row.minutes for row in rows if (row.work_date.year, row.work_date.month) == (month.year, month.month)]


def hours_oracle(minutes: list[int]) -> Decimal:
    """The month's total in hundredths of an hour, from the raw minutes (not through the app's formatter)."""
    return (Decimal(sum(minutes)) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def csv_hours(upload: dict) -> Decimal:
    rows = list(csv.DictReader(io.StringIO(upload["data"].decode())))
    return sum((Decimal(row["Hours"]) for row in rows), Decimal(0))


def draft_button(fake) -> dict:
    [dm] = [m for m in fake.messages("DU1") if m.get("text", "").startswith("Draft:")]
    [button] = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return button


def send_draft_and_close(slack_app, at: datetime) -> dict:
    """The draft on the first business day, then the CTO's click: returns the posted statement."""
    with clock_at(at):
        post_due(deps(slack_app), engagement_id=slack_app.acme_id, claimed_by="clock", now=at, kinds=("statement",))
        button = draft_button(slack_app.fake)
        assert slack_app.slack.block_action({"action_id": button["action_id"], "value": button["value"]},
                                            user_id="U1", channel_id="DU1").status == 200
        eventually(lambda: statements(slack_app.fake) and [u for u in slack_app.fake.uploads if u.get("completed")])
        slack_app.settle()
    [statement] = statements(slack_app.fake)
    return statement


@pytest.fixture
def closed(slack_app, acme):
    slack_app.acme_id = acme.id
    return send_draft_and_close(slack_app, FIRST + timedelta(minutes=30))


def test_the_first_business_day_brings_the_cto_a_draft_with_a_close_button(slack_app, acme):
    assert post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=FIRST - timedelta(minutes=1),
                    kinds=("statement",)) == []  # before business start, October's month is not due yet
    with clock_at(FIRST):
        [result] = post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=FIRST,
                            kinds=("statement",))
    assert result.posted and result.kind == "statement-draft"
    [dm] = slack_app.fake.messages("DU1")
    assert dm["blocks"][0]["text"]["text"] == "DRAFT — Acme — statement, October 2026"
    body = json.dumps(dm["blocks"], ensure_ascii=False)
    assert "*17h 20m* (17.33 h) of 20–25 h — under the band by 2h 40m." in body
    assert "Wed 04 Nov at 09:00" in body  # when it goes out by itself
    button = draft_button(slack_app.fake)
    assert (button["action_id"], button["text"]["text"]) == (ids.ACTION_STATEMENT_CLOSE, "Close and send")
    assert statements(slack_app.fake) == []  # nothing reached the founders
    assert month_row(slack_app, acme.id).state == "open"
    with clock_at(FIRST + timedelta(hours=3)):
        assert post_due(deps(slack_app), engagement_id=acme.id, claimed_by="other",
                        now=FIRST + timedelta(hours=3), kinds=("statement",)) == []
    assert len(slack_app.fake.messages("DU1")) == 1


def test_close_and_send_posts_the_statement_once_and_a_second_close_is_refused(slack_app, acme):
    slack_app.acme_id = acme.id
    with clock_at(FIRST + timedelta(minutes=5)):
        post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=FIRST, kinds=("statement",))
        button = draft_button(slack_app.fake)
        slack_app.slack.block_action({"action_id": button["action_id"], "value": button["value"]}, user_id="U2",
                                     channel_id="DU2")
        [refused] = slack_app.fake.wait_for_response()
        assert "Only Acme's CTO" in refused["json"]["text"]
        assert statements(slack_app.fake) == []
    statement = send_draft_and_close(slack_app, FIRST + timedelta(minutes=10))
    assert statement["text"] == "Acme — statement, October 2026: 17h 20m of 20–25 h, under the band by 2h 40m."
    assert "automatically" not in json.dumps(statement["blocks"])
    [upload] = [u for u in slack_app.fake.uploads if u.get("completed")]
    assert upload["thread_ts"] == statement["ts"] and csv_hours(upload) == hours_oracle(OCTOBER_MINUTES)
    told = slack_app.fake.wait_for_response(count=2)[-1]["json"]
    assert "Closed October 2026 and sent its statement to <#C1>" in told["text"] and told["replace_original"]
    row = month_row(slack_app, acme.id)
    assert (row.state, row.closed_by, row.sent_automatically, row.minutes_sent) == ("sent", "U1", False, 1040)
    assert (row.floor_minutes, row.top_minutes, row.message_ts, row.channel_id) == (1200, 1500, statement["ts"], "C1")

    with clock_at(FIRST + timedelta(hours=1)):
        slack_app.slack.block_action({"action_id": button["action_id"], "value": button["value"]}, user_id="U1",
                                     channel_id="DU1")
        again = slack_app.fake.wait_for_response(count=3)[-1]["json"]
        by_command = reply_text(slack_app.slack.command("/cto", "close 2026-10"))
        by_default = reply_text(slack_app.slack.command("/cto", "close"))  # last month by default
        slack_app.settle()
    for refusal in (again["text"], by_command, by_default):
        assert "October 2026 statement was already sent" in refusal and "nothing was posted again" in refusal
    assert len(statements(slack_app.fake)) == 1
    assert len([c for c in slack_app.fake.calls_to("chat.postMessage") if c.args["channel"] == "C1"]) == 1
    assert post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=GRACE_END,
                    kinds=("statement",)) == []  # the grace's end finds it sent


def test_cto_close_sends_the_month_from_the_channel(slack_app, acme):
    with clock_at(FIRST + timedelta(hours=2)):
        assert "Closing October 2026 for Acme" in reply_text(slack_app.slack.command("/cto", "close 2026-10"))
        slack_app.settle()
        not_over = reply_text(slack_app.slack.command("/cto", "close 2026-11"))
        not_cto = reply_text(slack_app.slack.command("/cto", "close", user_id="U2"))
    [statement] = statements(slack_app.fake)
    assert month_row(slack_app, acme.id).state == "sent" and month_row(slack_app, acme.id).closed_by == "U1"
    assert "November 2026 is not over yet" in not_over and "Only Acme's CTO" in not_cto
    assert month_row(slack_app, acme.id, date(2026, 11, 1)) is None


def test_an_unclosed_month_goes_out_at_the_end_of_the_grace_and_says_so(slack_app, acme):
    tuesday_evening = datetime(2026, 11, 3, 18, 0, tzinfo=LONDON)
    with clock_at(tuesday_evening):
        [draft] = post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=tuesday_evening,
                           kinds=("statement",))
    assert draft.kind == "statement-draft" and statements(slack_app.fake) == []
    just_before = GRACE_END - timedelta(minutes=1)
    assert post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=just_before,
                    kinds=("statement",)) == []
    with clock_at(GRACE_END):
        [sent] = post_due(deps(slack_app), engagement_id=acme.id, claimed_by="clock", now=GRACE_END,
                          kinds=("statement",))
    assert sent.posted and sent.kind == "statement"
    [statement] = statements(slack_app.fake)
    contexts = [e["text"] for b in statement["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert "Sent automatically after 2 business days; the CTO had not closed the month." in contexts
    row = month_row(slack_app, acme.id)
    assert (row.state, row.sent_automatically, row.closed_by) == ("sent", True, None)
    with clock_at(GRACE_END + timedelta(hours=1)):
        button = draft_button(slack_app.fake)
        slack_app.slack.block_action({"action_id": button["action_id"], "value": button["value"]}, user_id="U1",
                                     channel_id="DU1")
        [refused] = slack_app.fake.wait_for_response()
    assert "already sent" in refused["json"]["text"] and "automatically" in refused["json"]["text"]
    assert len(statements(slack_app.fake)) == 1


@pytest.mark.parametrize(("zone", "month", "grace", "expected"), [
    ("Europe/London", date(2026, 11, 1), 2, datetime(2026, 11, 4, 9, 0)),  # Mon 2 → Wed 4
    ("Europe/London", date(2027, 1, 1), 2, datetime(2027, 1, 5, 9, 0)),  # Fri 1 → (weekend) → Tue 5
    ("Europe/London", date(2026, 11, 1), 0, datetime(2026, 11, 2, 9, 0)),  # no grace: with the draft
    ("America/New_York", date(2026, 12, 1), 1, datetime(2026, 12, 2, 9, 0)),  # Tue 1 → Wed 2
])
def test_the_grace_ends_at_business_start_of_the_graceth_business_day_after_the_first(session_factory, zone, month,
                                                                                      grace, expected):
    engagement = add_engagement(session_factory, name="acme", channel="C1", timezone=zone)
    engagement.statement_grace_days = grace
    draft_slot = datetime.combine(schedule.first_business_day(engagement, month), time(9), tzinfo=ZoneInfo(zone))
    assert schedule.statement_send_slot(engagement, draft_slot) == expected.replace(tzinfo=ZoneInfo(zone))


def test_ctobot_close_sends_once_and_explains_what_it_will_not_do(tmp_path, database_url, session_factory,
                                                                  fake_slack):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    for day, minutes in zip((5, 12, 20), OCTOBER_MINUTES, strict=True):
        log(session_factory, acme, date(2026, 10, day), minutes)
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake_slack.url, "CTOBOT_NOW": "2026-11-03T10:00:00+00:00"}
    first = ctobot("close", "--client", "acme", "--month", "2026-10", cwd=tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "closed 2026-10 and sent the statement of Acme to C1"
    assert len(statements(fake_slack)) == 1
    for args, words in [(("--client", "acme", "--month", "2026-10"), "already sent"),
                        (("--client", "nosuch", "--month", "2026-10"), "No client called `nosuch`"),
                        (("--client", "acme", "--month", "2026-13"), "is not a month"),
                        (("--client", "acme", "--month", "2026-11"), "not over yet"),
                        (("--client", "acme", "--month", "2026-07"), "did not run in July 2026")]:
        refused = ctobot("close", *args, cwd=tmp_path, **env)
        assert refused.returncode == 2 and words in refused.stderr, (args, refused.stderr)
        assert refused.stdout == ""
    assert len(statements(fake_slack)) == 1
    with session_factory() as session:
        row = months.find(session, engagement_id=acme.id, month=OCTOBER)
        assert (row.state, row.closed_by) == ("sent", "cli")


def test_late_time_into_a_sent_month_is_confirmed_then_amended_once(slack_app, acme, closed):
    def as_sent(message: dict) -> str:  # what the founder reads (reply counts change with the thread)
        return json.dumps({key: message.get(key) for key in ("ts", "text", "blocks", "metadata", "edited")},
                          sort_keys=True)

    before = as_sent(closed)
    with clock_at(LATER):
        asked = slack_app.slack.command("/logtime", "1h35m review 2026-10-30 late review")
        assert "October 2026* statement was already sent" in reply_text(asked)
        assert len(live_minutes(slack_app)) == 3  # nothing is logged before the CTO confirms
        [confirm] = [e for b in asked.json()["blocks"] if b["type"] == "actions" for e in b["elements"]
                     if e["action_id"] == ids.ACTION_LOGTIME_CONFIRM_SENT]
        message = {"ts": "1793000000.000100"}
        for _ in range(2):  # a double click logs once
            slack_app.slack.block_action({"action_id": confirm["action_id"], "value": confirm["value"]},
                                         message=message, container={"type": "message", "message_ts": message["ts"],
                                                                     "channel_id": "C1", "is_ephemeral": True})
        posted_amendments(slack_app)
        eventually(lambda: len(slack_app.fake.responses) >= 2)
        slack_app.settle()
    minutes = live_minutes(slack_app)
    assert sorted(minutes) == sorted([*OCTOBER_MINUTES, 95])
    replies = [m for m in slack_app.fake.thread("C1", closed["ts"]) if m["ts"] != closed["ts"]]
    [amendment] = [m for m in replies if "amendment" in m.get("text", "")]
    body = json.dumps(amendment["blocks"], ensure_ascii=False)
    assert "*Amendment 1* to the October 2026 statement: *+1h 35m*" in body
    assert "New total *18h 55m* (18.92 h) of 20–25 h — under the band by 1h 5m." in body
    assert "The last figure sent was 17h 20m." in body
    [csv_upload] = [u for u in slack_app.fake.uploads if u.get("completed") and "amendment" in u["filename"]]
    assert csv_upload["filename"] == "acme-hours-2026-10-amendment-1.csv"
    assert csv_upload["thread_ts"] == closed["ts"] and csv_hours(csv_upload) == hours_oracle(minutes)
    [row] = amendment_rows(slack_app)
    assert (row.number, row.delta_minutes, row.total_minutes, row.message_ts) == (1, 95, 1135, amendment["ts"])
    assert month_row(slack_app, acme.id).state == "amended"
    [statement] = statements(slack_app.fake)
    assert as_sent(statement) == before  # what the founder was sent is as it was
    assert slack_app.fake.calls_to("chat.update") == [] and slack_app.fake.calls_to("chat.delete") == []
    with clock_at(LATER + timedelta(hours=1)):
        assert post_amendments(deps(slack_app), engagement_id=acme.id, month=OCTOBER, claimed_by="again") == []


def test_the_form_asks_for_the_box_then_amends(slack_app, acme, closed):
    with clock_at(LATER):
        view = modal(acme.id, duration="45m", category="review", day="2026-10-29", note="late", view_id="VLATE1")
        answer = slack_app.slack.view_submission(view, user_id="U1").json()
        assert answer["response_action"] == "errors"
        assert "October 2026's statement was already sent" in answer["errors"][ids.BLOCK_LOGTIME_AMEND]
        assert len(live_minutes(slack_app)) == 3
        view["state"]["values"][ids.BLOCK_LOGTIME_AMEND] = {ids.ACTION_LOGTIME_AMEND: {
            "type": "checkboxes", "selected_options": [{"value": ids.OPTION_LOGTIME_AMEND}]}}
        assert slack_app.slack.view_submission(view, user_id="U1").status == 200
        [row] = posted_amendments(slack_app)
    assert (row.delta_minutes, row.total_minutes) == (45, 1085) and row.posted_at is not None


def test_deleting_an_entry_of_a_sent_month_is_an_amendment_too(slack_app, acme, closed):
    with slack_app.session_factory() as session:
        entry = session.exec(select(TimeEntry).where(TimeEntry.minutes == 140)).one()
    with clock_at(LATER):
        slack_app.slack.block_action({"action_id": ids.ACTION_LOGTIME_UNDO, "value": str(entry.id)})
        [row] = posted_amendments(slack_app)
    assert (row.delta_minutes, row.total_minutes) == (-140, 900)
    [amendment] = [m for m in slack_app.fake.thread("C1", closed["ts"]) if "amendment" in m.get("text", "")]
    assert "*-2h 20m*" in json.dumps(amendment["blocks"], ensure_ascii=False)


def test_an_amendment_slack_refused_is_retried_once_and_racing_posters_post_it_once(slack_app, acme, closed):
    d = deps(slack_app)
    log(slack_app.session_factory, acme, date(2026, 10, 30), 30)  # straight into the ledger: no amendment yet
    slack_app.fake.fail("chat.postMessage", body={"ok": False, "error": "ratelimited_elsewhere"}, status=200)
    with clock_at(LATER):
        [failed] = post_amendments(d, engagement_id=acme.id, month=OCTOBER, claimed_by="first")
        assert not failed.posted
        [retried] = post_amendments(d, engagement_id=acme.id, month=OCTOBER, claimed_by="retry")
        assert retried.posted
        assert post_amendments(d, engagement_id=acme.id, month=OCTOBER, claimed_by="third") == []

    log(slack_app.session_factory, acme, date(2026, 10, 31), 20)
    slack_app.fake.slow("chat.postMessage", 0.4)
    outcomes: list = []
    with clock_at(LATER + timedelta(hours=1)):
        posters = [threading.Thread(target=lambda n=n: outcomes.extend(
            post_amendments(d, engagement_id=acme.id, month=OCTOBER, claimed_by=f"process-{n}")))
            for n in range(3)]
        for poster in posters:
            poster.start()
        for poster in posters:
            poster.join(timeout=30)
    assert sum(result.posted for result in outcomes) == 1
    texts = [m["text"] for m in slack_app.fake.thread("C1", closed["ts"]) if "amendment" in m.get("text", "")]
    assert len(texts) == 2 and "amendment 1" in texts[0] and "amendment 2" in texts[1]
    rows = amendment_rows(slack_app)
    assert [(r.number, r.delta_minutes, r.total_minutes) for r in rows] == [(1, 30, 1070), (2, 20, 1090)]
    assert all(r.posted_at is not None for r in rows)


def test_a_close_before_the_month_is_over_is_refused_and_changes_nothing(slack_app, acme):
    from bot.errors import InvalidInput

    with clock_at(datetime(2026, 10, 31, 23, 0, tzinfo=UTC)), pytest.raises(InvalidInput, match="not over yet"):
        close_and_send(deps(slack_app), engagement_id=acme.id, month=OCTOBER, closed_by="U1", claimed_by="t",
                       now=datetime(2026, 10, 31, 22, 0, tzinfo=UTC))
    assert month_row(slack_app, acme.id) is None and statements(slack_app.fake) == []
    with slack_app.session_factory() as session:
        assert session.get(Engagement, acme.id).statement_grace_days == 2
