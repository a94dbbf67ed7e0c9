"""The engagement's written deliverables, due on a schedule counted from its start date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from bot.calendar import add_months
from bot.db.unique import insert_once
from bot.errors import InvalidInput
from bot.models import Artifact, Decision, Engagement, id_of, utcnow
from bot.services.engagements import require_cto

# (engagement month the kind is due at the end of, kinds); None = at the end of the engagement.
SCHEDULE: tuple[tuple[int | None, tuple[str, ...]], ...] = (
    (1, ("technical-audit", "immediate-risks", "ninety-day-plan")),
    (2, ("roadmap", "adrs", "review-norms", "hiring-kit")),
    (3, ("roadmap-progress", "skills-assessment", "risk-register", "next-phase-recommendation")),
    (None, ("handover",)),
)
KINDS = tuple(kind for _, kinds in SCHEDULE for kind in kinds)
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class ArtifactState:
    """An artifact and where it stands today."""

    artifact: Artifact
    state: str  # delivered, skipped, overdue, due-soon, upcoming, at-the-end

    @property
    def kind(self) -> str:
        return self.artifact.kind


def end_of_month_n(start: date, n: int) -> date:
    """The last day of the engagement's n-th month (month 1 ends the day before the first monthly anniversary)."""
    return add_months(start, n) - timedelta(days=1)


def due_date(engagement: Engagement, kind: str) -> date | None:
    """When `kind` is due for the engagement (None for the handover of an engagement with no end date)."""
    for month, kinds in SCHEDULE:
        if kind in kinds:
            if month is None:
                return engagement.end_date
            return end_of_month_n(engagement.start_date, month)
    raise InvalidInput(f"`{kind}` is not an artifact kind. Kinds: {', '.join(KINDS)}.")


def ensure_schedule(session: Session, *, engagement: Engagement) -> list[Artifact]:
    """The engagement's artifacts, created from the schedule on first use, in schedule order."""
    existing = {a.kind: a for a in session.exec(select(Artifact).where(Artifact.engagement_id == engagement.id))}
    for kind in KINDS:
        due = due_date(engagement, kind) or engagement.start_date
        if kind not in existing:
            artifact = Artifact(engagement_id=id_of(engagement), kind=kind, due_date=due)
            if insert_once(session, artifact):
                existing[kind] = artifact
            else:
                existing[kind] = session.exec(select(Artifact).where(
                    Artifact.engagement_id == engagement.id, Artifact.kind == kind)).one()
        elif existing[kind].due_date != due:  # the start (or end) date changed
            existing[kind].due_date = due
            session.add(existing[kind])
    session.flush()
    return [existing[kind] for kind in KINDS]


def _adrs_met(session: Session, engagement: Engagement) -> bool:
    return session.exec(select(Decision.id).where(
        Decision.engagement_id == engagement.id, Decision.status == "accepted").limit(1)).first() is not None


def schedule_states(session: Session, *, engagement: Engagement, today: date) -> list[ArtifactState]:
    """Every artifact with its state today; `adrs` counts as delivered once any decision is accepted."""
    states = []
    for artifact in ensure_schedule(session, engagement=engagement):
        if artifact.delivered_at is not None or (artifact.kind == "adrs" and _adrs_met(session, engagement)):
            state = "delivered"
        elif artifact.skipped_at is not None:
            state = "skipped"
        elif artifact.kind == "handover" and engagement.end_date is None:
            state = "at-the-end"
        elif artifact.due_date < today:
            state = "overdue"
        elif artifact.due_date <= today + timedelta(days=DUE_SOON_DAYS):
            state = "due-soon"
        else:
            state = "upcoming"
        states.append(ArtifactState(artifact=artifact, state=state))
    return states


def _artifact(session: Session, engagement: Engagement, kind: str) -> Artifact:
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise InvalidInput(f"`{kind}` is not an artifact kind. Kinds: {', '.join(KINDS)}.")
    return next(a for a in ensure_schedule(session, engagement=engagement) if a.kind == kind)


def mark_delivered(session: Session, *, engagement: Engagement, kind: str, user_id: str,
                   link: str | None = None) -> Artifact:
    """Record the artifact as delivered (CTO only), with an optional link."""
    require_cto(engagement, user_id, to="mark artifacts")
    artifact = _artifact(session, engagement, kind)
    artifact.delivered_at, artifact.delivered_by = utcnow(), user_id
    artifact.link = (link or "").strip("<>").split("|")[0][:500] or artifact.link
    artifact.skipped_at, artifact.skip_reason = None, None
    session.add(artifact)
    session.flush()
    return artifact


def skip(session: Session, *, engagement: Engagement, kind: str, user_id: str, reason: str) -> Artifact:
    """Skip the artifact with a reason (CTO only)."""
    require_cto(engagement, user_id, to="mark artifacts")
    if not reason.strip():
        example = f"/artifact skip {kind or 'hiring-kit'} no hiring this quarter"
        raise InvalidInput(f"Say why it is skipped, e.g. `{example}`.")
    artifact = _artifact(session, engagement, kind)
    artifact.skipped_at, artifact.skip_reason = utcnow(), reason.strip()[:500]
    session.add(artifact)
    session.flush()
    return artifact
