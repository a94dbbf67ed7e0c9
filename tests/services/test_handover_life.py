"""One engagement from setup to its end and its first check-in: the handover pack opens with the four parts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.db import transaction
from bot.flows.checkins import send_due_checkin
from bot.models import Engagement
from bot.services import decisions, engagements, handover, people, registers
from bot.services.register_kinds import FINDING, ROADMAP, SYSTEM, VENDOR
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

LONDON = ZoneInfo("Europe/London")
SETUP = datetime(2026, 9, 1, 10, 0, tzinfo=LONDON)
END = date(2026, 12, 31)  # the last day; the two quarters after it are 2027-Q1 and 2027-Q2
FIRST_CHECKIN = datetime(2027, 2, 1, 9, 0, tzinfo=LONDON)  # 31 Jan 2027 is a Sunday: Monday, at business start



def test_an_engagement_from_setup_to_its_first_check_in_leaves_the_four_part_handover(deps, session_factory,
                                                                                       fake_slack):
    with clock_at(SETUP):
        acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme",
                              founder_user_ids=["U9"], internal_owner_id="U7", checkin_cadence="monthly")
        with transaction(session_factory) as session:  # what users.info said, stored when they were first seen
            people.remember(session, team_id=acme.team_id, profiles=[
                people.Profile("U1", "ada", "Ada Lovelace"), people.Profile("U7", "dana", "Dana Scully"),
                people.Profile("U9", "fox", "Fox Mulder")])
    with clock_at(datetime(2026, 10, 5, 11, 0, tzinfo=LONDON)), transaction(session_factory) as session:
        registers.add_entry(session, SYSTEM, engagement=acme, user_id="U1", title="Nightly billing reconciliation",
                            values={"what_it_does": "matches Stripe payouts to invoices",
                                    "how_it_runs": "cron job on the worker at 02:00",
                                    "when_it_breaks": "rerun `make reconcile`; page Dana",
                                    "metric": "days to close the books"})
        registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title="Datadog",
                            values={"purpose": "monitoring", "contract_terms": "annual, auto-renews",
                                    "cost": "$1,200 a month", "renewal_date": "2027-03-01", "notice_days": "30",
                                    "escalation_theirs": "Sam at Datadog support", "escalation_ours": "Dana Scully"})
        for line in ("2027-Q1 Self-serve onboarding target: 30 % fewer sales demos",
                     "2027-Q2 SSO for enterprise target: close two enterprise deals"):
            title, values = ROADMAP.parse_add(line)  # type: ignore[misc]
            registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title=title, values=values)
        registers.add_entry(session, FINDING, engagement=acme, user_id="U9", title="Deploys are manual",
                            values={"priority": "high"})
        registers.add_entry(session, FINDING, engagement=acme, user_id="U9", title="No on-call rota")
        registers.set_status(session, FINDING, engagement=acme, number=1, status="addressed", user_id="U1",
                             note="CI deploys on merge since October")
        registers.set_status(session, FINDING, engagement=acme, number=2, status="deprioritized", user_id="U1",
                             values={"rationale": "two engineers; revisit at ten"})
        decision = decisions.record_decision(session, engagement=acme, title="Postgres for the ledger",
                                             user_id="U1")
        decisions.decide(session, engagement=acme, decision=decision, user_id="U1", verb="accept")
    with clock_at(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)), transaction(session_factory) as session:
        engagements.set_end_date(session, engagement=session.get(Engagement, acme.id), user_id="U1", end=END)

    with clock_at(FIRST_CHECKIN):
        assert send_due_checkin(deps, engagement_id=acme.id, claimed_by="clock") == 2  # the CTO and the owner
        with transaction(session_factory) as session:
            pack = handover.handover_markdown(session, engagement=session.get(Engagement, acme.id),
                                              now=FIRST_CHECKIN, today=FIRST_CHECKIN.date())
    assert [m for m in fake_slack.messages("DU7") if "check-in 1" in m.get("text", "")]

    heads = [line for line in pack.splitlines() if line.startswith("## ")]
    assert heads[:4] == ["## 1. Architecture and its owner", "## 2. Vendors",
                         "## 3. Roadmap for the next two quarters", "## 4. Check-in schedule"]
    part = {h: pack.split(h + "\n", 1)[1].split("\n## ", 1)[0] for h in heads[:4]}
    architecture, vendors, roadmap, checkin = part.values()
    assert "Internal owner: Dana Scully maintains the architecture" in architecture
    system_row = next(line for line in architecture.splitlines() if "Nightly billing reconciliation" in line)
    for text in ("matches Stripe payouts to invoices", "cron job on the worker at 02:00",
                 "rerun \\`make reconcile\\`; page Dana", "days to close the books"):
        assert text in system_row
    assert "- ADR-0001 Postgres for the ledger (accepted 2026-10-05)" in architecture
    vendor_row = next(line for line in vendors.splitlines() if "Datadog" in line)
    for text in ("2027-03-01", "| 30 |", "2027-01-30", "annual, auto-renews", "$1,200 a month",
                 "Sam at Datadog support", "Dana Scully"):
        assert text in vendor_row
    assert "2027-Q1 and 2027-Q2, after the engagement's end on 2026-12-31." in roadmap
    assert ("### 2027-Q1\n\n- RM1 Self-serve onboarding (planned) — commercial target: 30 % fewer sales demos\n"
            in roadmap)
    assert "### 2027-Q2\n\n- RM2 SSO for enterprise (planned) — commercial target: close two enterprise deals\n" \
        in roadmap
    assert ("A standing monthly check-in after the engagement's end on 2026-12-31 between the outgoing CTO "
            "(Ada Lovelace) and the internal owner (Dana Scully)") in checkin
    # the first has just been held; the pack lists the next ones, each on a business day
    assert ("Next check-ins:\n\n- Check-in 2: Mon 2027-03-01 at 09:00 Europe/London\n"
            "- Check-in 3: Wed 2027-03-31 at 09:00 Europe/London\n") in checkin
    findings = pack.split("## Audit findings\n", 1)[1].split("\n## ", 1)[0]
    assert "CI deploys on merge since October" in findings and "two engineers; revisit at ten" in findings
    assert "CTO: Ada Lovelace; founders: Fox Mulder." in pack
    for user_id in ("U1", "U7", "U9"):
        assert user_id not in pack


def test_empty_parts_say_what_to_do(session_factory):
    acme = add_engagement(session_factory, name="initech", channel="C3", start_date=date(2026, 11, 16))
    with transaction(session_factory) as session:
        pack = handover.handover_markdown(session, engagement=session.get(Engagement, acme.id),
                                          now=datetime(2026, 11, 20, 12, 0, tzinfo=LONDON), today=date(2026, 11, 20))
    assert "No internal owner named — name one in `/cto setup`" in pack
    assert "No systems recorded — add them with `/system add`." in pack
    assert "No active vendors recorded — add them with `/vendor add`." in pack
    assert "2026-Q4 and 2027-Q1, from today." in pack
    assert "No roadmap items recorded for 2027-Q1" in pack
    assert "No check-in scheduled — choose monthly or quarterly check-ins in `/cto setup`." in pack
