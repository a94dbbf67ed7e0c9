"""`/cto questions`, `/review list` and `/risk` with 200 long items: every section within Slack's 3,000
characters, cut between items (no link broken), ending in "and N more" with the exact N."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db import transaction
from bot.models import Question
from bot.services import capture, risks
from tests.helpers.factories import add_engagement
from tests.helpers.markup import MARKUP

ITEMS = 200
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FILLER = "see https://docs.example.com/runbook?step=1&ref=ops for the long story " * 5


@pytest.fixture
def acme(slack_app):
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",),
                          display_name="Acme", start_date=date(2026, 9, 1))


def listed(slack_app, command: str, text: str) -> list[str]:
    """The section texts of the command's reply."""
    response = slack_app.slack.command(command, text)
    assert response.status == 200, response.body
    return [b["text"]["text"] for b in response.json()["blocks"] if b["type"] == "section"]


def check(sections: list[str], marker: str, complete: str) -> None:
    """Every section fits; every link is whole; the items shown are the first ones, whole, in order; and the
    list ends with "and N more" where N is the number of items not shown."""
    assert all(len(text) <= 3000 for text in sections), [len(text) for text in sections]
    body = "\n".join(sections)
    assert body.count("<") == body.count(">") == len(MARKUP.findall(body))  # no `<` left open by a cut
    for inner in MARKUP.findall(body):
        assert inner.startswith(("@U", "#C", "https://github.com/acme/api/pull/", "https://test.slack.com/")), inner
    items = [line for line in body.splitlines() if line.startswith("• ")]
    assert 0 < len(items) < ITEMS
    numbers = [int(re.search(marker, line).group(1)) for line in items]  # type: ignore[union-attr]
    assert numbers == list(range(len(items)))
    assert all(re.search(complete, line) for line in items), "an item was cut short"
    [more] = [line for line in body.splitlines() if re.fullmatch(r"and \d+ more", line)]
    assert body.rstrip().endswith(more) and more == f"and {ITEMS - len(items)} more"


def test_cto_questions_with_200_long_questions(slack_app, acme):
    with transaction(slack_app.session_factory) as session:
        for n in range(ITEMS):
            asked = START + timedelta(minutes=n)
            session.add(Question(engagement_id=acme.id, channel_id="C1", message_ts=f"{asked.timestamp():.6f}",
                                 asker_user_id="U2", text=f"Q{n:03d} should we shard? {FILLER}"[:1000],
                                 permalink=f"https://test.slack.com/archives/C1/p{n:016d}", asked_at=asked))
    check(listed(slack_app, "/cto", "questions"), r"\|Q(\d{3}) ", r"h business\)( — \*overdue\*)?$")


def test_review_list_with_200_long_requests(slack_app, acme):
    with transaction(slack_app.session_factory) as session:
        for n in range(ITEMS):
            capture.record_review(session, engagement=acme, url=f"https://github.com/acme/api/pull/{n}",
                                  channel_id="C1", requester_id="U2", at=START + timedelta(minutes=n),
                                  message_ts=None, note=f"please look {FILLER}")
    check(listed(slack_app, "/review", "list"), r"github\.com/acme/api/pull/(\d+)>", r" ago — please look ")


def test_risk_register_with_200_long_risks(slack_app, acme):
    with transaction(slack_app.session_factory) as session:
        for n in range(ITEMS):
            title = f"R{n:03d} {FILLER}"[:290] + f" end{n:03d}"
            risks.add_risk(session, engagement=acme, title=title, severity="high", user_id="U2")
    check(listed(slack_app, "/risk", ""), r" — R(\d{3}) ", r" end\d{3}$")
