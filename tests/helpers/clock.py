"""Run a block of a test as if it were a chosen instant (the process's clock, bot.clock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from bot import clock


@contextmanager
def clock_at(when: datetime) -> Iterator[clock.FixedClock]:
    """The process's clock stands at `when` inside the block (advance it with `.advance`)."""
    fixed = clock.FixedClock(when)
    previous = clock.use(fixed)
    try:
        yield fixed
    finally:
        clock.use(previous)
