"""The monthly statement sets the month's category shares beside the typical active-tier week's (docs/design.md:
"standup 1–2 h, review 4–6 h, one-on-one 1 h, hiring 2–4 h, architecture 2–3 h, roadmap 1–2 h, async 2–3 h"): shares
of the hours, not hours, since the sources' hours do not add up to the band."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

from sqlmodel import select

from bot.db import transaction
from bot.models import Engagement, TimeEntry
from bot.services import statement
from bot.services.categories import TYPICAL_SHARES, compare_to_typical
from bot.slack.statement_blocks import statement_message
from tests.helpers.clients import log
from tests.helpers.factories import add_engagement

SOURCE = "standup 1–2 h, review 4–6 h, one-on-one 1 h, hiring 2–4 h, architecture 2–3 h, roadmap 1–2 h, async 2–3 h"
LINE = re.compile(r"^• (\S+) (\d+) % \((?:typical (\d+) %|not in the typical week)\)$")


def midpoint_shares() -> dict[str, Fraction]:
    mids = {}
    for name, low, high in re.findall(r"([a-z-]+) (\d+)(?:–(\d+))? h", SOURCE):
        mids[name] = (Fraction(low) + Fraction(high or low)) / 2
    return {name: mid / sum(mids.values()) for name, mid in mids.items()}


def typical_section(s) -> list[str]:
    _, blocks = statement_message(s)
    [text] = [b["text"]["text"] for b in blocks if b["type"] == "section" and "typical week" in b["text"]["text"]]
    return text.splitlines()[1:]


def test_the_profile_is_the_designs_midpoints_as_shares():
    assert TYPICAL_SHARES == midpoint_shares()
    assert sum(TYPICAL_SHARES.values()) == 1 and TYPICAL_SHARES["review"] == Fraction(5, 17)


def test_the_statement_compares_the_months_shares_with_the_typical_week(session_factory):
    acme = add_engagement(session_factory, name="acme", start_date=date(2026, 9, 1))
    for day, minutes, category in ((5, 400, "review"), (6, 100, "standup"), (7, 200, "hiring"),
                                   (8, 130, "architecture"), (9, 70, "build"), (12, 100, "review")):
        log(session_factory, acme, "U1", date(2026, 10, day), minutes, category)
    log(session_factory, acme, "U1", date(2026, 11, 2), 600, "async")  # November's: not in October's shares
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 10, 1))
        rows = [r for r in session.exec(select(TimeEntry)).all() if r.work_date.month == 10]
        lines = typical_section(s)
    total = sum(r.minutes for r in rows)
    by_category = {}
    for r in rows:
        by_category[r.category] = by_category.get(r.category, 0) + r.minutes
    parsed = {m.group(1): (int(m.group(2)), m.group(3)) for m in map(LINE.match, lines) if m}
    assert len(parsed) == len(lines) == 8, lines  # the seven typical categories, then build
    assert list(parsed) == [*TYPICAL_SHARES, "build"]
    assert sum(share for share, _ in parsed.values()) == 100
    assert sum(int(typical) for _, typical in parsed.values() if typical) == 100
    for name, (share, typical) in parsed.items():
        exact = Fraction(100 * by_category.get(name, 0), total)
        assert abs(share - exact) < 1, (name, share, exact)
        if typical is not None:
            assert abs(int(typical) - midpoint_shares()[name] * 100) < 1
    assert parsed["review"] == (50, "29") and parsed["async"] == (0, "15") and parsed["build"] == (7, None)


def test_no_time_logged_has_no_typical_week_section(session_factory):
    acme = add_engagement(session_factory, name="acme", start_date=date(2026, 9, 1))
    with transaction(session_factory) as session:
        s = statement.build_statement(session, engagement=session.get(Engagement, acme.id), month=date(2026, 10, 1))
        _, blocks = statement_message(s)
    assert compare_to_typical({}) == [] and "typical week" not in str(blocks)
