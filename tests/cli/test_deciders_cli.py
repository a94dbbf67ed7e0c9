"""`ctobot client add --decider`: repeatable or comma-separated, kept when left out, refused when not a user id."""

from __future__ import annotations

from sqlmodel import select

from bot.models import Engagement
from tests.cli.test_cli import ctobot

BASE = ("client", "add", "acme", "--channel", "C1", "--tier", "active", "--start", "2026-09-01", "--tz",
        "Europe/London", "--cto", "U1", "--founder", "U5")


def deciders(session_factory) -> list[str]:
    with session_factory() as session:
        return session.exec(select(Engagement)).one().decider_user_ids


def test_deciders_from_the_cli_are_kept_until_changed(tmp_path, database_url, session_factory):
    env = {"DATABASE_URL": database_url}
    result = ctobot(*BASE, "--decider", "U5,U6", "--decider", "U7", cwd=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert deciders(session_factory) == ["U5", "U6", "U7"] and "deciders U5, U6, U7" in result.stdout
    assert ctobot(*BASE, cwd=tmp_path, **env).returncode == 0  # left out: kept
    assert deciders(session_factory) == ["U5", "U6", "U7"]
    bad = ctobot(*BASE, "--decider", "dana", cwd=tmp_path, **env)
    assert bad.returncode != 0 and "`dana` is not a Slack user id" in bad.stderr
    assert deciders(session_factory) == ["U5", "U6", "U7"]
    back = ctobot(*BASE, "--decider", "", cwd=tmp_path, **env)
    assert back.returncode == 0 and deciders(session_factory) == []
    assert "deciders the founders and the CTOs" in back.stdout
