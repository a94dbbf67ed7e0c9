"""The risk register: numbered per engagement, opened by anyone in the channel, closed by the CTO."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.unique import insert_once
from bot.errors import InvalidInput, NotFound
from bot.models import Engagement, Risk, utcnow
from bot.redact import redact
from bot.services.engagements import require_cto

SEVERITIES = ("high", "medium", "low")
SEVERITY_ORDER = {name: index for index, name in enumerate(SEVERITIES)}
EXAMPLE = "`/risk add Single point of failure in the payments worker high`"


def parse_add(text: str) -> tuple[str, str]:
    """`Title words [high|medium|low]` -> (title, severity); medium when none is named."""
    words = text.split()
    severity = "medium"
    if words and words[-1].lower() in SEVERITIES:
        severity = words.pop().lower()
    title = " ".join(words).strip()
    if not title:
        raise InvalidInput(f"Give the risk a title, e.g. {EXAMPLE}.")
    return title, severity


def add_risk(session: Session, *, engagement: Engagement, title: str, severity: str, user_id: str) -> Risk:
    """Open a risk with the engagement's next number."""
    if severity not in SEVERITIES:
        raise InvalidInput(f"Severity is one of {', '.join(SEVERITIES)}.")
    for _ in range(5):  # two people adding at once: the loser takes the next number
        number = (session.exec(select(func.max(Risk.number)).where(Risk.engagement_id == engagement.id)).one() or 0) + 1
        risk = Risk(engagement_id=engagement.id, number=number, title=redact(title)[:300], severity=severity,  # type: ignore[arg-type]
                    opened_by=user_id)
        if insert_once(session, risk):
            return risk
    raise InvalidInput("Several risks were added at the same moment; please try again.")


def close_risk(session: Session, *, engagement: Engagement, number: int, user_id: str, note: str = "") -> Risk:
    """Close risk N (CTO only)."""
    require_cto(engagement, user_id, to="close risks")
    risk = session.exec(select(Risk).where(Risk.engagement_id == engagement.id, Risk.number == number)).first()
    if risk is None:
        raise NotFound(f"There is no risk {number}. `/risk` lists them.")
    if risk.status == "closed":
        raise InvalidInput(f"Risk {number} is already closed.")
    risk.status, risk.closed_at, risk.close_note = "closed", utcnow(), redact(note.strip())[:1000] or None
    session.add(risk)
    session.flush()
    return risk


def open_risks(session: Session, *, engagement_id: int) -> list[Risk]:
    """Open risks, highest severity first, then oldest."""
    risks = session.exec(select(Risk).where(Risk.engagement_id == engagement_id,
                                            col(Risk.status) != "closed")).all()
    return sorted(risks, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.number))


def all_risks(session: Session, *, engagement_id: int) -> list[Risk]:
    """Every risk, by number."""
    return list(session.exec(select(Risk).where(Risk.engagement_id == engagement_id).order_by(Risk.number)).all())
