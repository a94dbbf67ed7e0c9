"""The weekly digest's figures for one engagement and one ISO week in its time zone.

Every query is bounded by the week (or the month) and the engagement, so the cost follows the week,
not the length of the history.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.errors import InvalidInput
from bot.models import Decision, Engagement, Question, ReviewRequest, Risk, TimeEntry
from bot.models.types import utcnow
from bot.services import artifacts, capture, retainer
from bot.services.artifacts import ArtifactState
from bot.services.business_hours import business_hours_between
from bot.services.retainer import MonthSummary


@dataclass(frozen=True)
class Week:
    """An ISO week in an engagement's time zone."""

    key: str  # 2026-W47
    monday: date
    start: datetime  # UTC
    end: datetime  # UTC, exclusive

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass
class WeeklyDigest:
    """Everything the digest shows."""

    engagement: Engagement
    week: Week
    week_minutes: int
    week_by_category: dict[str, int]
    month: MonthSummary
    executor_share_last_month: float | None
    questions_asked: int
    questions_answered: int
    median_first_response_hours: float | None
    worst_first_response_hours: float | None
    open_questions: list[Question]
    reviews_requested: int
    reviews_done: int
    median_review_turnaround_hours: float | None
    open_reviews: list[ReviewRequest]
    decisions_new: list[Decision]
    decisions_accepted: list[Decision]
    artifacts_delivered: list[ArtifactState] = field(default_factory=list)
    artifacts_due_soon: list[ArtifactState] = field(default_factory=list)
    artifacts_overdue: list[ArtifactState] = field(default_factory=list)
    high_risks: list[Risk] = field(default_factory=list)


def parse_week(text: str) -> tuple[int, int]:
    """`2026-W47` -> (2026, 47)."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        year, number = int(year_text), int(week_text)
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise InvalidInput(f"`{text}` is not an ISO week; weeks look like `2026-W47`.") from None
    return year, number


def week_of(engagement: Engagement, *, key: str | None = None, today: date | None = None) -> Week:
    """The week named `key`, or the one containing `today` (the engagement's today by default)."""
    zone = ZoneInfo(engagement.timezone)
    if key is None:
        today = today or utcnow().astimezone(zone).date()
        year, number, _ = today.isocalendar()
    else:
        year, number = parse_week(key)
    monday = date.fromisocalendar(year, number, 1)
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    return Week(key=f"{year}-W{number:02d}", monday=monday, start=start, end=end)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def build_digest(session: Session, *, engagement: Engagement, week: Week, now: datetime) -> WeeklyDigest:
    """The digest of `week` as it stands at `now`, or at the week's end for a past week."""
    eid = engagement.id
    # A past week is shown as it stood at its end: what was logged later is not in it.
    at = min(now, week.end)
    week_by_category = retainer.minutes_by_category(session, engagement=engagement, first=week.monday,
                                                    last=week.sunday, at=at)
    as_of = min(week.sunday, now.astimezone(ZoneInfo(engagement.timezone)).date())
    month = retainer.month_summary(session, engagement=engagement, month=as_of, today=as_of, at=at)
    last_month = retainer.last_month_summary(session, engagement=engagement, today=as_of, at=at)

    asked = session.exec(select(Question).where(
        Question.engagement_id == eid, Question.asked_at >= week.start, Question.asked_at < week.end,
        col(Question.deleted_at).is_(None))).all()
    answered = session.exec(select(Question).where(
        Question.engagement_id == eid, col(Question.first_response_at).is_not(None),
        Question.first_response_at >= week.start, Question.first_response_at < week.end,  # type: ignore[operator]
        col(Question.deleted_at).is_(None))).all()
    waits = [business_hours_between(engagement, q.asked_at, q.first_response_at) for q in answered
             if q.first_response_at is not None]

    requested = session.exec(select(func.count(ReviewRequest.id)).where(
        ReviewRequest.engagement_id == eid, ReviewRequest.requested_at >= week.start,
        ReviewRequest.requested_at < week.end, col(ReviewRequest.deleted_at).is_(None))).one()
    done = session.exec(select(ReviewRequest).where(
        ReviewRequest.engagement_id == eid, col(ReviewRequest.completed_at).is_not(None),
        ReviewRequest.completed_at >= week.start, ReviewRequest.completed_at < week.end,  # type: ignore[operator]
        col(ReviewRequest.deleted_at).is_(None))).all()
    turnarounds = [business_hours_between(engagement, r.requested_at, r.completed_at) for r in done
                   if r.completed_at is not None]

    new_decisions = session.exec(select(Decision).where(
        Decision.engagement_id == eid, Decision.created_at >= week.start, Decision.created_at < week.end)
        .order_by(Decision.number)).all()
    accepted = session.exec(select(Decision).where(
        Decision.engagement_id == eid, Decision.status == "accepted", col(Decision.decided_at).is_not(None),
        Decision.decided_at >= week.start, Decision.decided_at < week.end).order_by(Decision.number)).all()  # type: ignore[operator]

    states = artifacts.schedule_states(session, engagement=engagement, today=as_of)
    delivered = [s for s in states if s.artifact.delivered_at is not None
                 and week.start <= s.artifact.delivered_at < week.end]
    high = session.exec(select(Risk).where(Risk.engagement_id == eid, Risk.severity == "high",
                                           col(Risk.status) != "closed").order_by(Risk.number)).all()
    return WeeklyDigest(
        engagement=engagement, week=week, week_minutes=sum(week_by_category.values()),
        week_by_category=week_by_category, month=month, executor_share_last_month=last_month.executor_share,
        questions_asked=len(asked), questions_answered=len(answered),
        median_first_response_hours=_median(waits), worst_first_response_hours=max(waits) if waits else None,
        open_questions=capture.open_questions(session, engagement_id=eid),  # type: ignore[arg-type]
        reviews_requested=int(requested), reviews_done=len(done),
        median_review_turnaround_hours=_median(turnarounds),
        open_reviews=capture.open_reviews(session, engagement_id=eid),  # type: ignore[arg-type]
        decisions_new=list(new_decisions), decisions_accepted=list(accepted), artifacts_delivered=delivered,
        artifacts_due_soon=[s for s in states if s.state == "due-soon"],
        artifacts_overdue=[s for s in states if s.state == "overdue"], high_risks=list(high))


CHART_WEEKS = 8


def weekly_minutes(session: Session, *, engagement: Engagement, week: Week,
                   count: int = CHART_WEEKS) -> list[tuple[Week, int]]:
    """Minutes logged in each of the `count` weeks ending with `week`, oldest first."""
    weeks = [week_of(engagement, today=week.monday - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]
    rows = session.exec(select(TimeEntry.work_date, func.sum(TimeEntry.minutes)).where(
        TimeEntry.engagement_id == engagement.id, TimeEntry.work_date >= weeks[0].monday,
        TimeEntry.work_date <= week.sunday, col(TimeEntry.deleted_at).is_(None)).group_by(TimeEntry.work_date)).all()
    totals = dict.fromkeys((w.key for w in weeks), 0)
    for work_date, minutes in rows:
        year, number, _ = work_date.isocalendar()
        totals[f"{year}-W{number:02d}"] += int(minutes)
    return [(w, totals[w.key]) for w in weeks]
