"""Slack mrkdwn, the one place user text is made safe to show: it can never mention anyone or carry a link.

Slack reads `<…>` as a mention (`<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>`) or a link
(`<url|label>`), and asks for `&`, `<` and `>` to be sent as `&amp;`, `&lt;` and `&gt;`
(https://api.slack.com/reference/surfaces/formatting#escaping). Text that came from Slack (message and
command text) is already escaped that way, so an existing `&amp;`, `&lt;` or `&gt;` is kept as it is rather
than shown as `&amp;lt;`: `<` and `>` are always escaped, so no mention or link can survive either way.
plain_text fields (headers, buttons, options, modal titles) are shown literally by Slack and are not escaped.

Written here, not taken from a library: slack_sdk has no escaping helper, and `html.escape` would escape
already-escaped text a second time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
_SAFE_URL = re.compile(r"https?://[^\s<>|\"]+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
LABEL_BAR = "∣"  # a `|` inside a link label would end Slack's url part early; this one looks the same
ELLIPSIS = "…"


def escape(text: str | None) -> str:
    """User text for a mrkdwn field: `&`, `<`, `>` as Slack's entities; *bold* and the like are kept."""
    if not text:
        return ""
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """mrkdwn made by ctobot, back to what a terminal should print."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str | None, limit: int) -> str:
    """Raw text cut to at most `limit` characters (with "…"), before it is escaped so no entity is cut."""
    text = text or ""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def user_text(text: str | None, limit: int | None = None) -> str:
    """User text, clipped to `limit` characters when given, then escaped."""
    return escape(clip(text, limit) if limit is not None else text)


def is_safe_url(url: str | None) -> bool:
    """An http(s) URL that cannot break out of `<url|label>` (no spaces, `<`, `>`, `|` or quotes)."""
    return bool(url) and _SAFE_URL.fullmatch(url or "") is not None


def inline(text: str | None, limit: int | None = None) -> str:
    """User text for one line of a list: whitespace (newlines too) folded to single spaces, clipped, escaped."""
    return user_text(_SPACES.sub(" ", text or "").strip(), limit)


def label(text: str | None, limit: int | None = None) -> str:
    """Text for inside a link: `inline`, with `|` that cannot end the url part."""
    return inline(text, limit).replace("|", LABEL_BAR)


def link(url: str | None, text: str | None, *, limit: int | None = None) -> str:
    """A link ctobot makes, `<url|label>`, its label escaped; a URL that is not a safe http(s) one (anything a
    user could have smuggled markup into) is shown as escaped text after the label instead; no URL, the label."""
    shown = label(text, limit) if text else ""
    if is_safe_url(url):
        return f"<{escape(url)}|{shown}>" if shown else f"<{escape(url)}>"
    if not url:
        return shown
    return f"{shown} ({user_text(url, 200)})" if shown else user_text(url, 200)


_ANGLED = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'-]+:(?![\w:]) ?")


def plain(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """mrkdwn made by ctobot as a terminal should print it: links as `label (url)`, mentions as the person's name
    when `names` knows it (else the bare id), channels as `#C…`, no *bold* and no `:emoji:` codes, entities back
    to `&`, `<` and `>` (last, so that escaped user text can never turn into a link)."""
    names = names or {}

    def angled(match: re.Match[str]) -> str:
        target, shown = match.group(1), match.group(2)
        if target.startswith("@"):
            return shown or names.get(target[1:], target[1:])
        if target.startswith("#"):
            return "#" + (shown or target[1:])
        if target.startswith("!"):
            return shown or "@" + target[1:].split("^")[0]
        return f"{shown} ({target})" if shown else target

    text = _ANGLED.sub(angled, text)
    text = _EMOJI.sub("", _BOLD.sub(r"\1", text))
    return unescape(text)
