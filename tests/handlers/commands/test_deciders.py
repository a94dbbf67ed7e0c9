"""The engagement's deciders accept and reject; an accepted decision is drafted; ADRs name people, even offline.

Everything goes through signed requests to the real app and the strict fake Slack (users.info included).
"""

from __future__ import annotations

import json
import re
import socket
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from bot.db import transaction
from bot.models import Decision, Engagement, Person
from bot.services import adr
from bot.slack import ids
from tests.cli.test_cli import ctobot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.handlers.views.test_engagement_setup import setup_view
from tests.helpers.factories import add_engagement
from tests.helpers.replies import reply_text

THREAD = (("U2", "Events live in flat files and we lose them on restart. That hurts billing."),
          ("U3", "Options:\n- Postgres\n- Kafka"),
          ("U4", "Kafka is heavy for two services! We would need someone to run it."),
          ("U2", "Postgres it is, then? We already back it up nightly."),
          ("U3", "Fine by me."),
          ("U1", "Agreed: Postgres, one events table, partitioned by month."))
NAMES = {"U1": "Carl Cto", "U2": "Dana Founder", "U3": "Eve Engineer", "U4": "Finn Ops"}


@pytest.fixture
def acme(slack_app):
    for user_id, name in NAMES.items():
        slack_app.fake.add_user(user_id, real_name=name)
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme",
                          founder_user_ids=["U2"], start_date=date(2026, 9, 1))


def stored(slack_app) -> Decision:
    with transaction(slack_app.session_factory) as session:
        return session.exec(select(Decision)).one()


def record(slack_app, *, discuss: bool = False) -> Decision:
    assert "Recorded ADR-0001" in reply_text(slack_app.slack.command("/decision", "Store events durably",
                                                                     user_id="U3"))
    slack_app.settle()
    decision = stored(slack_app)
    if discuss:
        slack_app.fake.add_message("C1", "U9 has joined the channel", user="U9", thread_ts=decision.card_ts,
                                   subtype="channel_join")
        for user, text in THREAD:
            slack_app.fake.add_message("C1", text, user=user, thread_ts=decision.card_ts)
        slack_app.fake.add_message("C1", "Reminder: standup", user="U8", thread_ts=decision.card_ts,
                                   bot_id="B1")
    slack_app.fake.reset()
    return decision


def files(slack_app) -> dict[str, str]:
    with transaction(slack_app.session_factory) as session:
        engagement = session.exec(select(Engagement)).one()
        return adr.adr_files(session, engagement=engagement)


def test_a_founder_accepts_by_default_and_the_card_says_so(slack_app, acme):
    decision = record(slack_app)
    reply = reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    assert "Accepted ADR-0001" in reply
    slack_app.settle()
    after = stored(slack_app)
    assert (after.status, after.decided_by, after.verdict) == ("accepted", "U2", "accepted")
    card = slack_app.fake.thread("C1", decision.card_ts)[0]
    assert "accepted" in json.dumps(card["blocks"]) and "Accepted by <@U2>" in json.dumps(card["blocks"])


def test_someone_who_is_not_a_decider_is_refused_and_nothing_changes(slack_app, acme):
    decision = record(slack_app, discuss=True)
    slack_app.slack.block_action({"action_id": ids.ACTION_DECISION_ACCEPT, "value": str(decision.id)},
                                 user_id="U3", message={"ts": decision.card_ts})
    [told] = slack_app.fake.wait_for_response()
    assert "Only Acme's deciders can accept decisions" in told["json"]["text"]
    assert told["json"]["response_type"] == "ephemeral"
    slack_app.settle()
    after = stored(slack_app)
    assert (after.status, after.decided_by, after.draft_method, after.deciders) == ("proposed", None, None, [])
    assert slack_app.fake.calls_to("chat.update") == [] and slack_app.fake.calls_to("chat.postMessage") == []


def test_accepting_an_undrafted_decision_drafts_it_from_its_whole_thread_in_order(slack_app, acme):
    decision = record(slack_app, discuss=True)
    assert "Accepted ADR-0001" in reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    slack_app.settle()
    after = stored(slack_app)
    assert after.draft_method == "template" and after.draft_text
    lines = [line for line in after.context.split("\n\n") if re.match(r"^[A-Z][a-z]+ [A-Z][a-z]+: ", line)]
    assert [line.split(":")[0] for line in lines] == [NAMES[user] for user, _ in THREAD]  # every speaker, in order
    assert lines[0] == "Dana Founder: Events live in flat files and we lose them on restart."  # first sentence
    assert "U9" not in after.context and "standup" not in after.context  # joins and bots are skipped
    assert after.options.splitlines()[:2] == ["Postgres", "Kafka"]
    assert after.outcome == "Agreed: Postgres, one events table, partitioned by month."
    draft_post = [m for m in slack_app.fake.thread("C1", decision.card_ts) if m.get("bot_id")][-1]
    assert "Dana Founder" in json.dumps(draft_post["blocks"])
    [text] = [t for name, t in files(slack_app).items() if name != adr.INDEX_NAME]
    assert "Not recorded yet" not in text and "Dana Founder: Events live" in text


def test_an_accepted_decision_without_a_thread_still_gets_a_full_draft(slack_app, acme):
    decision = record(slack_app)
    with transaction(slack_app.session_factory) as session:  # as if recorded from the CLI: no channel, no card
        row = session.get(Decision, decision.id)
        row.channel_id = row.card_ts = row.thread_ts = None
        session.add(row)
    reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U1"))
    slack_app.settle()
    assert stored(slack_app).draft_method == "template"
    [text] = [t for name, t in files(slack_app).items() if name != adr.INDEX_NAME]
    assert "Not recorded yet" not in text and "Store events durably" in text.split("## Decision Outcome")[1]


def _tools_read(text: str) -> dict[str, str]:
    """What adr-log, log4brains and adr-viewer read from a file, the way their sources read it."""
    front, _, content = text[4:].partition("\n---")
    content = content[1:] if content.startswith("\n") else content  # gray-matter drops one newline
    html = MarkdownIt().render(text)  # markdown-it without a front-matter plugin, as log4brains renders
    head = html.split("<h2>")[0]
    metadata = dict(re.findall(r"<li>(\w+): ([^<]*)</li>", head.split("<ul>", 1)[1].split("</ul>")[0]))
    status_section = html.split("<h2>Status</h2>", 1)[1]
    return {"adr-log title": content.split("\n")[0][2:], "log4brains status": metadata["Status"],
            "log4brains date": metadata["Date"], "log4brains deciders": metadata["Deciders"],
            "adr-viewer status": re.search(r"<p>([^<]*)</p>", status_section).group(1), "front": front}


def test_the_adr_names_deciders_and_carries_status_and_date_where_the_tools_look(slack_app, acme):
    record(slack_app, discuss=True)
    reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    slack_app.settle()
    with transaction(slack_app.session_factory) as session:
        person = session.exec(select(Person).where(Person.user_id == "U2")).one()
        assert (person.real_name, person.team_id, person.timezone) == ("Dana Founder", "T_TEST", "Europe/London")
        decided = stored(slack_app).decided_at
    [text] = [t for name, t in files(slack_app).items() if name != adr.INDEX_NAME]
    day = decided.astimezone(ZoneInfo("Europe/London")).date().isoformat()  # the engagement's day
    read = _tools_read(text)
    assert "decision-makers: Dana Founder\n" in read["front"] and "U2" not in text
    assert read["adr-log title"] == "Store events durably"
    assert (read["log4brains status"], read["log4brains date"]) == ("accepted", day)
    assert read["log4brains deciders"] == "Dana Founder"
    assert read["adr-viewer status"] == "Accepted"
    assert [h for h in re.findall(r"^## (.*)$", text, re.M)][:3] == [
        "Context and Problem Statement", "Considered Options", "Decision Outcome"]  # MADR 4's order


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_export_names_people_once_their_names_are_stored_even_with_slack_unreachable(
        slack_app, acme, database_url, tmp_path):
    record(slack_app)
    reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    slack_app.settle()
    out = tmp_path / "adr"
    result = ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, DATABASE_URL=database_url,
                    SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=f"http://127.0.0.1:{_closed_port()}/api/")
    assert result.returncode == 0, result.stderr
    [written] = [p for p in out.iterdir() if p.name.startswith("0001-")]
    assert "decision-makers: Dana Founder\n" in written.read_text() and "no name for" not in result.stderr


def test_the_cli_export_asks_slack_once_for_a_name_it_never_stored(slack_app, acme, database_url, tmp_path):
    slack_app.fake.add_user("U7", real_name="Gil Board")
    with transaction(slack_app.session_factory) as session:
        engagement = session.exec(select(Engagement)).one()
        session.add(Decision(engagement_id=engagement.id, number=1, title="Hire a QA", status="accepted",
                             deciders=["U7"], decided_by="U7", verdict="accepted"))
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack_app.fake.url}
    for _ in range(2):
        result = ctobot("export", "adr", "--client", "acme", "--out", str(tmp_path / "adr"), cwd=tmp_path, **env)
        assert result.returncode == 0, result.stderr
    assert "decision-makers: Gil Board\n" in (tmp_path / "adr" / "0001-hire-a-qa.md").read_text()
    assert [c.args["user"] for c in slack_app.fake.calls_to("users.info")] == ["U7"]  # then from the database


def test_deciders_set_in_cto_setup_decide_and_the_modal_shows_them(slack_app, acme):
    view = setup_view(name="Acme", founders=("U2",))
    view["state"]["values"][ids.BLOCK_SETUP_DECIDERS] = {
        ids.ACTION_SETUP_DECIDERS: {"type": "multi_users_select", "selected_users": ["U1", "U4"]}}
    assert slack_app.slack.view_submission(view, user_id="U1").status == 200
    slack_app.settle()
    record(slack_app)
    refused = reply_text(slack_app.slack.command("/decision", "accept 1", user_id="U2"))
    assert "Only Acme's deciders can accept decisions" in refused and stored(slack_app).status == "proposed"
    assert "Rejected ADR-0001" in reply_text(slack_app.slack.command("/decision", "reject 1", user_id="U4"))
    slack_app.settle()
    assert (stored(slack_app).status, stored(slack_app).decided_by) == ("rejected", "U4")
    slack_app.slack.command("/cto", "setup", user_id="U1", trigger_id="T.1")
    slack_app.settle()
    [opened] = slack_app.fake.calls_to("views.open")
    modal = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    [block] = [b for b in modal["blocks"] if b["block_id"] == ids.BLOCK_SETUP_DECIDERS]
    assert block["element"]["initial_users"] == ["U1", "U4"] and block["element"]["max_selected_items"] >= 2


def test_too_many_deciders_are_refused_on_the_field(slack_app, acme):
    view = setup_view(name="Acme", founders=("U2",))
    view["state"]["values"][ids.BLOCK_SETUP_DECIDERS] = {ids.ACTION_SETUP_DECIDERS: {
        "type": "multi_users_select", "selected_users": [f"U{n:03d}" for n in range(21)]}}
    response = slack_app.slack.view_submission(view, user_id="U1")
    errors = json.loads(response.body)["errors"]
    assert "at most 20 deciders" in errors[ids.BLOCK_SETUP_DECIDERS]
    with transaction(slack_app.session_factory) as session:
        assert session.exec(select(Engagement)).one().decider_user_ids == []
