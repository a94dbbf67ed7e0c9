"""Markdown for the files ctobot writes (the handover pack, the ADRs): what a person wrote renders literally.

One escaping function for every piece of user text, and one for links: a link is rendered only when its
scheme is http or https; anything else is shown as escaped text. Written here rather than taken from a
library because no maintained Python package escapes CommonMark/GFM text for literal rendering (the
renderers escape HTML on output, which is the other direction).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Anywhere in a line: backslash, code spans, emphasis, links and images, tables, strikethrough and fences,
# GFM's e-mail and mailto:/xmpp: autolinks. `<` and `&` become entities so no HTML tag or entity survives.
_INLINE = re.compile(r"[\\`*_\[\]|~@]")
_ENTITIES = {"&": "&amp;", "<": "&lt;"}
# At the start of a line (after up to three spaces): headings, block quotes, bullets, thematic breaks,
# setext underlines, and the `1.` / `1)` of an ordered list.
_LINE_START = re.compile(r"^( {0,3})([#>+=-])", re.M)
_ORDERED = re.compile(r"^( {0,3}\d{1,9})([.)])", re.M)
# Characters left as they are inside a link's destination; the rest are percent-encoded, so the URL can
# hold no space, parenthesis, `<`, `>`, `|`, backslash or quote that would end the link or a table cell.
_URL_SAFE = "!#$%&'*+,-./:;=?@[]_~"


def escape(text: str | None) -> str:
    """User text, escaped so that Markdown renders it character for character (line breaks kept)."""
    text = re.sub(r"[&<]", lambda m: _ENTITIES[m.group()], text or "")
    text = _INLINE.sub(lambda m: "\\" + m.group(), text)
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def inline(text: str | None) -> str:
    """User text on one line (a heading, a list item, a table cell): escaped, line breaks made spaces."""
    return escape(" ".join((text or "").split()))


def http_url(url: str | None) -> str | None:
    """`url` percent-encoded for a Markdown link when it is an absolute http(s) URL; None otherwise."""
    candidate = (url or "").strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(candidate, safe=_URL_SAFE)


def link(url: str | None, label: str | None = None) -> str:
    """A link ctobot renders: `<url>` (or `[label](url)`) for http(s); any other text is escaped, never a link."""
    safe = http_url(url)
    if safe is None:
        return inline(url)
    return f"[{inline(label)}]({safe})" if label else f"<{safe}>"
