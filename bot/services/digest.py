"""The weekly digest's figures for one engagement and one ISO week in its time zone.

Conservation: every time entry, question, review and decision is counted in exactly one posted digest. Each
posted digest's counts are kept in `digest_item` (recorded with the post, see bot/flows/scheduled_posts.py); the next
digest counts what no posted digest has: the week's entries, entries for earlier weeks logged since ("logged
late"), changes to counted entries ("corrections") and the events up to its slot. The state figures (month to
date, open lists, artifacts) stand at the digest's instant.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from bot import calendar
from bot.errors import InvalidInput
from bot.models import Decision, DigestItem, DigestRun, Engagement, Question, ReviewRequest, Risk, TimeEntry, id_of
from bot.models.types import utcnow
from bot.services import artifacts, capture, retainer
from bot.services.artifacts import ArtifactState
from bot.services.business_hours import business_hours_between
from bot.services.retainer import MonthSummary

DIGEST_KIND = "digest"  # the digest_run kind of weekly digests


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


TIME, QUESTION, REVIEW, DECISION = "time", "question", "review", "decision"
WEEK, LATE, CORRECTION = "week", "late", "correction"
ASKED, ANSWERED, REQUESTED, RESPONDED, DONE, NEW, ACCEPTED = (
    "asked", "answered", "requested", "responded", "done", "new", "accepted")


@dataclass(frozen=True)
class Counted:
    """One thing a digest counts: minutes of a time entry (its week's, late, or a correction) or an event."""

    kind: str
    item_id: int
    event: str
    minutes: int = 0
    work_date: date | None = None
    category: str | None = None


@dataclass(frozen=True)
class Correction:
    """An entry changed after a digest counted it: the change in minutes (a deleted entry: minus all of it)."""

    entry_id: int
    work_date: date
    category: str
    minutes: int
    deleted: bool


@dataclass
class WeeklyDigest:
    """Everything the digest shows: what it counts (each thing once over all posted digests) and the state."""

    engagement: Engagement
    week: Week
    at: datetime  # the instant it stands at: the post, or now for a preview, or the week's end
    posted_at: datetime | None  # set when this is the digest as it was posted
    week_minutes: int
    week_by_category: dict[str, int]
    late_by_week: list[tuple[str, int]]  # (ISO week, minutes) logged late for earlier weeks, oldest first
    corrections: list[Correction]
    month: MonthSummary
    executor_share_last_month: float | None
    questions_asked: int
    questions_answered: int
    median_first_response_hours: float | None
    worst_first_response_hours: float | None
    worst_is_open: bool  # the worst is a question still waiting
    open_questions: list[Question]
    reviews_requested: int
    reviews_responded: int
    median_review_response_hours: float | None
    reviews_done: int
    median_review_done_hours: float | None
    open_reviews: list[ReviewRequest]
    decisions_new: list[Decision]
    decisions_accepted: list[Decision]
    counted: list[Counted] = field(default_factory=list)
    artifacts_delivered: list[ArtifactState] = field(default_factory=list)
    artifacts_due_soon: list[ArtifactState] = field(default_factory=list)
    artifacts_overdue: list[ArtifactState] = field(default_factory=list)
    high_risks: list[Risk] = field(default_factory=list)

    @property
    def late_minutes(self) -> int:
        return sum(minutes for _, minutes in self.late_by_week)

    @property
    def correction_minutes(self) -> int:
        return sum(c.minutes for c in self.corrections)

    @property
    def counted_minutes(self) -> int:
        """Everything this digest adds to the ledger's total: this week, late time and corrections."""
        return self.week_minutes + self.late_minutes + self.correction_minutes



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


def week_key_of(day: date) -> str:
    """`2026-W47`: the ISO week of `day`."""
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def _reported(kind: str, item_id: Any, before: datetime | None) -> Any:
    """Whether a posted digest (posted before `before`, when given) counted the item."""
    query = select(DigestItem.id).where(DigestItem.kind == kind, DigestItem.item_id == item_id)
    if before is not None:
        query = query.where(DigestItem.recorded_at < before)
    return query.exists()


def _live_at(deleted_at: Any, at: datetime) -> Any:
    return or_(col(deleted_at).is_(None), col(deleted_at) >= at)


def _unreported_events(session: Session, *, model: Any, kind: str, event: str, column: Any, eid: int,
                       until: datetime, before: datetime | None, where: tuple[Any, ...] = ()) -> list[Any]:
    """Rows whose event happened before `until` and that no digest (posted before `before`) counted for `event`."""
    reported = select(DigestItem.id).where(DigestItem.kind == kind, DigestItem.item_id == model.id,
                                           DigestItem.event == event)
    if before is not None:
        reported = reported.where(DigestItem.recorded_at < before)
    query = select(model).where(model.engagement_id == eid, col(column).is_not(None), column < until, *where,
                                ~reported.exists())
    if hasattr(model, "deleted_at"):
        query = query.where(_live_at(model.deleted_at, until))
    return list(session.exec(query).all())


def count_next(session: Session, *, engagement: Engagement, week: Week, at: datetime,
               reported_before: datetime | None = None) -> list[Counted]:
    """What a digest of `week` posted at `at` counts: the week's entries and earlier weeks' entries no posted digest
    has counted, the changes to counted entries since, and the events before the slot (or the week's end) that no
    posted digest has counted. `reported_before`: only digests posted before it count as posted (a past week as
    it stood at its end)."""
    eid = engagement.id
    assert eid is not None
    counted: list[Counted] = []
    fresh = session.exec(select(TimeEntry).where(
        TimeEntry.engagement_id == eid, TimeEntry.work_date <= week.sunday, TimeEntry.created_at < at,
        _live_at(TimeEntry.deleted_at, at), ~_reported(TIME, TimeEntry.id, reported_before))).all()
    for entry in fresh:
        counted.append(Counted(TIME, id_of(entry), WEEK if entry.work_date >= week.monday else LATE,
                               entry.minutes, entry.work_date, entry.category))
    changed = session.exec(select(TimeEntry).where(
        TimeEntry.engagement_id == eid, or_(col(TimeEntry.edited_at) < at, col(TimeEntry.deleted_at) < at),
        _reported(TIME, TimeEntry.id, reported_before))).all()
    if changed:
        query = select(DigestItem.item_id, func.sum(DigestItem.minutes)).where(
            DigestItem.kind == TIME, col(DigestItem.item_id).in_([e.id for e in changed]))
        if reported_before is not None:
            query = query.where(DigestItem.recorded_at < reported_before)
        reported = {item_id: int(total) for item_id, total in session.exec(query.group_by(col(DigestItem.item_id)))}
        for entry in changed:
            now_minutes = 0 if entry.deleted_at is not None and entry.deleted_at < at else entry.minutes
            delta = now_minutes - reported.get(id_of(entry), 0)
            if delta:
                counted.append(Counted(TIME, id_of(entry), CORRECTION, delta, entry.work_date,
                                       entry.category))
    until = min(at, week.end)  # events after the slot are the next digest's
    events = [(Question, QUESTION, ASKED, Question.asked_at, ()),
              (Question, QUESTION, ANSWERED, Question.first_response_at, ()),
              (ReviewRequest, REVIEW, REQUESTED, ReviewRequest.requested_at, ()),
              (ReviewRequest, REVIEW, RESPONDED, ReviewRequest.first_response_at, ()),
              (ReviewRequest, REVIEW, DONE, ReviewRequest.completed_at, ()),
              (Decision, DECISION, NEW, Decision.created_at, ()),
              (Decision, DECISION, ACCEPTED, Decision.decided_at, (Decision.status == "accepted",))]
    for model, kind, event, column, where in events:
        rows = _unreported_events(session, model=model, kind=kind, event=event, column=column, eid=eid,
                                  until=until, before=reported_before, where=where)
        counted += [Counted(kind, row.id, event) for row in rows]
    return counted


def posted_counted(session: Session, *, run: DigestRun) -> list[Counted]:
    """What the posted digest `run` counted."""
    items = session.exec(select(DigestItem).where(DigestItem.run_id == run.id).order_by(col(DigestItem.id))).all()
    return [Counted(i.kind, i.item_id, i.event, i.minutes, i.work_date, i.category) for i in items]


def record_counted(session: Session, *, run: DigestRun, counted: list[Counted]) -> int:
    """Record, in the transaction that records `run` as posted, what its digest counted; returns how many.

    The engagement's row is locked first (PostgreSQL), so two digests being recorded at once take turns; anything
    another digest recorded meanwhile is not recorded twice."""
    assert run.posted_at is not None
    session.exec(select(Engagement.id).where(Engagement.id == run.engagement_id).with_for_update()).first()
    once = [c for c in counted if c.event != CORRECTION]
    taken: set[tuple[str, int, str]] = set()
    for kind in {c.kind for c in once}:
        ids = [c.item_id for c in once if c.kind == kind]
        taken |= {(kind, item_id, event) for item_id, event in session.exec(select(
            DigestItem.item_id, DigestItem.event).where(DigestItem.kind == kind, col(DigestItem.item_id).in_(ids)))}
    rows = [DigestItem(run_id=id_of(run), engagement_id=run.engagement_id, kind=c.kind,
                       item_id=c.item_id, event=c.event, minutes=c.minutes, work_date=c.work_date,
                       category=c.category, recorded_at=run.posted_at)
            for c in counted if (c.kind, c.item_id, c.event) not in taken]
    session.add_all(rows)
    session.flush()
    return len(rows)


def _open_questions_at(session: Session, *, eid: int, at: datetime, current: bool) -> list[Question]:
    """Questions waiting for a first response at `at`, oldest first."""
    if current:
        return capture.open_questions(session, engagement_id=eid)
    found = session.exec(select(Question).where(
        Question.engagement_id == eid, Question.asked_at < at, _live_at(Question.deleted_at, at),
        or_(and_(col(Question.status) == capture.OPEN_QUESTION, col(Question.first_response_at).is_(None)),
            col(Question.first_response_at) >= at))).all()
    return sorted(found, key=lambda q: (q.asked_at, q.id or 0))


def _rows(session: Session, model: Any, ids: list[int]) -> list[Any]:
    return list(session.exec(select(model).where(col(model.id).in_(ids))).all()) if ids else []


def assemble(session: Session, *, engagement: Engagement, week: Week, at: datetime, counted: list[Counted],
             posted_at: datetime | None = None, current: bool = False) -> WeeklyDigest:
    """The digest that counts `counted`, with the state (month to date, open items, artifacts) as at `at`.
    `current`: `at` is now, so the open lists are today's."""
    eid = engagement.id
    assert eid is not None
    zone = ZoneInfo(engagement.timezone)
    by_event: dict[tuple[str, str], list[Counted]] = defaultdict(list)
    for c in counted:
        by_event[(c.kind, c.event)].append(c)
    week_by_category: dict[str, int] = defaultdict(int)
    for c in by_event[(TIME, WEEK)]:
        week_by_category[c.category or ""] += c.minutes
    late: dict[str, int] = defaultdict(int)
    for c in by_event[(TIME, LATE)]:
        late[week_key_of(c.work_date)] += c.minutes  # type: ignore[arg-type]
    deleted = {e.id for e in _rows(session, TimeEntry, [c.item_id for c in by_event[(TIME, CORRECTION)]])
               if e.deleted_at is not None and e.deleted_at < at}
    corrections = [Correction(c.item_id, c.work_date, c.category or "", c.minutes, c.item_id in deleted)  # type: ignore[arg-type]
                   for c in sorted(by_event[(TIME, CORRECTION)], key=lambda c: (c.work_date, c.item_id))]

    def ids(kind: str, event: str) -> list[int]:
        return [c.item_id for c in by_event[(kind, event)]]

    answered = _rows(session, Question, ids(QUESTION, ANSWERED))
    waits = [business_hours_between(engagement, q.asked_at, q.first_response_at) for q in answered
             if q.first_response_at is not None]
    open_questions = _open_questions_at(session, eid=eid, at=at, current=current)
    open_waits = [business_hours_between(engagement, q.asked_at, at) for q in open_questions]
    worst = max(waits, default=None)
    worst_open = max(open_waits, default=None)
    worst_is_open = worst_open is not None and (worst is None or worst_open > worst)
    responded = _rows(session, ReviewRequest, ids(REVIEW, RESPONDED))
    done = _rows(session, ReviewRequest, ids(REVIEW, DONE))
    open_reviews = [r for r in capture.open_reviews(session, engagement_id=eid) if r.requested_at < at]
    by_number = lambda rows: sorted(rows, key=lambda d: d.number)  # noqa: E731

    as_of = min(week.sunday, at.astimezone(zone).date())
    month = retainer.month_summary(session, engagement=engagement, month=as_of, today=as_of, at=at)
    last_month = retainer.last_month_summary(session, engagement=engagement, today=as_of, at=at)
    states = artifacts.schedule_states(session, engagement=engagement, today=as_of)
    delivered = [s for s in states if s.artifact.delivered_at is not None
                 and week.start <= s.artifact.delivered_at < week.end]
    high = session.exec(select(Risk).where(Risk.engagement_id == eid, Risk.severity == "high",
                                           col(Risk.status) != "closed").order_by(col(Risk.number))).all()
    return WeeklyDigest(
        engagement=engagement, week=week, at=at, posted_at=posted_at, week_minutes=sum(week_by_category.values()),
        week_by_category={k: v for k, v in week_by_category.items() if v}, late_by_week=sorted(late.items()),
        corrections=corrections, month=month, executor_share_last_month=last_month.executor_share,
        questions_asked=len(by_event[(QUESTION, ASKED)]), questions_answered=len(answered),
        median_first_response_hours=_median(waits),
        worst_first_response_hours=worst_open if worst_is_open else worst, worst_is_open=worst_is_open,
        open_questions=open_questions, reviews_requested=len(by_event[(REVIEW, REQUESTED)]),
        reviews_responded=len(responded), median_review_response_hours=_median(
            [business_hours_between(engagement, r.requested_at, r.first_response_at) for r in responded
             if r.first_response_at is not None]),
        reviews_done=len(done), median_review_done_hours=_median(
            [business_hours_between(engagement, r.requested_at, r.completed_at) for r in done
             if r.completed_at is not None]),
        open_reviews=open_reviews, decisions_new=by_number(_rows(session, Decision, ids(DECISION, NEW))),
        decisions_accepted=by_number(_rows(session, Decision, ids(DECISION, ACCEPTED))), counted=counted,
        artifacts_delivered=delivered, artifacts_due_soon=[s for s in states if s.state == "due-soon"],
        artifacts_overdue=[s for s in states if s.state == "overdue"], high_risks=list(high))


def posted_run(session: Session, *, engagement: Engagement, week: Week) -> DigestRun | None:
    """The week's digest run, when it was posted."""
    run = session.exec(select(DigestRun).where(DigestRun.engagement_id == engagement.id,
                                               DigestRun.kind == DIGEST_KIND, DigestRun.period == week.key)).first()
    return run if run is not None and run.posted_at is not None else None


def next_digest(session: Session, *, engagement: Engagement, week: Week, now: datetime) -> WeeklyDigest:
    """The digest of `week` as it would be posted at `now`: what no posted digest has counted yet."""
    return assemble(session, engagement=engagement, week=week, at=now, current=True,
                    counted=count_next(session, engagement=engagement, week=week, at=now))


def next_digest_week(session: Session, *, engagement: Engagement, now: datetime) -> Week:
    """The week of the next digest to be posted: this week's, or next week's once this week's is posted."""
    today = calendar.local_today(engagement, now)
    week = week_of(engagement, today=today)
    if posted_run(session, engagement=engagement, week=week) is not None:
        week = week_of(engagement, today=week.monday + timedelta(weeks=1))
    return week


def build_digest(session: Session, *, engagement: Engagement, week: Week, now: datetime) -> WeeklyDigest:
    """The digest of `week`: as it was posted, if it was; else, for a past week, as it stood at its end; else as
    it would be posted now."""
    run = posted_run(session, engagement=engagement, week=week)
    if run is not None and run.posted_at is not None:
        return assemble(session, engagement=engagement, week=week, at=run.posted_at, posted_at=run.posted_at,
                        counted=posted_counted(session, run=run))
    if now >= week.end:
        return assemble(session, engagement=engagement, week=week, at=week.end, counted=count_next(
            session, engagement=engagement, week=week, at=week.end, reported_before=week.end))
    return next_digest(session, engagement=engagement, week=week, now=now)


CHART_WEEKS = 8


def weekly_minutes(session: Session, *, engagement: Engagement, week: Week,
                   count: int = CHART_WEEKS) -> list[tuple[Week, int]]:
    """Minutes logged in each of the `count` weeks ending with `week`, oldest first."""
    weeks = [week_of(engagement, today=week.monday - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]
    rows = session.exec(select(col(TimeEntry.work_date), func.sum(TimeEntry.minutes)).where(
        TimeEntry.engagement_id == engagement.id, TimeEntry.work_date >= weeks[0].monday,
        TimeEntry.work_date <= week.sunday, col(TimeEntry.deleted_at).is_(None))
        .group_by(col(TimeEntry.work_date))).all()
    totals = dict.fromkeys((w.key for w in weeks), 0)
    for work_date, minutes in rows:
        year, number, _ = work_date.isocalendar()
        totals[f"{year}-W{number:02d}"] += int(minutes)
    return [(w, totals[w.key]) for w in weeks]
