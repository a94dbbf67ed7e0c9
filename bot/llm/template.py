"""The drafter used without an LLM: the problem, the whole discussion condensed (who said what, in order),
the options people listed and the last word of a decider."""

from __future__ import annotations

import re

from bot.llm.draft import NOTHING_RECORDED, SECTION_LIMIT, AdrDraft, Recorded, ThreadMessage

_BULLET = re.compile(r"^\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_OPTION = re.compile(r"^\s*\*?_?option\s+(?:[A-Z]|\d{1,2})\b\s*\*?_?\s*[:.)\-–—]?\s*(?P<text>\S.*)$", re.I)
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")
UNDECIDED = "Not decided yet: no decider has said in the thread what was chosen."
NO_CONSEQUENCES = "The thread states no consequences beyond the outcome; add them with Edit when they are known."
LINE_LIMIT = 200  # one message's line in the discussion
LINES_MAX = 30  # a long thread keeps its first 30 messages and says how many more there were
PROBLEM_LIMIT = 800
DISCUSSION_HEAD = "Discussion in the thread, oldest first:"


def listed_options(messages: list[ThreadMessage]) -> list[str]:
    """Bullet or numbered lines and "Option A: …" lines, in the order people wrote them, without repeats."""
    found: dict[str, str] = {}
    for message in messages:
        for line in message.text.splitlines():
            match = _OPTION.match(line) or _BULLET.match(line)
            if match:
                text = " ".join(match.group("text").split()).strip("*_ ")
                if text:
                    found.setdefault(text.lower(), text)
    return list(found.values())[:20]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def gist(text: str) -> str:
    """A message in one line: its first sentence, at most LINE_LIMIT characters."""
    flat = " ".join(text.split())
    match = _SENTENCE.match(flat)
    return _cut(match.group(1) if match else flat, LINE_LIMIT)


def discussion(messages: list[ThreadMessage], *, budget: int) -> list[str]:
    """`Name: first sentence` for each message in order, within `budget` characters and LINES_MAX lines;
    a longer thread ends with `… and N more messages`."""
    lines = [f"{m.speaker}: {gist(m.text)}" for m in messages if m.text.strip()]
    kept: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        rest = len(lines) - n
        more = f"… and {rest} more message{'s' if rest != 1 else ''}"
        need = len(line) + 2 + (len(more) + 2 if rest > 1 else 0)  # room for the `… and N more` line after it
        if len(kept) == LINES_MAX or used + need > budget:
            kept.append(more)
            break
        kept.append(line)
        used += len(line) + 2
    return kept


class TemplateDrafter:
    """Assembles the draft from the thread itself; never fails."""

    name = "template"

    def draft(self, *, title: str, messages: list[ThreadMessage], recorded: Recorded = NOTHING_RECORDED) -> AdrDraft:
        """The problem (what was recorded, or the first message) and the condensed discussion as context, the
        listed options, the last decider's message as outcome; keeps what people recorded."""
        spoken = [m for m in messages if m.text.strip()]
        problem = _cut(recorded.context.strip() or (spoken[0].text.strip() if spoken else title), PROBLEM_LIMIT)
        context = problem
        if spoken:
            budget = SECTION_LIMIT - len(problem) - len(DISCUSSION_HEAD) - 4
            context += "\n\n" + DISCUSSION_HEAD + "\n\n" + "\n\n".join(discussion(spoken, budget=budget))
        deciding = [m for m in spoken if m.by_decider or m.by_cto]
        outcome = deciding[-1].text.strip() if deciding else (recorded.outcome.strip() or UNDECIDED)
        # Nobody listed options: the one the title names is the one that was considered.
        options = list(dict.fromkeys([*recorded.options, *listed_options(spoken)]))[:20] or [title]
        return AdrDraft(context=context, options=options, outcome=outcome,
                        consequences=recorded.consequences.strip() or NO_CONSEQUENCES)
