"""The process's clock: every "what time is it?" in ctobot asks here, so any day can be chosen.

Production runs on the system clock. `CTOBOT_NOW` (ISO 8601 with an offset) starts a process at a chosen
instant, from which time runs on at real speed: tests and demos use it to run the clock or the CLI on a
month's first business day, a DST change or a year's last week. APScheduler's own triggers keep real
time; what a job decides (which digest, which statement, what is due) follows this clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time, timezone-aware."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """Starts at `start` and runs on at real speed."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock's start needs a UTC offset, e.g. 2026-11-20T18:00:00-05:00")
        self._start, self._origin = start.astimezone(UTC), time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


class FixedClock:
    """Stands still at `at` until moved: for tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware instant")
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        """Move the clock on by `delta`."""
        self.at += delta


_clock: Clock = SystemClock()


def now() -> datetime:
    """The current time of the process's clock, in UTC."""
    return _clock.now()


def use(clock: Clock) -> Clock:
    """Make `clock` the process's clock; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def from_setting(value: datetime | None) -> Clock:
    """The clock that the `CTOBOT_NOW` setting asks for."""
    return SystemClock() if value is None else ShiftedClock(value)
