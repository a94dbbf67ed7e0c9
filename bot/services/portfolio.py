"""The CTO's cross-client view: every client's month so far against its band, what is overdue and what comes next.

One service for the three places that show it (App Home, `/cto status` in a DM, `ctobot status`). Each client's
month is its own calendar month in its own time zone, with its own band (pro-rated by business days, plus
rollover: `retainer.month_summary`). The totals add the clients' own figures: what one client is owed is not
reduced by another client being over its band.

Renewals due: active vendors whose notice deadline (renewal date less notice days) is within 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot import calendar
from bot.models import Engagement, Risk, id_of
from bot.services import artifacts, engagements, reminders, retainer, risks, schedule
from bot.services.artifacts import ArtifactState
from bot.services.reminders import NoticeDue
from bot.services.retainer import MonthSummary


@dataclass(frozen=True)
class ClientMonth:
    """One client as the portfolio shows it."""

    engagement: Engagement
    today: date  # in the client's time zone
    summary: MonthSummary
    overdue: list[ArtifactState]  # oldest due first
    high_risks: list[Risk]  # open, by number
    renewals: list[NoticeDue]  # notice deadline within 30 days, soonest first
    next_digest: datetime | None  # None: no digest after the engagement's end
    next_statement: datetime | None

    @property
    def in_band_this_month(self) -> bool:
        """Whether the month has a band at all (False when the engagement starts after it or ended before it)."""
        return self.summary.band.days_counted > 0

    @property
    def to_floor_minutes(self) -> int:
        """Minutes still to log to reach the band's floor (0 once reached)."""
        return max(self.summary.band.floor_minutes - self.summary.minutes, 0)

    @property
    def to_top_minutes(self) -> int:
        """Minutes still to log before the band's top (0 at or over it; exactly the top is within the band)."""
        return max(self.summary.band.top_minutes - self.summary.minutes, 0)

    @property
    def over_top_minutes(self) -> int:
        """Minutes logged beyond the band's top (strictly more than the top)."""
        return max(self.summary.minutes - self.summary.band.top_minutes, 0)


@dataclass(frozen=True)
class Portfolio:
    """Every client of the view, by name, and their totals."""

    now: datetime
    clients: list[ClientMonth]

    @property
    def minutes(self) -> int:
        return sum(c.summary.minutes for c in self.clients)

    @property
    def floor_minutes(self) -> int:
        return sum(c.summary.band.floor_minutes for c in self.clients)

    @property
    def top_minutes(self) -> int:
        return sum(c.summary.band.top_minutes for c in self.clients)

    @property
    def to_floor_minutes(self) -> int:
        """The sum of each client's minutes to its floor."""
        return sum(c.to_floor_minutes for c in self.clients)

    @property
    def to_top_minutes(self) -> int:
        """The sum of each client's minutes to its top."""
        return sum(c.to_top_minutes for c in self.clients)

    @property
    def over_top_minutes(self) -> int:
        return sum(c.over_top_minutes for c in self.clients)

    @property
    def overdue_count(self) -> int:
        return sum(len(c.overdue) for c in self.clients)

    @property
    def high_risk_count(self) -> int:
        return sum(len(c.high_risks) for c in self.clients)

    @property
    def renewal_count(self) -> int:
        return sum(len(c.renewals) for c in self.clients)


def client_month(session: Session, *, engagement: Engagement, now: datetime) -> ClientMonth:
    """One client's month to date (as of `now` in its zone), its overdue artifacts, open high risks and slots."""
    today = calendar.local_today(engagement, now)
    summary = retainer.month_summary(session, engagement=engagement, month=today, today=today)
    overdue = sorted((s for s in artifacts.schedule_states(session, engagement=engagement, today=today)
                      if s.state == "overdue"), key=lambda s: (s.artifact.due_date, artifacts.KINDS.index(s.kind)))
    high = sorted((r for r in risks.open_risks(session, engagement_id=id_of(engagement))
                   if r.severity == "high"), key=lambda r: r.number)
    renewals = reminders.notices_within(session, engagement=engagement, today=today, days=reminders.RENEWALS_DAYS)
    return ClientMonth(engagement=engagement, today=today, summary=summary, overdue=overdue, high_risks=high,
                       renewals=renewals,
                       next_digest=schedule.next_digest_slot(engagement, now=now),
                       next_statement=schedule.next_statement_slot(engagement, now=now))


def portfolio(session: Session, *, now: datetime, team_id: str | None = None,
              cto_user_id: str | None = None) -> Portfolio:
    """The clients of `cto_user_id` in `team_id` (every active engagement of every workspace when both are None:
    the operator's view on the command line)."""
    chosen = [e for e in engagements.list_engagements(session, team_id=team_id)
              if cto_user_id is None or engagements.is_cto(e, cto_user_id)]
    return Portfolio(now=now, clients=[client_month(session, engagement=e, now=now) for e in chosen])
