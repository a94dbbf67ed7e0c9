"""Reminders by DM: a vendor's notice deadline 14 days ahead (CTO and owner), and the Friday nudge for the week's
systems without a handover note (CTO); each once, a refused DM retried."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db import transaction
from bot.flows.checkins import send_due_checkin
from bot.models import Engagement
from bot.services import portfolio, registers, runs
from bot.services.register_kinds import FINDING, SYSTEM, VENDOR
from bot.slack.portfolio_blocks import portfolio_plain_text
from scheduler.jobs import run_reminders
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
RENEWAL = date(2027, 3, 31)
DEADLINE = date(2027, 3, 1)  # 30 days' notice: a Monday
FORTNIGHT_AHEAD = datetime(2027, 2, 15, 10, 0, tzinfo=LONDON)  # 14 days before the deadline, after business start
FRIDAY = datetime(2027, 2, 5, 9, 30, tzinfo=LONDON)  # ISO week 2027-W05
MONDAY = datetime(2027, 2, 1, 11, 0, tzinfo=LONDON)


@pytest.fixture
def acme(session_factory) -> Engagement:
    return add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), internal_owner_id="U7")


def add_vendor(session_factory, acme: Engagement, title: str = "Data<dog> & co", **values) -> None:
    values = {"renewal_date": RENEWAL, "notice_days": 30, **values}
    with transaction(session_factory) as session:
        registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title=title, values=values)


def add_system(session_factory, acme: Engagement, title: str, *, at: datetime, note: str = "") -> None:
    with clock_at(at), transaction(session_factory) as session:
        registers.add_entry(session, SYSTEM, engagement=acme, user_id="U1", title=title,
                            values={"when_it_breaks": note})


def dms(fake, user_id: str, word: str) -> list[dict]:
    return [m for m in fake.messages("D" + user_id) if word in m.get("text", "")]


def run_at(deps, acme: Engagement, when: datetime) -> int:
    with clock_at(when):
        return run_reminders(deps, acme.id)


def test_the_notice_deadline_reaches_the_cto_and_the_owner_fourteen_days_ahead_once(deps, session_factory,
                                                                                    fake_slack, acme):
    add_vendor(session_factory, acme)
    add_vendor(session_factory, acme, title="Sentry", renewal_date=date(2027, 9, 30))  # months away
    assert run_at(deps, acme, FORTNIGHT_AHEAD) == 2
    assert run_at(deps, acme, FORTNIGHT_AHEAD + timedelta(hours=1)) == 0  # the hourly job runs again
    assert run_at(deps, acme, FORTNIGHT_AHEAD + timedelta(days=3)) == 0
    [to_cto], [to_owner] = dms(fake_slack, "U1", "notice"), dms(fake_slack, "U7", "notice")
    assert to_cto["text"] == to_owner["text"]
    assert to_cto["text"] == "Acme: notice for Data&lt;dog&gt; &amp; co (V1) is due by 01 Mar 2027 (in 14 days)"
    shown = str(to_cto["blocks"])
    assert "Mon 01 Mar 2027" in shown and "renews on 31 Mar 2027 with 30 days' notice" in shown
    assert "Data<dog>" not in shown and "Sentry" not in shown


def test_nothing_fifteen_days_before_the_deadline(deps, session_factory, fake_slack, acme):
    add_vendor(session_factory, acme)
    assert run_at(deps, acme, FORTNIGHT_AHEAD - timedelta(days=1)) == 0
    assert dms(fake_slack, "U1", "notice") == [] and dms(fake_slack, "U7", "notice") == []


def test_an_ended_vendor_or_one_without_notice_days_is_not_reminded(deps, session_factory, fake_slack, acme):
    add_vendor(session_factory, acme, notice_days=None)
    add_vendor(session_factory, acme, title="Heroku")
    with transaction(session_factory) as session:
        registers.set_status(session, VENDOR, engagement=acme, number=2, status="ended", user_id="U1")
    assert run_at(deps, acme, FORTNIGHT_AHEAD) == 0


def test_a_refused_dm_is_retried_without_a_second_copy_to_the_cto(deps, session_factory, fake_slack, acme):
    add_vendor(session_factory, acme)
    fake_slack.fail("chat.postMessage", status=200, body={"ok": False, "error": "user_disabled"}, channel="U7")
    assert run_at(deps, acme, FORTNIGHT_AHEAD) == 1
    assert dms(fake_slack, "U7", "notice") == []
    with transaction(session_factory) as session:
        acme_id = acme.id
        vendor = registers.get_entry(session, VENDOR, engagement=acme, number=1)
        run = runs.find_run(session, engagement_id=acme_id, kind="vendor-notice",
                            period=f"{vendor.id}:2027-03-01/U7")
        assert run.posted_at is None and "user_disabled" in run.error
    # released at once, not held for its 10-minute lease: a run five minutes later (a restarted clock) retries it
    assert run_at(deps, acme, FORTNIGHT_AHEAD + timedelta(minutes=5)) == 1
    assert len(dms(fake_slack, "U7", "notice")) == 1 and len(dms(fake_slack, "U1", "notice")) == 1


def test_a_new_renewal_date_is_a_new_reminder(deps, session_factory, fake_slack, acme):
    add_vendor(session_factory, acme)
    assert run_at(deps, acme, FORTNIGHT_AHEAD) == 2
    with transaction(session_factory) as session:
        vendor = registers.get_entry(session, VENDOR, engagement=acme, number=1)
        registers.update_entry(session, VENDOR, engagement=acme, entry=vendor, user_id="U1",
                               values={"renewal_date": date(2028, 3, 31)})
    assert run_at(deps, acme, datetime(2028, 2, 16, 10, 0, tzinfo=LONDON)) == 2  # 2028-03-01 less 14 days
    assert [m["text"].split(" is due by ")[1] for m in dms(fake_slack, "U1", "notice")] == [
        "01 Mar 2027 (in 14 days)", "01 Mar 2028 (in 14 days)"]


def test_the_friday_nudge_lists_the_weeks_systems_without_a_note_once(deps, session_factory, fake_slack, acme):
    add_system(session_factory, acme, "Old <cron> job", at=MONDAY - timedelta(days=3))  # last week
    add_system(session_factory, acme, "Nightly <billing> reconciliation", at=MONDAY)
    add_system(session_factory, acme, "Lead scoring", at=MONDAY + timedelta(days=1), note="Restart the worker.")
    add_system(session_factory, acme, "Churn alerts", at=FRIDAY - timedelta(hours=2))
    assert run_at(deps, acme, FRIDAY) == 1
    assert run_at(deps, acme, FRIDAY + timedelta(hours=1)) == 0
    assert run_at(deps, acme, FRIDAY + timedelta(hours=8)) == 0
    [nudge] = dms(fake_slack, "U1", "handover note")
    assert nudge["text"] == "Acme: 2 systems added this week without a handover note"
    shown = str(nudge["blocks"])
    assert "*S2* — Nightly &lt;billing&gt; reconciliation" in shown and "*S4* — Churn alerts" in shown
    assert "Lead scoring" not in shown and "cron" not in shown and "2027-W05" in shown
    assert dms(fake_slack, "U7", "handover note") == []  # the nudge is the CTO's


def test_no_nudge_on_thursday_or_before_business_start_on_friday(deps, session_factory, fake_slack, acme):
    add_system(session_factory, acme, "Nightly billing reconciliation", at=MONDAY)
    assert run_at(deps, acme, FRIDAY - timedelta(days=1)) == 0
    assert run_at(deps, acme, FRIDAY.replace(hour=8, minute=30)) == 0
    assert dms(fake_slack, "U1", "handover note") == []


def test_the_cross_client_view_lists_renewals_whose_notice_falls_within_30_days(session_factory, acme):
    add_vendor(session_factory, acme)  # notice by 2027-03-01
    add_vendor(session_factory, acme, title="Sentry", renewal_date=date(2027, 4, 1))  # notice by 2027-03-02
    with transaction(session_factory) as session:
        view = portfolio.portfolio(session, now=datetime(2027, 1, 30, 12, 0, tzinfo=LONDON))  # 30 and 31 days
        text = portfolio_plain_text(view)
    assert [d.vendor.title for d in view.clients[0].renewals] == ["Data<dog> & co"] and view.renewal_count == 1
    assert "1 renewal due" in text and "V1 Data<dog> & co — notice by 2027-03-01 (renews 2027-03-31)" in text
    assert "Sentry" not in text


def test_a_check_in_lists_open_findings_and_renewals_due(deps, session_factory, fake_slack):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), internal_owner_id="U7",
                          end_date=date(2027, 1, 15), checkin_cadence="monthly")
    add_vendor(session_factory, acme)
    with transaction(session_factory) as session:
        for title in ("Deploys take a <day>", "No backups"):
            registers.add_entry(session, FINDING, engagement=acme, user_id="U1", title=title)
        registers.set_status(session, FINDING, engagement=acme, number=2, status="addressed", user_id="U1")
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock",
                            now=datetime(2027, 2, 15, 9, 0, tzinfo=LONDON)) == 2
    [to_owner] = [m for m in fake_slack.messages("DU7") if "check-in" in m["text"]]
    assert to_owner["text"].endswith("1 open findings, 1 renewals due")
    shown = str(to_owner["blocks"])
    assert "Deploys take a &lt;day&gt;" in shown and "No backups" not in shown
    assert "*Renewals due (1)*" in shown and "notice by 2027-03-01" in shown
