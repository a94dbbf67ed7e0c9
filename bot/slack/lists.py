"""Every list ctobot shows in Slack, cut to Slack's limits at an item boundary and ending in "and N more".

Slack refuses a section whose text is over 3,000 characters, a message of more than 50 blocks and a view of
more than 100 (https://api.slack.com/reference/block-kit/blocks). A list is never cut inside an item (so
a link is never broken); what does not fit is counted, exactly, in a last "and N more" line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
MORE = "and {n} more"

T = TypeVar("T")


def more_line(hidden: int, more: str = MORE) -> str:
    """`and 7 more`."""
    return more.format(n=hidden)


def cut(items: Sequence[T], max_items: int) -> tuple[list[T], str | None]:
    """For lists of one block per item: the items that fit, and the "and N more" line (None if all fit)."""
    shown = list(items[: max(max_items, 0)])
    hidden = len(items) - len(shown)
    return shown, (more_line(hidden) if hidden else None)


def list_sections(lines: Sequence[str], *, head: str | None = None, empty: str = "", max_items: int | None = None,
                  max_sections: int = 1, limit: int = SECTION_LIMIT, more: str = MORE) -> list[str]:
    """`head` and the lines packed into at most `max_sections` texts of at most `limit` characters each, whole
    lines only (and at most `max_items` of them), then `more` with the exact count of lines left out."""
    if not lines:
        text = "\n".join(part for part in (head, empty) if part)
        return [text] if text else []
    cap = len(lines) if max_items is None else max(min(max_items, len(lines)), 0)
    packed = _pack(lines[:cap], head=head, max_sections=max_sections, limit=limit, reserve=0)
    if sum(shown for _, shown in packed) == len(lines):
        return [text for text, _ in packed]
    reserve = 1 + len(more_line(len(lines), more))  # "\n" and the longest the line can be
    packed = _pack(lines[:cap], head=head, max_sections=max_sections, limit=limit, reserve=reserve)
    hidden = len(lines) - sum(shown for _, shown in packed)
    texts, last = [text for text, _ in packed], more_line(hidden, more)
    if not texts[-1]:
        texts[-1] = last
    elif len(texts[-1]) + 1 + len(last) <= limit:
        texts[-1] = f"{texts[-1]}\n{last}"
    else:  # only before the last allowed section, which keeps room for it: a section of its own
        texts.append(last)
    return texts


def list_text(lines: Sequence[str], *, head: str | None = None, empty: str = "", max_items: int | None = None,
              limit: int = SECTION_LIMIT, more: str = MORE) -> str:
    """One section's text: `list_sections` with a single section."""
    texts = list_sections(lines, head=head, empty=empty, max_items=max_items, limit=limit, more=more)
    return texts[0] if texts else ""


def _pack(lines: Sequence[str], *, head: str | None, max_sections: int, limit: int,
          reserve: int) -> list[tuple[str, int]]:
    """(text, lines in it) per section; the last allowed section keeps `reserve` characters free."""
    sections: list[tuple[str, int]] = [(head or "", 0)]
    for line in lines:
        text, count = sections[-1]
        budget = limit - (reserve if len(sections) == max_sections else 0)
        joined = f"{text}\n{line}" if text else line
        if len(joined) <= budget:
            sections[-1] = (joined, count + 1)
            continue
        if len(sections) < max_sections:
            budget = limit - (reserve if len(sections) + 1 == max_sections else 0)
            if len(line) <= budget:
                sections.append((line, 1))
                continue
        break
    return sections
