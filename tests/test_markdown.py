"""bot.markdown: what a person wrote renders as the very text it is; only http(s) URLs become links."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it.common.utils import escapeHtml

from bot import markdown
from tests.helpers.hostile import JAVASCRIPT_URL, MARKDOWN, render, unescaped_markup, unsafe_html

# Printable ASCII (every Markdown metacharacter is in it) and a few letters beyond it.
TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("éß—€"),
               max_size=60)


def paragraph(html: str) -> str:
    match = re.fullmatch(r"<p>(.*)</p>\n", html, flags=re.S)
    assert match, html
    return match.group(1)


@pytest.mark.parametrize("text", MARKDOWN)
def test_hostile_markdown_renders_as_its_own_text(text):
    escaped = markdown.inline(text)
    html = render(escaped)
    assert paragraph(html) == escapeHtml(text)
    assert unsafe_html(html) == [] and "<a " not in html and "<strong>" not in html and "<code>" not in html
    assert unescaped_markup(escaped) == []


@given(TEXT)
def test_any_line_renders_literally(text):
    normal = " ".join(text.split())
    html = render(markdown.inline(text))
    if normal:
        assert paragraph(html) == escapeHtml(normal)
    else:
        assert html == ""


@given(st.lists(TEXT, max_size=6).map("\n".join))
def test_any_block_of_lines_makes_no_structure(text):
    """Headings, lists, quotes, rules, setext underlines, tables, HTML: none survive, whatever the lines hold."""
    html = render(markdown.escape(text))
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {"p", "pre", "code"}  # indented lines stay literal code
    assert unsafe_html(html) == []


@pytest.mark.parametrize("line", ["# Heading", "> quote", "- item", "+ item", "1. first", "2) second", "---",
                                  "===", "   # indented heading", "| a | b |"])
def test_line_starts_that_make_structure_are_escaped(line):
    html = render(markdown.escape("intro\n" + line))
    assert re.findall(r"<(h\d|blockquote|ul|ol|hr|table)\b", html) == []
    assert escapeHtml(line.strip()) in html


def test_http_links_stay_links_and_other_schemes_never_become_one():
    assert markdown.link("https://acme.slack.com/archives/C1/p1") == "<https://acme.slack.com/archives/C1/p1>"
    html = render(markdown.link("https://example.com/a b|c<d>(e)", "Open"))
    assert 'href="https://example.com/a%20b%7Cc%3Cd%3E%28e%29"' in html and ">Open</a>" in html
    for url in (JAVASCRIPT_URL, "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
                "vbscript:x", "//evil.example/x", "http:/no-host", "file:///etc/passwd"):
        html = render(markdown.link(url))
        assert "<a " not in html and unsafe_html(html) == [], url
        assert paragraph(html) == escapeHtml(url)
