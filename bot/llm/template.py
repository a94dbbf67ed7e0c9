"""The drafter used without an LLM: the thread's first message, the options people listed, the CTO's last word."""

from __future__ import annotations

import re

from bot.llm.draft import NOTHING_RECORDED, AdrDraft, Recorded, ThreadMessage

_BULLET = re.compile(r"^\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_OPTION = re.compile(r"^\s*\*?_?option\s+(?:[A-Z]|\d{1,2})\b\s*\*?_?\s*[:.)\-–—]?\s*(?P<text>\S.*)$", re.I)
UNDECIDED = "Not decided yet: the CTO has not said what was chosen in the thread."
NO_CONSEQUENCES = "Not recorded yet."


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


class TemplateDrafter:
    """Assembles the draft from the thread itself; never fails."""

    name = "template"

    def draft(self, *, title: str, messages: list[ThreadMessage], recorded: Recorded = NOTHING_RECORDED) -> AdrDraft:
        """First message as context, listed options, the last CTO message as outcome; keeps what was recorded."""
        spoken = [m for m in messages if m.text.strip()]
        context = recorded.context.strip() or (spoken[0].text.strip() if spoken else title)
        from_cto = [m for m in spoken if m.by_cto]
        outcome = from_cto[-1].text.strip() if from_cto else (recorded.outcome.strip() or UNDECIDED)
        options = list(dict.fromkeys([*recorded.options, *listed_options(spoken)]))[:20]
        return AdrDraft(context=context, options=options, outcome=outcome,
                        consequences=recorded.consequences.strip() or NO_CONSEQUENCES)
