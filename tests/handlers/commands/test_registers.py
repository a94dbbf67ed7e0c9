"""`/finding`, `/vendor`, `/roadmap`, `/system` and `/risk edit|changes` through signed requests and the fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.db import transaction
from bot.models import Finding, Risk, Vendor
from bot.services import registers, risks
from bot.services.register_kinds import VENDOR
from bot.slack import ids
from bot.slack.register_blocks import block_id
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.markup import HOSTILE, assert_hostile_text_is_inert, payload_text
from tests.helpers.replies import reply_text
from tests.helpers.slack_requests import view_state


@pytest.fixture
def acme(slack_app):
    slack_app.fake.set_members("C1", ["U1", "U2"])
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          display_name="Acme", start_date=date(2026, 9, 1))


def opened_view(slack_app) -> dict:
    [call] = slack_app.fake.wait_for("views.open")
    view = call.args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def submit(slack_app, view: dict, values: dict, user_id: str = "U1"):
    state = {block_id(name): {name: value} for name, value in values.items()}
    return slack_app.slack.view_submission({"callback_id": view["callback_id"], "blocks": view["blocks"],
                                            "private_metadata": view["private_metadata"],
                                            "state": view_state(state)}, user_id=user_id)


def test_findings_by_priority_done_with_a_note_and_dropped_only_with_a_rationale(slack_app, acme):
    assert "Added finding F1 (high)" in reply_text(slack_app.slack.command("/finding", "add Deploys are manual high",
                                                                           user_id="U2"))
    slack_app.slack.command("/finding", "add No on-call rota low", user_id="U2")
    slack_app.slack.command("/finding", "add Secrets in the repo", user_id="U2")
    listed = reply_text(slack_app.slack.command("/finding", ""))
    assert "3 open findings" in listed and listed.index("F1") < listed.index("F3") < listed.index("F2")
    assert "Only Acme's CTO" in reply_text(slack_app.slack.command("/finding", "done 1", user_id="U2"))
    assert "documented rationale" in reply_text(slack_app.slack.command("/finding", "drop 2"))
    done = reply_text(slack_app.slack.command("/finding", "done 1 pipeline in GitHub Actions"))
    assert "Addressed finding F1" in done and "2 open findings · 1 addressed or deprioritized" in done
    dropped = reply_text(slack_app.slack.command("/finding", "drop F2 one person is enough at this size"))
    assert "Deprioritized finding F2" in dropped
    with slack_app.session_factory() as session:
        stored = {f.number: (f.status, f.close_note, f.rationale) for f in session.exec(select(Finding))}
    assert stored == {1: ("addressed", "pipeline in GitHub Actions", ""),
                      2: ("deprioritized", None, "one person is enough at this size"), 3: ("open", None, "")}


def test_roadmap_items_by_quarter_with_targets_and_statuses(slack_app, acme):
    added = reply_text(slack_app.slack.command("/roadmap", "add 2027-Q2 Usage billing target: +10 % ARPU"))
    assert "Added roadmap item RM1: Usage billing" in added
    slack_app.slack.command("/roadmap", "add 2027-q1 Self-serve onboarding target: 30 % fewer demos")
    listed = reply_text(slack_app.slack.command("/roadmap", ""))
    assert listed.index("*2027-Q1* — Self-serve onboarding — target: 30 % fewer demos") < listed.index("2027-Q2")
    assert "like `2027-Q1`" in reply_text(slack_app.slack.command("/roadmap", "add soon Something"))
    assert "Only Acme's CTO can add roadmap items" in reply_text(
        slack_app.slack.command("/roadmap", "add 2027-Q1 SSO", user_id="U2"))
    assert "Set roadmap item RM2 to in-progress" in reply_text(slack_app.slack.command("/roadmap",
                                                                                      "set 2 in-progress"))
    assert "it can become" not in reply_text(slack_app.slack.command("/roadmap", "set 2 done"))
    assert "done; it can become in-progress, not dropped" in reply_text(
        slack_app.slack.command("/roadmap", "set 2 dropped"))


def test_a_vendor_is_added_in_the_modal_and_listed_with_its_notice_deadline(slack_app, acme):
    assert "Only Acme's CTO can add vendors" in reply_text(slack_app.slack.command("/vendor", "add Datadog",
                                                                                   user_id="U2"))
    assert not slack_app.fake.calls_to("views.open")
    slack_app.slack.command("/vendor", "add Datadog", trigger_id="trig-1")
    view = opened_view(slack_app)
    assert view["callback_id"] == ids.VIEW_REGISTER and view["title"]["text"] == "New vendor"
    assert [b["element"].get("initial_value") for b in view["blocks"]][0] == "Datadog"
    labels = [b["label"]["text"] for b in view["blocks"]]
    assert labels == ["Vendor", "Owner", "What it is for", "Contract terms", "Cost", "Renewal date",
                      "Notice (days before renewal)", "Escalation contact (theirs)", "Escalation contact (ours)"]
    bad = submit(slack_app, view, {"title": "Datadog", "notice_days": {"type": "number_input", "value": "30"}})
    assert bad.json()["errors"] == {block_id("renewal_date"): "Give the renewal date too, so the notice deadline "
                                                              "can be worked out."}
    done = submit(slack_app, view, {"title": "Datadog", "purpose": "monitoring", "owner": "Dana",
                                    "renewal_date": {"type": "datepicker", "selected_date": "2027-03-01"},
                                    "notice_days": {"type": "number_input", "value": "60"}})
    assert done.status == 200 and "errors" not in done.text
    slack_app.settle()
    [confirm] = slack_app.fake.calls_to("chat.postEphemeral")
    assert confirm.args["text"] == "Added vendor V1: Datadog"
    listed = reply_text(slack_app.slack.command("/vendor", ""))
    assert "*V1* — Datadog — renews 2027-03-01 — notice by 2026-12-31 — owner Dana" in listed


def test_risk_edit_opens_the_modal_prefilled_and_the_cto_saves_owner_mitigation_and_status(slack_app, acme):
    slack_app.slack.command("/risk", "add Single DBA high", user_id="U2")
    assert "Only Acme's CTO can edit risks" in reply_text(slack_app.slack.command("/risk", "edit 1", user_id="U2"))
    assert "no risk 7" in reply_text(slack_app.slack.command("/risk", "edit 7"))
    slack_app.slack.command("/risk", "edit R1", trigger_id="trig-2")
    view = opened_view(slack_app)
    assert view["title"]["text"] == "Edit R1"
    by_label = {b["label"]["text"]: b["element"] for b in view["blocks"]}
    assert by_label["Severity"]["initial_option"]["value"] == "high"
    assert [o["value"] for o in by_label["Status"]["options"]] == ["open", "mitigated", "closed"]
    values = {"title": "Single DBA", "owner": "Priya", "mitigation": "Train a second DBA",
              "severity": {"type": "static_select", "selected_option": {"value": "medium"}},
              "status": {"type": "static_select", "selected_option": {"value": "mitigated"}}}
    assert "Only Acme's CTO can edit risks" in json.dumps(submit(slack_app, view, values, user_id="U2").json())
    assert submit(slack_app, view, values).status == 200
    with slack_app.session_factory() as session:
        [risk] = session.exec(select(Risk)).all()
    assert (risk.owner, risk.mitigation, risk.severity, risk.status) == ("Priya", "Train a second DBA", "medium",
                                                                        "mitigated")
    assert risk.closed_at is not None and risk.updated_by == "U1"
    listed = reply_text(slack_app.slack.command("/risk", ""))
    assert "0 open risks · 1 mitigated or closed" in listed and "*R1* _mitigated_" in listed


def test_a_form_cannot_edit_another_engagements_entry(slack_app, acme):
    globex = add_engagement(slack_app.session_factory, name="globex", channel="C2", ctos=("U1",))
    with transaction(slack_app.session_factory) as session:
        theirs = registers.add_entry(session, VENDOR, engagement=globex, user_id="U1", title="Globex secret")
        theirs_id = theirs.id
    slack_app.slack.command("/vendor", "add Datadog", trigger_id="trig-3")
    view = opened_view(slack_app)
    meta = json.loads(view["private_metadata"])
    forged = dict(view, private_metadata=json.dumps({**meta, "entry_id": theirs_id}))
    answer = submit(slack_app, forged, {"title": "Renamed"})
    assert "no longer exists" in json.dumps(answer.json())
    with slack_app.session_factory() as session:
        assert session.get(Vendor, theirs_id).title == "Globex secret"


def test_risk_changes_reports_fixed_remaining_and_new_since_a_day(slack_app, acme):
    with transaction(slack_app.session_factory) as session, clock_at(datetime(2026, 9, 20, tzinfo=UTC)):
        for title in ("Single DBA", "No backups"):
            risks.add_risk(session, engagement=acme, title=title, severity="high", user_id="U2")
    with transaction(slack_app.session_factory) as session, clock_at(datetime(2026, 10, 8, tzinfo=UTC)):
        risks.close_risk(session, engagement=acme, number=2, user_id="U1", note="restored weekly")
        risks.add_risk(session, engagement=acme, title="Vendor lock-in", severity="low", user_id="U2")
    report = reply_text(slack_app.slack.command("/risk", "changes 2026-10-01"))
    assert "risks since 2026-10-01: 1 fixed · 1 remaining · 1 new" in report
    fixed, remaining, new = (report.index(word) for word in ("*Fixed*", "*Remaining*", "*New*"))
    assert fixed < report.index("No backups") < remaining < report.index("Single DBA") < new
    assert report.index("Vendor lock-in") > new
    assert "YYYY-MM-DD" in reply_text(slack_app.slack.command("/risk", "changes last-month"))
    assert "since 2026-09-01: 0 fixed · 0 remaining · 3 new" in reply_text(slack_app.slack.command("/risk",
                                                                                                   "changes"))


def test_a_system_is_added_in_the_modal_and_retired(slack_app, acme):
    slack_app.slack.command("/system", "add", trigger_id="trig-4")
    view = opened_view(slack_app)
    assert "Give the system a name" in json.dumps(submit(slack_app, view, {"title": " "}).json())
    submit(slack_app, view, {"title": "Billing reconciliation", "when_it_breaks": "Rerun the job\npage Dana",
                             "metric": "invoice disputes"})
    listed = reply_text(slack_app.slack.command("/system", ""))
    assert "*S1* — Billing reconciliation — moves invoice disputes" in listed and "1 live system" in listed
    assert "Retired system S1" in reply_text(slack_app.slack.command("/system", "retire 1 replaced by Stripe"))
    assert "no system 2" in reply_text(slack_app.slack.command("/system", "retire 2"))


def test_hostile_text_in_a_register_stays_inert(slack_app, acme):
    added = slack_app.slack.command("/finding", f"add {HOSTILE} high", user_id="U2")
    assert_hostile_text_is_inert(payload_text(added.json()) if added.headers.get("content-type", "").startswith(
        "application/json") else added.text)
    slack_app.slack.command("/vendor", "add Datadog", trigger_id="trig-5")
    view = opened_view(slack_app)
    submit(slack_app, view, {"title": HOSTILE, "owner": HOSTILE[:64], "escalation_theirs": HOSTILE[:300]})
    for command in ("/finding", "/vendor"):
        response = slack_app.slack.command(command, "")
        assert_hostile_text_is_inert(payload_text(response.json()))
    slack_app.fake.reset()
    slack_app.slack.command("/vendor", "edit 1", trigger_id="trig-6")
    assert opened_view(slack_app)["blocks"][0]["element"]["initial_value"] == HOSTILE[:300]  # plain_text: literal
