"""Retainer tiers: the monthly hours band and the first-response target of each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    """A retainer tier's defaults; an engagement may override the band and target."""

    name: str
    hours_min: int
    hours_max: int
    response_target_hours: float


TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        Tier("advisory", 8, 10, 8),
        Tier("growth", 15, 20, 6),
        Tier("active", 20, 25, 4),
        Tier("full", 35, 40, 2),
    )
}
CUSTOM = "custom"
TIER_NAMES = (*TIERS, CUSTOM)
