"""`ctobot export hours`: Harvest's CSV with names from Slack, and the JSON audit trail."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.db import transaction
from bot.services import timelog
from bot.services.logtime_parser import LogtimeRequest
from tests.cli.test_cli import ctobot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import FORMULAS, add_formula_records, csv_rows, formula_cells


def seed(session_factory) -> None:
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme Ltd")
    today = date(2026, 11, 30)
    with transaction(session_factory) as session:
        for minutes, category, day, note in ((90, "architecture", 2, "queue, design"), (20, "review", 3, ""),
                                             (60, "build", 4, "spike"), (45, "hiring", 1, "October? no")):
            month = 11 if day != 1 else 10
            timelog.log_time(session, engagement=acme, user_id="U1", today=today, request=LogtimeRequest(
                minutes=minutes, category=category, work_date=date(2026, month, day if day != 1 else 31), note=note))
    with transaction(session_factory) as session:
        spike = [e for e in timelog.entries_between(session, engagement_id=acme.id, start=date(2026, 11, 1),
                                                    end=date(2026, 11, 30)) if e.note == "spike"][0]
        timelog.delete_entry(session, entry_id=spike.id, user_id="U1")


def test_csv_has_harvest_columns_and_slack_names(tmp_path, fake_slack, database_url, session_factory):
    seed(session_factory)
    fake_slack.add_user("U1", real_name="Ada Lovelace")
    out = tmp_path / "hours.csv"
    result = ctobot("export", "hours", "--client", "acme", "--month", "2026-11", "--out", str(out), cwd=tmp_path,
                    DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.url)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (
        b"Date,Client,Project,Task,Notes,Hours,First name,Last name\r\n"
        b'2026-11-02,Acme Ltd,Fractional CTO retainer,architecture,"queue, design",1.5,Ada,Lovelace\r\n'
        b"2026-11-03,Acme Ltd,Fractional CTO retainer,review,,0.33,Ada,Lovelace\r\n")


def test_without_slack_the_csv_falls_back_to_user_ids_and_says_so(tmp_path, database_url, session_factory):
    seed(session_factory)
    out = tmp_path / "hours.csv"
    result = ctobot("export", "hours", "--client", "acme", "--month", "2026-11", "--out", str(out), cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "no name for U1" in result.stderr
    assert out.read_bytes().splitlines()[1].endswith(b",1.5,U1,")


def test_json_is_the_audit_trail_with_deleted_entries(tmp_path, database_url, session_factory):
    seed(session_factory)
    result = ctobot("export", "hours", "--client", "acme", "--month", "2026-11", "--format", "json", cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["work_date"], r["minutes"], r["category"]) for r in records] == [
        ("2026-11-02", 90, "architecture"), ("2026-11-03", 20, "review"), ("2026-11-04", 60, "build")]
    assert records[2]["deleted_at"] is not None and records[2]["deleted_by"] == "U1"
    assert records[0]["deleted_at"] is None and records[0]["mode"] == "decide"


def test_bad_requests_exit_2_with_a_message(tmp_path, database_url, session_factory):
    seed(session_factory)
    unknown = ctobot("export", "hours", "--client", "initech", cwd=tmp_path, DATABASE_URL=database_url)
    assert unknown.returncode == 2 and "No client called `initech`" in unknown.stderr and unknown.stdout == ""
    month = ctobot("export", "hours", "--client", "acme", "--month", "2026-13", cwd=tmp_path,
                   DATABASE_URL=database_url)
    assert month.returncode == 2 and "YYYY-MM" in month.stderr
    kind = ctobot("export", "invoices", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    assert kind.returncode == 2 and "invalid choice: 'invoices'" in kind.stderr
    csv_pack = ctobot("export", "handover", "--client", "acme", "--format", "csv", cwd=tmp_path,
                      DATABASE_URL=database_url)
    assert csv_pack.returncode == 2 and "Markdown" in csv_pack.stderr


def test_handover_export_writes_the_markdown_pack(tmp_path, database_url, session_factory):
    seed(session_factory)
    out = tmp_path / "handover.md"
    result = ctobot("export", "handover", "--client", "acme", "--out", str(out), cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Acme Ltd — handover pack")
    assert "| 2026-10 | 0.75 | 20–25 h (under) | hiring 45m |" in text
    assert "| 2026-11 | 1.83 | 20–25 h (under) | architecture 1h 30m, review 20m |" in text  # no deleted spike
    assert "No decisions recorded." in text and "## Still open" in text


def test_questions_and_reviews_export_as_json_and_csv(tmp_path, database_url, session_factory):
    from bot.services import capture
    from bot.services.capture import SlackMessage

    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(session_factory) as session:
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts="1795168800.000100", user_id="U2",
            text="Should we use Kafka? https://github.com/acme/api/pull/142"))
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts="1795172400.000200", user_id="U1", text="No.", thread_ts="1795168800.000100"))
    questions = ctobot("export", "questions", "--client", "acme", "--format", "json", cwd=tmp_path,
                       DATABASE_URL=database_url)
    assert questions.returncode == 0, questions.stderr
    [question] = json.loads(questions.stdout)
    assert question["status"] == "answered" and question["asked_at"].startswith("2026-11-20T10:00:00")
    assert question["first_response_at"].startswith("2026-11-20T11:00:00") and question["first_response_by"] == "U1"
    reviews = ctobot("export", "reviews", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    assert reviews.returncode == 0, reviews.stderr
    header, row = reviews.stdout.splitlines()
    assert header.startswith("id,engagement,channel,message_ts,requester,url,note,status")
    assert "https://github.com/acme/api/pull/142" in row and ",requested," in row


def test_risks_export(tmp_path, database_url, session_factory):
    from bot.services import risks

    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(session_factory) as session:
        risks.add_risk(session, engagement=acme, title="No backups tested", severity="high", user_id="U2")
    result = ctobot("export", "risks", "--client", "acme", "--format", "json", cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    [risk] = json.loads(result.stdout)
    assert (risk["number"], risk["title"], risk["severity"], risk["status"]) == (1, "No backups tested", "high", "open")


@pytest.mark.parametrize(("kind", "columns"), [
    ("hours", ("Notes",)), ("questions", ("text",)), ("reviews", ("note",)),
    ("risks", ("title", "mitigation", "owner")), ("decisions", ("title",)),
    ("findings", ("title", "rationale")), ("vendors", ("title", "contract_terms", "escalation_theirs")),
    ("roadmap", ("title", "commercial_target")), ("systems", ("title", "when_it_breaks")),
])
def test_every_csv_export_writes_formulas_as_text(tmp_path, database_url, session_factory, kind, columns):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="@Acme")
    add_formula_records(session_factory, acme)
    out = tmp_path / f"{kind}.csv"
    result = ctobot("export", kind, "--client", "acme", "--month", "2026-11", "--format", "csv", "--out", str(out),
                    cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    rows = csv_rows(out.read_bytes().decode("utf-8"))
    for name in columns:
        index = rows[0].index(name)
        assert [row[index] for row in rows[1:]] == ["'" + text for text in FORMULAS], name
    assert formula_cells(rows) == []


def test_register_exports_carry_each_kinds_fields(tmp_path, database_url, session_factory):
    from bot.services import registers
    from bot.services.register_kinds import FINDING, ROADMAP, SYSTEM, VENDOR

    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(session_factory) as session:
        registers.add_entry(session, FINDING, engagement=acme, user_id="U2", title="Deploys are manual",
                            values={"priority": "high", "effort": "small"})
        registers.set_status(session, FINDING, engagement=acme, number=1, status="deprioritized", user_id="U1",
                             values={"rationale": "the team deploys weekly; not worth it yet"})
        registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title="Datadog",
                            values={"renewal_date": "2027-03-01", "notice_days": "30", "cost": "$1,200 a month"})
        registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title="Self-serve onboarding",
                            values={"quarter": "2027-q2", "commercial_target": "30 % fewer sales demos"})
        registers.add_entry(session, SYSTEM, engagement=acme, user_id="U1", title="Billing reconciliation",
                            values={"when_it_breaks": "rerun the job; page Dana"})

    def export(kind: str) -> list[dict]:
        result = ctobot("export", kind, "--client", "acme", "--format", "json", cwd=tmp_path,
                        DATABASE_URL=database_url)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    [finding] = export("findings")
    assert (finding["priority"], finding["effort"], finding["status"], finding["rationale"]) == (
        "high", "small", "deprioritized", "the team deploys weekly; not worth it yet")
    assert finding["closed_at"] and finding["status_changed_at"] == finding["closed_at"]
    [vendor] = export("vendors")
    assert (vendor["renewal_date"], vendor["notice_days"], vendor["notice_deadline"], vendor["cost"]) == (
        "2027-03-01", 30, "2027-01-30", "$1,200 a month")
    [item] = export("roadmap")
    assert (item["quarter"], item["commercial_target"], item["status"]) == ("2027-Q2", "30 % fewer sales demos",
                                                                           "planned")
    [system] = export("systems")
    assert (system["when_it_breaks"], system["status"]) == ("rerun the job; page Dana", "live")
    header = ctobot("export", "vendors", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    assert header.stdout.splitlines()[0] == ("number,engagement,title,purpose,contract_terms,cost,renewal_date,"
                                             "notice_days,escalation_theirs,escalation_ours,notice_deadline,owner,"
                                             "status,opened_by,opened_at,closed_at,close_note,status_changed_at,"
                                             "updated_at")


def test_the_risk_export_keeps_its_field_names(tmp_path, database_url, session_factory):
    from bot.services import risks

    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",))
    with transaction(session_factory) as session:
        risks.add_risk(session, engagement=acme, title="No backups tested", severity="high", user_id="U2")
    result = ctobot("export", "risks", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    assert result.stdout.splitlines()[0].startswith(
        "number,engagement,title,severity,mitigation,owner,status,opened_by,opened_at,closed_at,close_note")


def test_the_handover_names_people_slack_was_never_asked_about_and_then_works_without_slack(
        tmp_path, fake_slack, database_url, session_factory):
    add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme Ltd",
                   internal_owner_id="U7")
    fake_slack.add_user("U1", real_name="Ada Lovelace")
    fake_slack.add_user("U7", real_name="Dana Scully")
    out = tmp_path / "handover.md"
    slack = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url}
    first = ctobot("export", "handover", "--client", "acme", "--out", str(out), cwd=tmp_path,
                   DATABASE_URL=database_url, **slack)
    assert first.returncode == 0, first.stderr
    text = out.read_text(encoding="utf-8")
    assert "Dana Scully" in text and "Ada Lovelace" in text and "U7" not in text
    asked = sorted(call.args["user"] for call in fake_slack.calls_to("users.info"))
    assert asked == ["U1", "U7"]
    again = ctobot("export", "handover", "--client", "acme", "--out", str(out), cwd=tmp_path,
                   DATABASE_URL=database_url)  # no Slack at all now: the stored names serve
    assert again.returncode == 0, again.stderr
    assert "Dana Scully" in out.read_text(encoding="utf-8") and len(fake_slack.calls_to("users.info")) == 2
