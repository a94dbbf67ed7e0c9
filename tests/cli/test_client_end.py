"""`ctobot client add --end --owner --checkin`: the engagement's end from the command line."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.models import Engagement
from tests.cli.test_cli import ctobot

BASE = ["client", "add", "acme", "--channel", "C1", "--team", "T1", "--tier", "active", "--start", "2026-09-01",
        "--tz", "Europe/London", "--cto", "U1"]


def the_engagement(session_factory) -> Engagement:
    with session_factory() as session:
        return session.exec(select(Engagement)).one()


def test_client_add_sets_the_end_the_owner_and_the_check_ins_and_a_rerun_keeps_them(tmp_path, database_url,
                                                                                      session_factory):
    result = ctobot(*BASE, "--end", "2027-01-15", "--owner", "U7", "--checkin", "monthly", cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "ends 2027-01-15; internal owner U7; monthly check-ins after the end" in result.stdout
    acme = the_engagement(session_factory)
    assert (acme.end_date, acme.internal_owner_id, acme.checkin_cadence) == (date(2027, 1, 15), "U7", "monthly")
    again = ctobot(*BASE, "--hours", "10-12", cwd=tmp_path, DATABASE_URL=database_url)
    assert again.returncode == 0, again.stderr
    acme = the_engagement(session_factory)
    assert (acme.end_date, acme.internal_owner_id, acme.checkin_cadence) == (date(2027, 1, 15), "U7", "monthly")
    cleared = ctobot(*BASE, "--end", "none", "--owner", "none", "--checkin", "none", cwd=tmp_path,
                     DATABASE_URL=database_url)
    assert cleared.returncode == 0, cleared.stderr
    acme = the_engagement(session_factory)
    assert (acme.end_date, acme.internal_owner_id, acme.checkin_cadence) == (None, None, "none")


def test_client_add_refuses_an_end_before_the_start_a_bad_owner_or_cadence(tmp_path, database_url,
                                                                            session_factory):
    for args, message in [(["--end", "2026-08-31"], "before the start date 2026-09-01"),
                          (["--end", "31/01/2027"], "YYYY-MM-DD"),
                          (["--owner", "dana"], "is not a Slack user id"),
                          (["--checkin", "weekly"], "invalid choice: 'weekly'")]:
        result = ctobot(*BASE, *args, cwd=tmp_path, DATABASE_URL=database_url)
        assert result.returncode == 2 and message in result.stderr and result.stdout == "", (args, result.stderr)
    with session_factory() as session:
        assert session.exec(select(Engagement)).all() == []
