"""The process's clock: CTOBOT_NOW starts a process on a chosen day, and every 'now' in ctobot follows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot import clock
from bot.models.types import utcnow
from bot.settings import Settings
from tests.cli.test_cli import ctobot


def test_a_shifted_clock_starts_at_the_chosen_instant_and_runs_on():
    start = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    shifted = clock.ShiftedClock(start)
    first, second = shifted.now(), shifted.now()
    assert start <= first <= second < start + timedelta(seconds=5)


def test_utcnow_asks_the_process_clock():
    fixed = clock.FixedClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    previous = clock.use(fixed)
    try:
        assert utcnow() == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
        fixed.advance(timedelta(hours=1))
        assert utcnow() == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    finally:
        clock.use(previous)
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_ctobot_now_needs_an_offset(monkeypatch):
    monkeypatch.setenv("CTOBOT_NOW", "2026-12-01T10:00:00")
    with pytest.raises(ValidationError, match="UTC offset"):
        Settings(_env_file=None)
    monkeypatch.setenv("CTOBOT_NOW", "2026-12-01T10:00:00-05:00")
    assert Settings(_env_file=None).ctobot_now == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    monkeypatch.setenv("CTOBOT_NOW", "")
    assert Settings(_env_file=None).ctobot_now is None


def test_the_cli_runs_on_the_chosen_day(tmp_path):
    """`ctobot digest` of a client prints the week that contains CTOBOT_NOW, not today's."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/c.db", "CTOBOT_NOW": "2026-12-31T12:00:00+00:00"}
    for args in (["migrate"], ["client", "add", "acme", "--channel", "C1", "--tier", "advisory", "--start",
                               "2026-10-01", "--tz", "Europe/London", "--cto", "U1", "--team", "T1"]):
        done = ctobot(*args, cwd=tmp_path, **env)
        assert done.returncode == 0, done.stderr
    digest = ctobot("digest", "--client", "acme", cwd=tmp_path, **env)
    assert digest.returncode == 0 and "2026-W53" in digest.stdout, digest.stdout + digest.stderr
