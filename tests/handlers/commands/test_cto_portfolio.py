"""`/cto status` in a DM: every client of the caller in this workspace, and nobody else's; App Home shows the same
portfolio to a CTO. Figures are checked against a recomputation from the raw rows (tests.helpers.clients)."""

from __future__ import annotations

import json

from bot.formatting import duration
from tests.handlers.home.test_dashboard import published_view
from tests.helpers.clients import NOW, expected, three_clients
from tests.helpers.clock import clock_at
from tests.helpers.replies import reply_text


def dm_status(slack_app, user: str) -> dict:
    with clock_at(NOW):
        response = slack_app.slack.command("/cto", "status", channel_id="D0DM" + user, user_id=user)
    reply_text(response)
    return response.json()


def client_sections(blocks: list[dict]) -> dict[str, str]:
    """Each client's section text, keyed by the client's name as it is shown."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return {text.split("*")[1]: text for text in texts if "Next digest" in text}


def test_a_dm_lists_only_the_callers_clients_with_what_each_is_still_owed(slack_app):
    three_clients(slack_app.session_factory)
    payload = dm_status(slack_app, "U1")
    shown = client_sections(payload["blocks"])
    assert list(shown) == ["Acme", "Globex &lt;Corp&gt; &amp; Co", "Initech"]  # not Hooli, U7's client
    assert "Hooli" not in json.dumps(payload)
    for name, text in zip(("acme", "globex", "initech"), shown.values(), strict=True):
        want = expected(slack_app.session_factory, name)
        assert f"to the floor {duration(want.to_floor)} · to the top {duration(want.to_top)}" in text, text
    assert "This month 8h 45m of 20–25 h · to the floor 11h 15m · to the top 16h 15m" in shown["Acme"]
    globex = shown["Globex &lt;Corp&gt; &amp; Co"]
    assert "over the top by 15h 21m" in globex and "pro-rated to 11 of 21 business days" in globex
    assert "over the top" not in shown["Initech"]  # 10h of 8–10 h: exactly the top is within
    acme = shown["Acme"]
    assert "Overdue artifacts (6):" in acme and "• immediate-risks — due 2026-09-30 (51 days late)" in acme
    assert "and 3 more" in acme
    assert "Open high risks (1):" in acme and "&lt;!channel&gt;" in acme and "<!channel>" not in acme
    assert "Next digest Fri 20 Nov 16:00 · next statement Tue 1 Dec 09:00" in acme
    totals = next(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    assert totals.startswith("*All 3 clients*: 44h 35m of ")  # 8h 45m + 25h 50m + 10h
    assert "to the floors 11h 15m · to the tops 16h 15m · over the tops by 15h 21m" in totals
    assert "17 overdue artifacts · 1 open high risk" in totals  # acme 6, initech 11


def test_a_dm_from_someone_with_no_clients_says_so(slack_app):
    three_clients(slack_app.session_factory)
    text = reply_text(slack_app.slack.command("/cto", "status", channel_id="D0DM", user_id="U5"))
    assert "not the CTO of any client" in text and "Acme" not in text and "Hooli" not in text


def test_in_a_client_channel_status_is_still_that_clients_alone(slack_app):
    three_clients(slack_app.session_factory)
    with clock_at(NOW):
        text = reply_text(slack_app.slack.command("/cto", "status", channel_id="C1", user_id="U1"))
    assert "Acme" in text and "Globex" not in text and "Month to date" in text


def test_app_home_of_a_cto_shows_the_portfolio(slack_app):
    three_clients(slack_app.session_factory)
    for channel in ("C1", "C2", "C3", "C4"):
        slack_app.fake.set_members(channel, ["U5"])
    with clock_at(NOW):
        cto = published_view(slack_app, "U1")
        founder = published_view(slack_app, "U5")
    view = json.loads(cto)
    shown = client_sections(view["blocks"])
    assert list(shown) == ["Acme", "Globex &lt;Corp&gt; &amp; Co", "Initech"]
    assert "to the floor 11h 15m · to the top 16h 15m" in shown["Acme"] and "Hooli" not in cto
    assert "*All 3 clients*: 44h 35m" in cto
    assert "to the floor" not in founder and "All 3 clients" not in founder  # a founder sees no hours
