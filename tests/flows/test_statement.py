"""The monthly statement: last month's hours by category against the band, with the Harvest CSV, posted once."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.background import Background
from bot.db import transaction
from bot.deps import Deps
from bot.flows.scheduled_posts import post_due
from bot.models import Engagement
from bot.services import schedule, statement, timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.slack.statement_blocks import statement_message
from tests.conftest import make_settings
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import FORMULAS, add_formula_records, csv_rows, formula_cells

LONDON = ZoneInfo("Europe/London")
FIRST_BUSINESS_DAY = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)  # Sunday the 1st is not one
GRACE_END = datetime(2026, 11, 4, 9, 0, tzinfo=LONDON)  # two business days later: unclosed, it goes out by itself


@pytest.fixture
def deps(session_factory, engine, database_url, fake_slack):
    fake_slack.add_user("U1", real_name="Ada Lovelace")
    deps = Deps(settings=make_settings(database_url, fake_slack.url), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    yield deps
    deps.background.shutdown(wait=True)


def log(session_factory, engagement, day: date, minutes: int, category: str) -> int:
    with transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id="U1", today=date(2026, 11, 30),
                                request=LogtimeRequest(minutes=minutes, category=category, work_date=day,
                                                       note="work")).entry.id


@pytest.fixture
def acme(session_factory):
    engagement = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))  # active: 20–25 h
    log(session_factory, engagement, date(2026, 10, 5), 600, "review")
    log(session_factory, engagement, date(2026, 10, 12), 300, "build")
    log(session_factory, engagement, date(2026, 10, 20), 120, "hiring")
    deleted = log(session_factory, engagement, date(2026, 10, 21), 180, "audit")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=deleted, user_id="U1")
    log(session_factory, engagement, date(2026, 11, 2), 60, "standup")  # this month: not in October's statement
    return engagement


def statements(fake) -> list[dict]:
    return [m for m in fake.messages("C1") if "statement" in m.get("text", "")]


def test_the_statement_posts_last_months_figures_and_the_csv_once(deps, acme, fake_slack):
    assert post_due(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_BUSINESS_DAY - timedelta(days=1),
                    kinds=("statement",)) == []  # Sunday the 1st: October's slot was a month ago
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=GRACE_END, kinds=("statement",))
    assert result.posted and result.period == "2026-10"
    [message] = statements(fake_slack)
    assert message["text"] == "Acme — statement, October 2026: 17h of 20–25 h, under the band by 3h."
    body = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "*17h* (17 h) of 20–25 h — under the band by 3h. Executor share 29 %." in body
    assert "• review — 10h (decide)\n• build — 5h (execute)\n• hiring — 2h (decide)" in body
    by_category = next(b["text"]["text"] for b in message["blocks"]
                       if b["type"] == "section" and b["text"]["text"].startswith("*By category*"))
    assert "audit" not in body and "standup" not in by_category  # the deleted entry and November's are not in it
    assert "• standup 0 % (typical 9 %)" in body  # the typical week lists its every category
    [upload] = [u for u in fake_slack.uploads if u["completed"]]
    assert upload["filename"] == "acme-hours-2026-10.csv" and upload["thread_ts"] == message["ts"]
    rows = list(csv.reader(io.StringIO(upload["data"].decode())))
    assert rows[0] == ["Date", "Client", "Project", "Task", "Notes", "Hours", "First name", "Last name"]
    assert [(r[0], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("2026-10-05", "review", "10", "Ada", "Lovelace"), ("2026-10-12", "build", "5", "Ada", "Lovelace"),
        ("2026-10-20", "hiring", "2", "Ada", "Lovelace")]
    again = post_due(deps, engagement_id=acme.id, claimed_by="other", now=GRACE_END + timedelta(hours=30),
                     kinds=("statement",))
    assert again == [] and len(statements(fake_slack)) == 1


def test_the_statements_csv_writes_formulas_in_notes_as_text(deps, session_factory, fake_slack):
    globex = add_engagement(session_factory, name="globex", channel="C1", ctos=("U1",), display_name="+Globex")
    add_formula_records(session_factory, globex, month=date(2026, 10, 1))
    [result] = post_due(deps, engagement_id=globex.id, claimed_by="clock", now=GRACE_END, kinds=("statement",))
    assert result.posted
    [upload] = [u for u in fake_slack.uploads if u["completed"]]
    rows = csv_rows(upload["data"].decode())
    assert [row[4] for row in rows[1:]] == ["'" + text for text in FORMULAS]
    assert {row[1] for row in rows[1:]} == {"'+Globex"} and {row[5] for row in rows[1:]} == {"0.5"}
    assert formula_cells(rows) == []


def test_a_csv_upload_failure_leaves_the_statement_posted(deps, acme, fake_slack):
    fake_slack.fail("files.completeUploadExternal", times=5)
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=GRACE_END, kinds=("statement",))
    assert result.posted and len(statements(fake_slack)) == 1


def test_over_the_band_and_no_statement_before_the_engagement_began(deps, session_factory, fake_slack):
    late = add_engagement(session_factory, name="late", channel="C1", start_date=date(2026, 11, 2))
    assert post_due(deps, engagement_id=late.id, claimed_by="clock", now=GRACE_END, kinds=("statement",)) == []
    busy = add_engagement(session_factory, name="busy", channel="C2", start_date=date(2026, 9, 1))
    for day in range(5, 10):
        log(session_factory, busy, date(2026, 10, day), 330, "architecture")  # 27.5 h of 20–25 h
    with transaction(session_factory) as session:
        built = statement.build_statement(session, engagement=session.get(Engagement, busy.id),
                                          month=date(2026, 10, 1))
        text, _ = statement_message(built)
    assert text == "Busy — statement, October 2026: 27h 30m of 20–25 h, over the band by 2h 30m."


@pytest.mark.parametrize(("now", "first"), [
    (datetime(2026, 8, 3, 9, 0, tzinfo=LONDON), date(2026, 8, 3)),  # 1 Aug is a Saturday
    (datetime(2026, 8, 3, 8, 59, tzinfo=LONDON), date(2026, 7, 1)),  # before business start: July's still
    (datetime(2026, 12, 31, 23, 0, tzinfo=LONDON), date(2026, 12, 1)),
])
def test_the_latest_statement_slot_is_the_first_business_day_at_business_start(session_factory, now, first):
    engagement = add_engagement(session_factory, name="acme", channel="C1")
    slot = schedule.latest_statement_slot(engagement, now=now)
    assert slot.date() == first and (slot.hour, slot.minute) == (9, 0)
