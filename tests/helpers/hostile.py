"""What an attacker writes into a question, a note or a title, and independent checks of how it comes out."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from markdown_it import MarkdownIt

from bot.db import transaction
from bot.models import BuiltSystem, Decision, Finding, Question, ReviewRequest, Risk, RoadmapItem, TimeEntry, Vendor

# OWASP's CSV injection examples, and one behind a space (spreadsheets trim it before reading a formula).
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", " =1+1")

# Markdown and HTML that must render as the text it is.
MARKDOWN = ("![x](http://evil/img.png)", "<script>alert(1)</script>", "[click](javascript:alert(1))",
            "<img src=x onerror=alert(1)>", "**bold** _em_ `code`", "<javascript:alert(1)>",
            "[ref]: javascript:alert(1)", "&lt;b&gt; | pipe")
JAVASCRIPT_URL = "javascript:alert(1)"


def csv_rows(text: str) -> list[list[str]]:
    """The CSV parsed back as a spreadsheet would read it."""
    return list(csv.reader(io.StringIO(text, newline="")))


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: starting with = + - @ (after any whitespace), or with tab or CR."""
    return [cell for row in rows for cell in row
            if cell[:1] in ("\t", "\r") or (cell.strip() and cell.lstrip()[0] in "=+-@")]


def renderer() -> MarkdownIt:
    """CommonMark with GFM tables and raw HTML on, and every link scheme allowed (as the laxest viewer would)."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def render(text: str) -> str:
    return renderer().render(text)


def unsafe_html(html: str) -> list[str]:
    """Images, scripts, any raw tag with an event handler, and links with a scheme other than http(s)."""
    found = re.findall(r"<img\b[^>]*>|<script\b|<[a-z]+\b[^>]*\son\w+=", html, flags=re.I)
    found += [href for href in re.findall(r'<a\s[^>]*href="([^"]*)"', html)  # relative links are ctobot's files
              if re.match(r"[a-z][a-z0-9+.-]*:", href, flags=re.I) and not re.match(r"https?://", href)]
    return found


def unescaped_markup(markdown: str) -> list[str]:
    """The raw Markdown shapes of an image, a script tag and a javascript: link, unescaped."""
    return re.findall(r"(?<!\\)!\[|<script|(?<!\\)\]\(javascript:", markdown, flags=re.I)


def add_formula_records(session_factory, engagement, *, month: date = date(2026, 11, 1)) -> None:  # type: ignore[no-untyped-def]
    """One time entry, question, review request, risk and decision per formula in FORMULAS.

    Stored directly, as written, so a leading tab or CR reaches the exports even where a service would trim it.
    """
    at = datetime(month.year, month.month, 2, 10, 0, tzinfo=UTC)
    with transaction(session_factory) as session:
        for i, text in enumerate(FORMULAS):
            session.add(TimeEntry(engagement_id=engagement.id, user_id="U1", work_date=month.replace(day=i + 2),
                                  minutes=30, category="review", note=text))
            session.add(Question(engagement_id=engagement.id, channel_id="C1", message_ts=f"1795168800.{i:06d}",
                                 asker_user_id="U2", text=text, asked_at=at))
            session.add(ReviewRequest(engagement_id=engagement.id, channel_id="C1", requester_user_id="U2",
                                      url=f"https://github.com/acme/api/pull/{i + 1}", note=text, requested_at=at))
            session.add(Risk(engagement_id=engagement.id, number=i + 1, title=text, mitigation=text, owner=text,
                             opened_at=at))
            session.add(Decision(engagement_id=engagement.id, number=i + 1, title=text, context=text, options=text,
                                 outcome=text, consequences=text, created_at=at, updated_at=at))
            session.add(Finding(engagement_id=engagement.id, number=i + 1, title=text, rationale=text, opened_at=at))
            session.add(Vendor(engagement_id=engagement.id, number=i + 1, title=text, contract_terms=text,
                               escalation_theirs=text, status="active", opened_at=at))
            session.add(RoadmapItem(engagement_id=engagement.id, number=i + 1, title=text, quarter="2027-Q1",
                                    commercial_target=text, status="planned", opened_at=at))
            session.add(BuiltSystem(engagement_id=engagement.id, number=i + 1, title=text, when_it_breaks=text,
                                    status="live", opened_at=at))
