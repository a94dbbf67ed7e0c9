"""Work categories, their aliases and their mode (support, decide, execute)."""

from __future__ import annotations

import difflib

SUPPORT, DECIDE, EXECUTE = "support", "decide", "execute"

CATEGORIES: dict[str, str] = {
    "standup": SUPPORT,
    "review": DECIDE,
    "one-on-one": DECIDE,
    "hiring": DECIDE,
    "architecture": DECIDE,
    "roadmap": DECIDE,
    "async": SUPPORT,
    "build": EXECUTE,
    "vendor": DECIDE,
    "audit": DECIDE,
}

ALIASES: dict[str, str] = {
    "arch": "architecture", "architect": "architecture", "design": "architecture", "adr": "architecture",
    "cr": "review", "pr": "review", "code-review": "review", "codereview": "review", "reviews": "review",
    "1:1": "one-on-one", "1on1": "one-on-one", "1-1": "one-on-one", "oneonone": "one-on-one",
    "one-to-one": "one-on-one", "mentoring": "one-on-one", "coaching": "one-on-one",
    "interview": "hiring", "interviews": "hiring", "recruiting": "hiring", "recruitment": "hiring",
    "standups": "standup", "stand-up": "standup", "sync": "standup", "meeting": "standup",
    "plan": "roadmap", "planning": "roadmap", "strategy": "roadmap",
    "slack": "async", "email": "async", "questions": "async", "support": "async",
    "dev": "build", "coding": "build", "code": "build", "implementation": "build", "hands-on": "build",
    "vendors": "vendor", "procurement": "vendor", "tooling": "vendor",
    "assessment": "audit", "due-diligence": "audit", "dd": "audit",
}


def resolve_category(word: str) -> str | None:
    """The category named by `word` (a name or alias, any case), or None."""
    key = word.strip().lower()
    if key in CATEGORIES:
        return key
    return ALIASES.get(key)


def suggest_category(word: str) -> str | None:
    """The category whose name or alias is closest to `word`, if any is close."""
    candidates = list(CATEGORIES) + list(ALIASES)
    match = difflib.get_close_matches(word.strip().lower(), candidates, n=1, cutoff=0.6)
    return resolve_category(match[0]) if match else None


def mode_of(category: str) -> str:
    """support, decide or execute."""
    return CATEGORIES[category]
