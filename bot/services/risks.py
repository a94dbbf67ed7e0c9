"""The risk register: the register kind `risk` (bot/services/registers.py), with its one-line `add`."""

from __future__ import annotations

from sqlmodel import Session

from bot.models import Engagement, Risk
from bot.services import registers
from bot.services.register_kinds import LEVELS, RISK

SEVERITIES = LEVELS
EXAMPLE = RISK.add_usage


def parse_add(text: str) -> tuple[str, str]:
    """`Title words [high|medium|low]` -> (title, severity); medium when none is named."""
    title, values = RISK.parse_add(text)  # type: ignore[misc]
    return title, values["severity"]


def add_risk(session: Session, *, engagement: Engagement, title: str, severity: str, user_id: str) -> Risk:
    """Open a risk with the engagement's next number."""
    return registers.add_entry(session, RISK, engagement=engagement, user_id=user_id, title=title,
                               values={"severity": severity})


def close_risk(session: Session, *, engagement: Engagement, number: int, user_id: str, note: str = "") -> Risk:
    """Close risk N (CTO only)."""
    return registers.set_status(session, RISK, engagement=engagement, number=number, status="closed",
                                user_id=user_id, note=note, verb="close")


def open_risks(session: Session, *, engagement_id: int) -> list[Risk]:
    """Open risks, highest severity first, then oldest."""
    return [r for r in registers.list_entries(session, RISK, engagement_id=engagement_id) if r.status == "open"]


def all_risks(session: Session, *, engagement_id: int) -> list[Risk]:
    """Every risk, by number."""
    return registers.all_entries(session, RISK, engagement_id=engagement_id)


__all__ = ["EXAMPLE", "SEVERITIES", "add_risk", "all_risks", "close_risk", "open_risks", "parse_add"]
