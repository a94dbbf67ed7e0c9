"""One use case: draft an ADR from a decision's thread, by the LLM when allowed, else (or on failure) by template."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.llm.draft import NOTHING_RECORDED, AdrDraft, Drafter, DraftFailed, Recorded, ThreadMessage
from bot.llm.template import TemplateDrafter
from bot.redact import redact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftResult:
    """The draft, how it was made ("llm" or "template") and, for a template, why no LLM was used."""

    draft: AdrDraft
    method: str
    why_template: str | None = None


def redacted(messages: list[ThreadMessage], secrets: list[str] | tuple[str, ...] = ()) -> list[ThreadMessage]:
    """The messages with tokens, keys and passwords removed: nothing else may leave for an LLM."""
    return [ThreadMessage(user_id=m.user_id, text=redact(m.text, secrets), ts=m.ts, by_cto=m.by_cto, name=m.name,
                          by_decider=m.by_decider) for m in messages]


def draft_adr(*, title: str, messages: list[ThreadMessage], llm: Drafter | None, consent: bool,
              recorded: Recorded = NOTHING_RECORDED, secrets: list[str] | tuple[str, ...] = ()) -> DraftResult:
    """Draft by `llm` when there is one and the engagement consented; fall back to the template on any failure."""
    clean = redacted(messages, secrets)
    title = redact(title, secrets)
    recorded = Recorded(context=redact(recorded.context, secrets), options=tuple(redact(o, secrets) for o in
                                                                                 recorded.options),
                        outcome=redact(recorded.outcome, secrets), consequences=redact(recorded.consequences, secrets))
    why = None
    if llm is None:
        why = "no LLM is configured"
    elif not consent:
        why = "this engagement has not consented to sending discussions to an LLM"
    else:
        try:
            return DraftResult(draft=llm.draft(title=title, messages=clean, recorded=recorded), method="llm")
        except DraftFailed as exc:
            why = str(exc)
        except Exception:  # a drafter bug must not lose the draft
            logger.exception("LLM drafter failed")
            why = "the LLM drafter failed"
        logger.info("ADR draft falls back to the template: %s", why)
    return DraftResult(draft=TemplateDrafter().draft(title=title, messages=clean, recorded=recorded), method="template",
                       why_template=why)
