"""The one mrkdwn escape: user text shown as written, never as a mention or a link; ctobot's links stay links."""

from __future__ import annotations

import pytest

from bot.slack.mrkdwn import clip, escape, inline, link, unescape
from tests.helpers.markup import MARKUP


@pytest.mark.parametrize(("text", "shown"), [
    ("<!channel> ping", "&lt;!channel&gt; ping"),
    ("<!here>", "&lt;!here&gt;"),
    ("<!everyone>", "&lt;!everyone&gt;"),
    ("<@U123> and <#C999|general>", "&lt;@U123&gt; and &lt;#C999|general&gt;"),
    ("<!subteam^S1|@devs>", "&lt;!subteam^S1|@devs&gt;"),
    ("<https://evil.example|Open the invoice>", "&lt;https://evil.example|Open the invoice&gt;"),
    ("R&D > ops", "R&amp;D &gt; ops"),
    ("a &lt; b &amp; c &gt; d", "a &lt; b &amp; c &gt; d"),  # Slack's own escaping is not doubled
    ("&lt", "&amp;lt"),
    ("*bold* _it_ `code`", "*bold* _it_ `code`"),
    ("", ""),
    (None, ""),
])
def test_escape(text, shown):
    assert escape(text) == shown


def test_escaped_text_has_no_markup_and_reads_back_as_written():
    text = "<!channel> <@U1> <https://x.example|y> & &amp;"
    assert MARKUP.findall(escape(text)) == []
    assert unescape(escape(text)) == "<!channel> <@U1> <https://x.example|y> & &"


def test_links_ctobot_makes_keep_their_url_and_escape_their_label():
    assert link("https://github.com/acme/api/pull/7", "PR 7") == "<https://github.com/acme/api/pull/7|PR 7>"
    assert link("https://x.slack.com/archives/C1/p1?thread_ts=1&cid=C1", "a|b <!here>\nnext") == (
        "<https://x.slack.com/archives/C1/p1?thread_ts=1&amp;cid=C1|a∣b &lt;!here&gt; next>")
    assert link(None, "<@U1> asked") == "&lt;@U1&gt; asked"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://a.example><!channel", "https://a.example|<!here",
                                 "https://a.example/ x", 'https://a.example/"onclick', "ftp://a.example/"])
def test_a_url_that_could_carry_markup_is_shown_as_text_not_linked(url):
    shown = link(url, "link")
    assert MARKUP.findall(shown) == [] and shown.startswith("link (")


def test_clip_cuts_before_escaping_so_no_entity_is_split():
    assert inline("<<<<<", 3) == "&lt;&lt;…"
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"
    assert inline("one\n two\t three", None) == "one two three"
