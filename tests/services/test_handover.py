"""The handover pack: every section carries the engagement's own records, and only those."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from markdown_it.common.utils import escapeHtml

from bot.db import transaction
from bot.models import Decision, Engagement
from bot.services import artifacts, capture, handover, risks, timelog
from bot.services.capture import SlackMessage
from bot.services.logtime_parser import LogtimeRequest
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import JAVASCRIPT_URL, MARKDOWN, render, unescaped_markup, unsafe_html

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


def seed(session_factory) -> Engagement:
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), start_date=date(2026, 9, 1),
                          founder_user_ids=["U9"])
    other = add_engagement(session_factory, name="globex", channel="C2", ctos=("U1",))
    with transaction(session_factory) as session:
        for engagement, day, minutes, category in [
                (acme, date(2026, 9, 14), 600, "architecture"), (acme, date(2026, 9, 15), 90, "review"),
                (acme, date(2026, 10, 6), 690, "build"), (acme, date(2026, 10, 7), 690, "build"),
                (acme, date(2026, 11, 3), 120, "hiring"),
                (other, date(2026, 10, 6), 300, "audit")]:
            timelog.log_time(session, engagement=engagement, user_id="U1", today=TODAY,
                             request=LogtimeRequest(minutes=minutes, category=category, work_date=day, note=""))
        session.add(Decision(engagement_id=acme.id, number=1, title="Use Postgres | not Mongo", status="accepted",
                             decided_at=datetime(2026, 10, 2, tzinfo=UTC), permalink="https://x.slack.com/p1"))
        session.add(Decision(engagement_id=acme.id, number=2, title="Adopt Kafka", status="proposed"))
        session.add(Decision(engagement_id=other.id, number=1, title="Globex secret plan", status="accepted"))
        risks.add_risk(session, engagement=acme, title="Single DBA", severity="high", user_id="U2")
        closed = risks.add_risk(session, engagement=acme, title="No backups", severity="medium", user_id="U2")
        risks.close_risk(session, engagement=acme, number=closed.number, user_id="U1", note="restored weekly")
        artifacts.mark_delivered(session, engagement=acme, kind="technical-audit", user_id="U1",
                                 link="https://docs.example.com/audit")
        asked = datetime(2026, 11, 18, 10, 0, tzinfo=UTC).timestamp()
        capture.record_question(session, engagement=acme, source="auto", message=SlackMessage(
            channel_id="C1", ts=f"{asked:.6f}", user_id="U9", text="Should we shard the orders table?"))
        capture.record_review(session, engagement=acme, url="https://github.com/acme/api/pull/7", channel_id="C1",
                              requester_id="U9", at=datetime(2026, 11, 19, tzinfo=UTC), message_ts=None)
    return acme


def pack(session_factory, engagement) -> str:
    with transaction(session_factory) as session:
        return handover.handover_markdown(session, engagement=session.get(Engagement, engagement.id), now=NOW,
                                          today=TODAY)


def test_the_pack_has_every_section_with_the_engagements_figures(session_factory):
    with clock_at(NOW):  # the audit is delivered on NOW, 51 days after it was due
        acme = seed(session_factory)
    text = pack(session_factory, acme)
    assert text.startswith("# Acme — handover pack\n")
    assert ("Acme has retained a fractional CTO on the active tier since 01 September 2026, now in month 3: "
            "20–25 hours a month") in text
    assert "CTO: U1; founders: U9. Channels: C1 (digest in C1, fri 16:00)" in text
    assert "So far 36.5 h logged over 3 month(s), 2 decision(s) recorded (1 accepted), 2 risk(s) registered " \
           "(1 open)." in text
    assert "| 2026-09 | 11.5 | 20–25 h (under) | architecture 10h, review 1h 30m |" in text
    assert "| 2026-10 | 23 | 20–25 h (within) | build 23h |" in text
    assert "| 2026-11 | 2 | 20–25 h (under) | hiring 2h |" in text
    assert "| ADR-0001 | Use Postgres \\| not Mongo | accepted | 2026-10-02 | <https://x.slack.com/p1> |" in text
    assert "| ADR-0002 | Adopt Kafka | proposed | — | — |" in text
    assert "| 1 | Single DBA | high | open |" in text and "| 2 | No backups | medium | closed |" in text
    assert ("| technical-audit | 2026-09-30 | delivered | 2026-11-20 (late by 51 days) | "
            "<https://docs.example.com/audit> |") in text
    assert "| adrs | 2026-10-31 | delivered | — | — |" in text  # met by the accepted decision
    assert "| immediate-risks | 2026-09-30 | overdue | — | — |" in text
    still_open = text.split("## Still open\n", 1)[1]
    assert "- Question asked 2026-11-18 by U9, waiting 20h business: Should we shard the orders table?" \
        in still_open
    assert "- Review requested 2026-11-19 (requested): <https://github.com/acme/api/pull/7>" in still_open
    assert "- Artifact `immediate-risks` overdue since 2026-09-30" in still_open
    assert "- Risk 1 (high, open): Single DBA" in still_open and "No backups" not in still_open
    assert "Globex" not in text and "audit 5h" not in text


def test_a_new_engagement_says_so_plainly(session_factory):
    fresh = add_engagement(session_factory, name="initech", channel="C3", start_date=date(2026, 11, 16))
    text = pack(session_factory, fresh)
    assert "No time logged." in text and "No decisions recorded." in text
    assert "No risks recorded — add them with `/risk add`." in text
    assert text.rstrip().endswith("Nothing is open.")


def test_what_people_wrote_renders_as_text_and_only_http_links_are_links(session_factory):
    hostile = " ".join(MARKDOWN)
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme <b>")
    with transaction(session_factory) as session:
        session.add(Decision(engagement_id=acme.id, number=1, title=hostile, status="accepted",
                             permalink="https://acme.slack.com/archives/C1/p1"))
        session.add(Decision(engagement_id=acme.id, number=2, title="Planted link", permalink=JAVASCRIPT_URL))
        risk = risks.add_risk(session, engagement=acme, title=hostile, severity="high", user_id="U2")
        risk.mitigation, risk.owner = hostile, "![o](http://evil/o.png)"
        artifacts.mark_delivered(session, engagement=acme, kind="technical-audit", user_id="U1", link=JAVASCRIPT_URL)
        capture.record_question(session, engagement=acme, source="auto", message=SlackMessage(
            channel_id="C1", ts=f"{NOW.timestamp() - 3600:.6f}", user_id="U9", text=hostile))
        capture.record_review(session, engagement=acme, url=JAVASCRIPT_URL, channel_id="C1", requester_id="U9",
                              at=NOW, message_ts=None, note=hostile)
    text = pack(session_factory, acme)
    html = render(text)
    assert unsafe_html(html) == [] and unescaped_markup(text) == []
    assert "<b>" not in html and "<strong>" not in html and "<em>" not in html
    assert re.findall(r'<a href="([^"]*)"', html) == ["https://acme.slack.com/archives/C1/p1"]  # ctobot's own
    # literal wherever it is listed: the accepted decisions of part 1, the ADR index, the risk's title and
    # mitigation, and the two open items
    assert html.count(escapeHtml(hostile)) == 6
    assert escapeHtml(JAVASCRIPT_URL) in html and "Acme &lt;b&gt; — handover pack" in html


def test_every_register_has_its_table_and_open_findings_are_still_open(session_factory):
    from bot.services import registers
    from bot.services.register_kinds import FINDING, ROADMAP, SYSTEM, VENDOR

    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme")
    hostile = " ".join(MARKDOWN)
    with transaction(session_factory) as session:
        registers.add_entry(session, FINDING, engagement=acme, user_id="U2", title="Manual deploys",
                            values={"priority": "high"})
        registers.add_entry(session, FINDING, engagement=acme, user_id="U2", title="No on-call")
        registers.set_status(session, FINDING, engagement=acme, number=2, status="deprioritized", user_id="U1",
                             values={"rationale": "two engineers; later"})
        registers.add_entry(session, VENDOR, engagement=acme, user_id="U1", title="Datadog",
                            values={"renewal_date": "2027-03-01", "notice_days": "60",
                                    "escalation_theirs": hostile[:300]})
        registers.add_entry(session, ROADMAP, engagement=acme, user_id="U1", title="SSO",
                            values={"quarter": "2027-Q1", "commercial_target": "close two enterprise deals"})
        registers.add_entry(session, SYSTEM, engagement=acme, user_id="U1", title="Billing sync",
                            values={"when_it_breaks": "rerun it"})
    text = pack(session_factory, acme)
    assert "## Audit findings" in text and "| 2 | No on-call | medium | — | deprioritized |" in text
    assert "two engineers; later" in text
    assert "| 1 | Datadog | 2027-03-01 | 60 | 2026-12-31 | active |" in text
    assert "### 2027-Q1\n\n- RM1 SSO (planned) — commercial target: close two enterprise deals\n" in text
    assert "### Systems\n\n| # | System |" in text and "rerun it" in text
    assert "- Finding 1 (high, open): Manual deploys" in text and "Finding 2 (" not in text
    assert unsafe_html(render(text)) == [] and unescaped_markup(text) == []
