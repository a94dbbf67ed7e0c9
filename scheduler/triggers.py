"""Cron triggers in an engagement's own zone that fire once per local day, DST changes included."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger


class OncePerLocalDay(CronTrigger):
    """A CronTrigger that never fires twice on one local date.

    APScheduler 3 fires a 01:30 job twice on the night clocks go back (01:30 BST, then 01:30 GMT); a digest
    at that time would be attempted twice. Skipping to the next local day makes the week's slot fire once.
    """

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        if fire is None or previous_fire_time is None:
            return fire
        zone: Any = self.timezone
        day = previous_fire_time.astimezone(zone).date()
        if fire.astimezone(zone).date() == day:
            next_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            return super().get_next_fire_time(None, next_day)  # with a previous time, `now` would be ignored
        return fire
