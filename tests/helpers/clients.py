"""Three clients of one CTO (and one of another CTO) with known time, artifacts and risks, on chosen days; and the
figures recomputed from the raw rows, written here independently of bot.services.retainer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.db import transaction
from bot.models import Engagement, TimeEntry
from bot.services import artifacts, risks, timelog
from bot.services.logtime_parser import LogtimeRequest
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement

# Friday 20 November 2026, 12:00 UTC: the day the CTO looks.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def log(session_factory, engagement: Engagement, user: str, day: date, minutes: int, category: str) -> int:
    with clock_at(datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)), \
            transaction(session_factory) as session:
        return timelog.log_time(session, engagement=engagement, user_id=user, today=day,
                                request=LogtimeRequest(minutes=minutes, category=category, work_date=day,
                                                       note="work")).entry.id  # type: ignore[return-value]


def three_clients(session_factory, *, team: str = "T_TEST") -> dict[str, Engagement]:
    """acme (active 20–25 h, under the floor, overdue artifacts, one high risk), globex (growth 15–20 h, started on
    16 November so its band is pro-rated, and over its top), initech (advisory 8–10 h, exactly at its top), all
    U1's; hooli (U7's, active) is another CTO's client."""
    made = {
        "acme": add_engagement(session_factory, name="acme", channel="C1", team=team, ctos=("U1",),
                               start_date=date(2026, 9, 1)),
        "globex": add_engagement(session_factory, name="globex", channel="C2", team=team, ctos=("U1",),
                                 tier="growth", start_date=date(2026, 11, 16), timezone="America/New_York",
                                 display_name="Globex <Corp> & Co"),
        "initech": add_engagement(session_factory, name="initech", channel="C3", team=team, ctos=("U1",),
                                  tier="advisory", start_date=date(2026, 8, 3)),
        "hooli": add_engagement(session_factory, name="hooli", channel="C4", team=team, ctos=("U7",),
                                display_name="Hooli", start_date=date(2026, 9, 1)),
    }
    for day in range(2, 7):  # acme: 5 × 1h 45m = 8h 45m this month (and one deleted entry, and October's)
        log(session_factory, made["acme"], "U1", date(2026, 11, day), 105, "review")
    gone = log(session_factory, made["acme"], "U1", date(2026, 11, 9), 240, "build")
    with transaction(session_factory) as session:
        timelog.delete_entry(session, entry_id=gone, user_id="U1")
    log(session_factory, made["acme"], "U1", date(2026, 10, 30), 300, "roadmap")
    for day in range(16, 21):  # globex: 5 × 5h 10m = 25h 50m, over its pro-rated top
        log(session_factory, made["globex"], "U1", date(2026, 11, day), 310, "architecture")
    for day in range(9, 14):  # initech: 5 × 2h = 10h, exactly its top
        log(session_factory, made["initech"], "U1", date(2026, 11, day), 120, "async")
    log(session_factory, made["hooli"], "U7", date(2026, 11, 3), 200, "hiring")
    with clock_at(NOW), transaction(session_factory) as session:
        acme = session.get(Engagement, made["acme"].id)
        artifacts.mark_delivered(session, engagement=acme, kind="technical-audit", user_id="U1")
        risks.add_risk(session, engagement=acme, title="Payments worker is a *single* point of <!channel> failure",
                       severity="high", user_id="U5")
        risks.add_risk(session, engagement=acme, title="Staging drifts from production", severity="medium",
                       user_id="U5")
        closed = risks.add_risk(session, engagement=acme, title="No backups", severity="high", user_id="U5")
        risks.close_risk(session, engagement=acme, number=closed.number, user_id="U1")
        hooli = session.get(Engagement, made["hooli"].id)
        risks.add_risk(session, engagement=hooli, title="Hooli secret risk", severity="high", user_id="U7")
    return made


def weekdays(start: date, end: date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).isoweekday() <= 5)


@dataclass(frozen=True)
class Expected:
    minutes: int
    floor: int
    top: int

    @property
    def to_floor(self) -> int:
        return max(self.floor - self.minutes, 0)

    @property
    def to_top(self) -> int:
        return max(self.top - self.minutes, 0)


def expected(session_factory, name: str, *, today: date = TODAY) -> Expected:
    """November's minutes from the raw rows (live entries only) and the band pro-rated by weekdays."""
    with transaction(session_factory) as session:
        e = session.exec(select(Engagement).where(Engagement.name == name)).one()
        rows = session.exec(select(TimeEntry).where(TimeEntry.engagement_id == e.id)).all()
        first, last = today.replace(day=1), date(today.year, today.month + 1, 1) - timedelta(days=1)
        minutes = sum(r.minutes for r in rows if r.deleted_at is None and first <= r.work_date <= today)
        counted, total = weekdays(max(first, e.start_date), last), weekdays(first, last)
        return Expected(minutes, round(e.hours_min * 60 * counted / total), round(e.hours_max * 60 * counted / total))
