"""`ctobot status`: every engagement of every workspace at a glance, as plain text for a terminal."""

from __future__ import annotations

from bot.formatting import duration
from tests.cli.test_cli import ctobot
from tests.helpers.clients import NOW, expected, three_clients


def test_status_prints_every_engagement_and_the_totals(tmp_path, database_url, session_factory):
    three_clients(session_factory)
    result = ctobot("status", cwd=tmp_path, DATABASE_URL=database_url, CTOBOT_NOW=NOW.isoformat())
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("ctobot status, 2026-11-20 12:00 UTC\nAll 4 clients: ")
    blocks = out.split("\n\n")[1:]
    assert [b.split(" · ")[0] for b in blocks] == ["Acme", "Globex <Corp> & Co", "Hooli", "Initech"]
    for block, name in zip(blocks, ("acme", "globex", "hooli", "initech"), strict=True):
        want = expected(session_factory, name)
        assert f"This month {duration(want.minutes)} of " in block, block
        assert f"to the floor {duration(want.to_floor)} · to the top {duration(want.to_top)}" in block, block
        assert f"· {name} (T_TEST)" in block.splitlines()[0]
    assert "Payments worker is a *single* point of <!channel> failure" in out  # as written: a terminal, not Slack
    assert "&lt;" not in out and "&amp;" not in out
    assert "  Next digest Fri 20 Nov 16:00 · next statement Tue 1 Dec 09:00" in blocks[0]
    assert "  Next digest Fri 20 Nov 16:00 · next statement Tue 1 Dec 09:00" in blocks[1]  # New York's own 16:00


def test_status_of_an_empty_database_says_so(tmp_path):
    result = ctobot("status", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 0, result.stderr
    assert "No clients yet" in result.stdout and "ctobot client add" in result.stdout
