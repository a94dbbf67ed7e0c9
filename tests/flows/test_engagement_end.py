"""After the end date: no weekly digest, the handover is due, and check-ins remind the CTO and the owner once."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db import transaction
from bot.flows.checkins import send_due_checkin
from bot.flows.scheduled_posts import post_digest, post_due
from bot.models import Engagement
from bot.services import artifacts, capture, risks, runs
from bot.services.capture import SlackMessage
from tests.cli.test_cli import REPO, clean_env
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
END = date(2027, 1, 15)  # a Friday, the engagement's last day
LAST_DIGEST = datetime(2027, 1, 15, 16, 0, tzinfo=LONDON)  # the digest slot on the end date itself
FIRST_CHECKIN = datetime(2027, 2, 15, 9, 0, tzinfo=LONDON)  # a Monday, one month after the end, business start



def ended(session_factory, *, cadence: str = "monthly", owner: str | None = "U7", end: date | None = END) -> Engagement:
    return add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), end_date=end,
                          internal_owner_id=owner, checkin_cadence=cadence)


def dms(fake, user_id: str) -> list[dict]:
    return [m for m in fake.messages("D" + user_id) if "check-in" in m.get("text", "")]  # the app's DM with them


def test_the_digest_slot_after_the_end_posts_nothing(deps, session_factory, fake_slack):
    acme = ended(session_factory)
    [last] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=LAST_DIGEST, kinds=("digest",))
    assert last.posted and last.period == "2027-W02"  # the end date's own digest still goes
    after = LAST_DIGEST + timedelta(days=7)
    assert post_due(deps, engagement_id=acme.id, claimed_by="clock", now=after) == []
    refused = post_digest(deps, engagement_id=acme.id, claimed_by="cli", week_key="2027-W03", now=after)
    assert not refused.posted and "ended on 2027-01-15" in refused.reason
    assert len([m for m in fake_slack.messages("C1") if "weekly digest" in m.get("text", "")]) == 1
    with transaction(deps.session_factory) as session:
        assert runs.find_run(session, engagement_id=acme.id, kind="digest", period="2027-W03") is None


def test_without_an_end_date_the_digest_goes_on(deps, session_factory, fake_slack):
    acme = ended(session_factory, end=None)
    [result] = post_due(deps, engagement_id=acme.id, claimed_by="clock", now=LAST_DIGEST + timedelta(days=7),
                        kinds=("digest",))
    assert result.posted and result.period == "2027-W03"


def test_the_handover_is_due_on_the_end_date_and_overdue_after_it(session_factory):
    acme = ended(session_factory, end=None)
    with transaction(session_factory) as session:
        [handover] = [s for s in artifacts.schedule_states(session, engagement=acme, today=date(2027, 1, 10))
                      if s.kind == "handover"]
        assert handover.state == "at-the-end"
    acme = ended(session_factory)
    with transaction(session_factory) as session:
        states = {day: next(s for s in artifacts.schedule_states(session, engagement=acme, today=day)
                            if s.kind == "handover") for day in (date(2027, 1, 10), END, END + timedelta(days=1))}
    assert {day: s.state for day, s in states.items()} == {
        date(2027, 1, 10): "due-soon", END: "due-soon", END + timedelta(days=1): "overdue"}
    assert states[END].artifact.due_date == END


def with_open_work(session_factory, acme: Engagement) -> None:
    with transaction(session_factory) as session:
        risks.add_risk(session, engagement=acme, title="Payments <worker> has one replica", severity="high",
                       user_id="U5")
        risks.add_risk(session, engagement=acme, title="Flaky CI", severity="low", user_id="U5")
        asked = datetime(2027, 1, 12, 10, 0, tzinfo=UTC).timestamp()
        capture.record_question(session, engagement=acme, source="auto", message=SlackMessage(
            channel_id="C1", ts=f"{asked:.6f}", user_id="U5", text="Who renews the Stripe contract?"))


def test_a_monthly_check_in_dms_the_cto_and_the_owner_once_with_what_is_still_open(deps, session_factory,
                                                                                       fake_slack):
    acme = ended(session_factory)
    with_open_work(session_factory, acme)
    before = FIRST_CHECKIN - timedelta(minutes=1)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=before) == 0
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_CHECKIN) == 2
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock",  # the job runs again an hour later
                            now=FIRST_CHECKIN + timedelta(hours=1)) == 0
    [to_cto], [to_owner] = dms(fake_slack, "U1"), dms(fake_slack, "U7")
    assert to_cto["text"] == to_owner["text"]
    assert to_cto["text"].startswith("Acme: monthly check-in 1 after the handover — 1 open high risks")
    shown = str(to_cto["blocks"])
    assert "Payments &lt;worker&gt; has one replica" in shown and "Flaky CI" not in shown
    assert "Who renews the Stripe contract?" in shown
    assert "`handover` — was due 15 Jan 2027" in shown  # the handover was never delivered
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=acme.id, kind="check-in", period="2027-02/U7")
        assert run.posted_at is not None and run.error is None


def test_the_next_monthly_check_in_comes_a_month_later(deps, session_factory, fake_slack):
    acme = ended(session_factory, owner=None)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_CHECKIN) == 1
    march = datetime(2027, 3, 15, 9, 0, tzinfo=LONDON)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=march - timedelta(hours=1)) == 0
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=march) == 1
    assert [m["text"].split(" — ")[0] for m in dms(fake_slack, "U1")] == [
        "Acme: monthly check-in 1 after the handover", "Acme: monthly check-in 2 after the handover"]


def test_two_concurrent_runs_send_each_person_one_dm(deps, session_factory, fake_slack):
    acme = ended(session_factory)
    fake_slack.slow("chat.postMessage", 0.3)  # the first is still sending while the other runs
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run(name: str) -> None:
        barrier.wait()
        sent.append(send_due_checkin(deps, engagement_id=acme.id, claimed_by=name, now=FIRST_CHECKIN))

    threads = [threading.Thread(target=run, args=(f"clock-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 2 and len(dms(fake_slack, "U1")) == 1 and len(dms(fake_slack, "U7")) == 1


CHECKIN_PROCESS = """
import sys
from datetime import datetime
from bot import clock
from bot.runtime import build_deps
from bot.settings import get_settings
from scheduler.jobs import run_checkins
clock.use(clock.FixedClock(datetime.fromisoformat(sys.argv[2])))
print(run_checkins(build_deps(get_settings()), int(sys.argv[1])))
"""


def test_the_clock_in_two_processes_sends_each_person_one_dm(session_factory, database_url, fake_slack, tmp_path):
    acme = ended(session_factory)
    fake_slack.slow("chat.postMessage", 0.5)
    env = clean_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.url)
    processes = [subprocess.Popen([sys.executable, "-c", CHECKIN_PROCESS, str(acme.id),
                                   (FIRST_CHECKIN + timedelta(minutes=7)).isoformat()], cwd=REPO, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert sorted(int(out.strip().splitlines()[-1]) for out, _ in outputs) in ([0, 2], [1, 1])
    assert len(dms(fake_slack, "U1")) == 1 and len(dms(fake_slack, "U7")) == 1


def test_a_refused_dm_is_released_and_retried_later_without_a_second_copy_to_the_others(deps, session_factory,
                                                                                            fake_slack):
    acme = ended(session_factory)
    fake_slack.fail("chat.postMessage", status=200, body={"ok": False, "error": "ratelimited_user"}, channel="U7")
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_CHECKIN) == 1
    assert len(dms(fake_slack, "U1")) == 1 and dms(fake_slack, "U7") == []
    with transaction(deps.session_factory) as session:
        refused = runs.find_run(session, engagement_id=acme.id, kind="check-in", period="2027-02/U7")
        assert refused.posted_at is None and "ratelimited_user" in refused.error
    later = FIRST_CHECKIN + timedelta(hours=1)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=later) == 1
    assert len(dms(fake_slack, "U1")) == 1 and len(dms(fake_slack, "U7")) == 1
    with transaction(deps.session_factory) as session:
        assert runs.find_run(session, engagement_id=acme.id, kind="check-in", period="2027-02/U7").posted_at


def test_a_quarterly_check_in_comes_three_months_after_the_end(deps, session_factory, fake_slack):
    acme = ended(session_factory, cadence="quarterly")
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_CHECKIN) == 0
    april = datetime(2027, 4, 15, 9, 0, tzinfo=LONDON)  # a Thursday
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=april) == 2
    [dm] = dms(fake_slack, "U7")
    assert dm["text"].startswith("Acme: quarterly check-in 1 after the handover")
    with transaction(deps.session_factory) as session:
        assert runs.find_run(session, engagement_id=acme.id, kind="check-in", period="2027-04/U1").posted_at


def test_a_check_in_on_a_weekend_waits_for_the_next_business_day(deps, session_factory, fake_slack):
    acme = ended(session_factory, end=date(2027, 1, 13))  # + 1 month = Saturday 13 Feb
    saturday = datetime(2027, 2, 13, 10, 0, tzinfo=LONDON)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=saturday) == 0
    monday = datetime(2027, 2, 15, 9, 0, tzinfo=LONDON)
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=monday) == 2


def test_no_cadence_or_no_end_date_sends_nothing(deps, session_factory, fake_slack):
    acme = ended(session_factory, cadence="none")
    for months in (1, 3, 6):
        now = datetime(2027, 1 + months, 15, 9, 0, tzinfo=LONDON)
        assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=now) == 0
    ended(session_factory, end=None)  # monthly, but no end date: nothing is after the end
    assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock", now=FIRST_CHECKIN) == 0
    assert fake_slack.calls_to("chat.postMessage") == []
