"""Work categories, their aliases and their mode (support, decide, execute)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction

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


# The typical active-tier week, in hours per category (docs/design.md, from the product's sources): standup 1–2 h,
# review 4–6 h, one-on-one 1 h, hiring 2–4 h, architecture 2–3 h, roadmap 1–2 h, async 2–3 h. The sources' hours
# do not add up to any tier's band (their midpoints make 17 h a week, about 74 h a month against the active
# tier's 20–25 h), so only the *shares* are used: each category's midpoint over the sum of the midpoints. The
# sources describe only the active tier's week; as shares, the same profile is used for every tier.
TYPICAL_WEEK_HOURS: dict[str, tuple[Fraction, Fraction]] = {
    "standup": (Fraction(1), Fraction(2)),
    "review": (Fraction(4), Fraction(6)),
    "one-on-one": (Fraction(1), Fraction(1)),
    "hiring": (Fraction(2), Fraction(4)),
    "architecture": (Fraction(2), Fraction(3)),
    "roadmap": (Fraction(1), Fraction(2)),
    "async": (Fraction(2), Fraction(3)),
}
_MIDPOINTS = {name: (low + high) / 2 for name, (low, high) in TYPICAL_WEEK_HOURS.items()}
# review 5/17 (about 29 %), hiring 3/17, architecture and async 2.5/17 each, standup and roadmap 1.5/17 each,
# one-on-one 1/17; build, vendor and audit are not in the typical week (0).
TYPICAL_SHARES: dict[str, Fraction] = {name: mid / sum(_MIDPOINTS.values()) for name, mid in _MIDPOINTS.items()}


@dataclass(frozen=True)
class ShareComparison:
    """One category's share of a month's minutes next to its share of the typical week."""

    category: str
    minutes: int
    share: Fraction  # of the month's minutes
    typical: Fraction  # of the typical week (0 for a category outside it)

    @property
    def difference(self) -> Fraction:
        """The month's share minus the typical one (positive: more than typical)."""
        return self.share - self.typical


def compare_to_typical(by_category: dict[str, int]) -> list[ShareComparison]:
    """Each category of the typical week, then any other category with time, with the month's share of its
    minutes next to the typical share; empty when nothing was logged (a share of nothing means nothing)."""
    total = sum(minutes for minutes in by_category.values() if minutes > 0)
    if total == 0:
        return []
    names = list(TYPICAL_SHARES) + sorted(n for n, m in by_category.items() if m > 0 and n not in TYPICAL_SHARES)
    return [ShareComparison(category=name, minutes=by_category.get(name, 0),
                            share=Fraction(max(by_category.get(name, 0), 0), total),
                            typical=TYPICAL_SHARES.get(name, Fraction(0))) for name in names]
