"""Reading Slack mrkdwn the way Slack does: every `<…>` is a mention or a link."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.slack_api import Call

MARKUP = re.compile(r"<([^<>]*)>")
HOSTILE = ("<!channel> <!here> <@U123> <https://evil.example|Open the invoice> "
           "<!subteam^S1> <#C999> &lt;b&gt; *bold*")
# How each part of HOSTILE must come out: shown, never acted on
ESCAPED = ("&lt;!channel&gt;", "&lt;!here&gt;", "&lt;@U123&gt;", "&lt;https://evil.example")


def payload_text(*parts: Any) -> str:
    """Everything Slack reads as mrkdwn in `parts` (strings, blocks, views, fake Slack calls), as JSON.
    plain_text objects (headers, buttons, titles) are left out: Slack shows them literally, never as markup."""
    out = []
    for part in parts:
        if isinstance(part, Call):
            part = {key: _decoded(value) for key, value in part.args.items()}
        out.append(part if isinstance(part, str) else json.dumps(_without_plain_text(part), ensure_ascii=False))
    return "\n".join(out)


def _without_plain_text(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return {"type": "plain_text"}
        return {key: _without_plain_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_plain_text(item) for item in value]
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def foreign_markup(text: str, *, users: tuple[str, ...] = ("U1", "U2"), channels: tuple[str, ...] = ("C1",),
                   urls: tuple[str, ...] = ("https://test.slack.com/archives/", "https://github.com/acme/")
                   ) -> list[str]:
    """Every `<…>` in `text` that is not a mention of a known user or channel or a link to a known place."""
    bad = []
    for match in MARKUP.finditer(text):
        inner = match.group(1)
        if inner[:1] == "@" and inner[1:] in users or inner[:1] == "#" and inner[1:] in channels:
            continue
        if inner[:1] not in "@#!" and any(inner.split("|", 1)[0].startswith(url) for url in urls):
            continue
        bad.append(match.group(0))
    return bad


def assert_hostile_text_is_inert(text: str, **known: Any) -> None:
    """The hostile text is in `text`, escaped: no mention or foreign link survives, *bold* is kept."""
    assert foreign_markup(text, **known) == [], foreign_markup(text, **known)
    for part in ESCAPED:
        assert part in text, (part, text[:2000])
    assert "&amp;lt;b" not in text, "already-escaped text was escaped twice"
