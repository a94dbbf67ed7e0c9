"""What the reminders remind of: vendor notice deadlines coming up, and systems added this week without a note.

A vendor's notice deadline is its renewal date less its notice days (register_kinds.notice_deadline). The CTO(s)
and the internal owner hear of it 14 days ahead, from business start that day until the deadline itself (a run
missed by downtime still reminds). On Fridays from business start the CTO hears of the systems added that week
(the engagement's ISO week, in its zone) whose "what to do when it breaks" note is still empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.models import BuiltSystem, Engagement, Vendor, id_of
from bot.services import registers
from bot.services.register_kinds import SYSTEM, VENDOR, notice_deadline

NOTICE_AHEAD_DAYS = 14
RENEWALS_DAYS = 30  # "renewals due" in the cross-client view and the check-ins: notice deadline within 30 days
FRIDAY = 4


@dataclass(frozen=True)
class NoticeDue:
    """An active vendor whose notice deadline is near."""

    vendor: Vendor
    deadline: date

    @property
    def period(self) -> str:
        """The reminder's claim: once per vendor and deadline (a new renewal date is a new reminder)."""
        return f"{self.vendor.id}:{self.deadline.isoformat()}"


def notices_within(session: Session, *, engagement: Engagement, today: date, days: int) -> list[NoticeDue]:
    """Active vendors whose notice deadline falls from `today` to `days` days after it, soonest first."""
    due = []
    for vendor in registers.list_entries(session, VENDOR, engagement_id=id_of(engagement)):
        deadline = notice_deadline(vendor)
        if registers.is_current(VENDOR, vendor) and deadline is not None and today <= deadline <= today + timedelta(
                days=days):
            due.append(NoticeDue(vendor=vendor, deadline=deadline))
    return sorted(due, key=lambda d: (d.deadline, d.vendor.number))


def notices_to_send(session: Session, *, engagement: Engagement, now: datetime) -> list[NoticeDue]:
    """The notice reminders due at `now`: from business start 14 days before the deadline until the deadline."""
    zone = ZoneInfo(engagement.timezone)
    local = now.astimezone(zone)
    return [d for d in notices_within(session, engagement=engagement, today=local.date(), days=NOTICE_AHEAD_DAYS)
            if datetime.combine(d.deadline - timedelta(days=NOTICE_AHEAD_DAYS), engagement.business_start,
                                tzinfo=zone) <= local]


@dataclass(frozen=True)
class SystemNudge:
    """The Friday nudge: the week's systems without a handover note."""

    week: str  # `2027-W05`, the claim's period
    systems: list[BuiltSystem]


def has_note(system: BuiltSystem) -> bool:
    """Whether the system's handover note (what to do when it breaks) is written."""
    return bool((system.when_it_breaks or "").strip())


def system_nudge(session: Session, *, engagement: Engagement, now: datetime) -> SystemNudge | None:
    """On a Friday from business start (local): the live systems added this ISO week with no note; else None."""
    zone = ZoneInfo(engagement.timezone)
    local = now.astimezone(zone)
    if local.weekday() != FRIDAY or local.time() < engagement.business_start:
        return None
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0), tzinfo=zone)
    systems = [s for s in registers.all_entries(session, SYSTEM, engagement_id=id_of(engagement))
               if registers.is_current(SYSTEM, s) and monday <= s.opened_at.astimezone(zone) < monday
               + timedelta(days=7) and not has_note(s)]
    if not systems:
        return None
    year, week, _ = local.date().isocalendar()
    return SystemNudge(week=f"{year}-W{week:02d}", systems=systems)
