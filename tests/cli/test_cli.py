"""The `ctobot` command line, run as a user runs it: a separate process, its exit status and its output."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from bot.models import ChannelLink, Engagement
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.cli import run_bot

REPO = Path(__file__).resolve().parents[2]
OUR_VARIABLES = ("SLACK_", "DATABASE_URL", "CTO_USER_IDS", "OPENAI_", "PORT", "LOG_LEVEL", "WEB_")


def clean_env(**values: str) -> dict[str, str]:
    """The environment without any of our settings, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_VARIABLES)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(values)
    return env


def ctobot(*args: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as a process of its own (forked from a warm parent: tests/helpers/cli.py)."""
    return run_bot(list(args), cwd=cwd, env=clean_env(**env), runner_env=clean_env(), timeout=timeout)


def test_help_lists_every_verb(tmp_path):
    result = ctobot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for verb in ("run", "serve", "clock", "migrate", "check", "client"):
        assert verb in result.stdout


def test_migrate_creates_a_sqlite_database(tmp_path):
    result = ctobot("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh.db").exists() and "up to date" in result.stdout


def test_check_names_every_missing_setting_and_fails(tmp_path):
    result = ctobot("check", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET is not set" in result.stdout
    assert "SLACK_BOT_TOKEN is not set" in result.stdout
    assert "run `ctobot migrate`" in result.stdout


def test_check_flags_half_an_oauth_setup_and_a_wrong_token_kind(tmp_path):
    result = ctobot("check", cwd=tmp_path, SLACK_SIGNING_SECRET="s", SLACK_CLIENT_ID="123.456",
                    SLACK_APP_TOKEN="xoxb-not-an-app-token", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "SLACK_CLIENT_SECRET is not set" in result.stdout
    assert "SLACK_APP_TOKEN should be an app-level token" in result.stdout


def test_invalid_setting_values_are_named_on_stderr(tmp_path):
    result = ctobot("check", cwd=tmp_path, PORT="eighty")
    assert result.returncode == 2
    assert "PORT" in result.stderr


def test_check_with_good_settings_reports_the_workspace(tmp_path, fake_slack, database_url, session_factory):
    result = ctobot("check", cwd=tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.url, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Test Workspace" in result.stdout and "T_TEST" in result.stdout
    assert BOT_TOKEN not in result.stdout + result.stderr
    assert [call.method for call in fake_slack.calls] == ["auth.test"]


def test_check_reports_a_refused_token(tmp_path, fake_slack, database_url, session_factory):
    fake_slack.valid_tokens = {"xoxb-some-other-token"}
    result = ctobot("check", cwd=tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.url, DATABASE_URL=database_url)
    assert result.returncode == 1
    assert "invalid_auth" in result.stdout
    assert BOT_TOKEN not in result.stdout + result.stderr


def test_check_never_prints_a_credential_that_sits_in_a_url(tmp_path):
    secrets = ("llm-pass-0001", "llm-key-0002", "db-pass-0003", "db-ssl-0004", "proxy-pass-0005", "proxy-tok-0006")
    # OAuth mode, so that the Slack URL is printed but never called (its host is made up); the database is a port
    # on loopback where nothing listens.
    env = dict(SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_CLIENT_ID="123.456", SLACK_CLIENT_SECRET="client-secret",
               SLACK_API_URL="https://proxyuser:proxy-pass-0005@slack-proxy.example/api/?token=proxy-tok-0006",
               OPENAI_API_KEY="sk-test-0123456789abcdefghij",
               OPENAI_BASE_URL="https://llmuser:llm-pass-0001@llm.example/v1?api_key=llm-key-0002",
               DATABASE_URL="postgresql://dbuser:db-pass-0003@127.0.0.1:1/ctobot?sslpassword=db-ssl-0004")
    for level in ("INFO", "DEBUG"):
        result = ctobot("check", cwd=tmp_path, LOG_LEVEL=level, **env)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output  # the database is unreachable
        assert not [secret for secret in secrets if secret in output], output
        assert "https://llmuser:***@llm.example/v1?api_key=***" in result.stdout
        assert "https://proxyuser:***@slack-proxy.example/api/?token=***" in result.stdout
        assert "postgresql+psycopg://dbuser:***@127.0.0.1:1/ctobot?sslpassword=***" in result.stdout


def test_migrate_masks_the_database_url_it_names(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}?token=sqlite-tok-0007"
    result = ctobot("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "sqlite-tok-0007" not in result.stdout + result.stderr and "fresh.db?token=***" in result.stdout


def test_client_add_creates_and_links(tmp_path, database_url, session_factory):
    result = ctobot("client", "add", "acme", "--channel", "C1", "--tier", "active", "--start", "2026-09-01",
                    "--tz", "Europe/London", "--cto", "U1", "--founder", "U5,U6", cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "Acme" in result.stdout and "20–25 h" in result.stdout
    with session_factory() as session:
        engagement = session.exec(select(Engagement)).one()
        link = session.exec(select(ChannelLink)).one()
    assert (engagement.name, engagement.cto_user_ids, engagement.founder_user_ids) == ("acme", ["U1"], ["U5", "U6"])
    assert (link.channel_id, link.is_primary) == ("C1", True)


@pytest.mark.parametrize(("args", "message"), [
    (["--tier", "gold"], "Unknown tier"),
    (["--tz", "Europe/Londn"], "time zone"),
    (["--start", "2026-13-01"], "YYYY-MM-DD"),
    (["--digest", "someday"], "fri 16:00"),
    (["--channel", "general"], "channel id"),
    (["--tier", "custom"], "hours band"),
])
def test_client_add_refuses_bad_input_and_writes_nothing(tmp_path, database_url, session_factory, args, message):
    base = {"--channel": "C1", "--tier": "active", "--start": "2026-09-01", "--tz": "Europe/London", "--cto": "U1"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["client", "add", "acme"] + [part for pair in base.items() for part in pair]
    result = ctobot(*argv, cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""
    with session_factory() as session:
        assert session.exec(select(Engagement)).all() == []


def test_client_add_sets_the_rollover_cap_and_refuses_one_above_the_top(tmp_path, database_url, session_factory):
    base = ["client", "add", "acme", "--channel", "C1", "--team", "T1", "--tier", "active", "--start",
            "2026-10-01", "--tz", "Europe/London", "--cto", "U1"]
    ok = ctobot(*base, "--rollover", "3", "--grace", "1", cwd=tmp_path, DATABASE_URL=database_url)
    assert ok.returncode == 0, ok.stderr
    bad = ctobot(*base, "--rollover", "26", cwd=tmp_path, DATABASE_URL=database_url)
    assert bad.returncode == 2 and "rollover cap is 0 to 25 hours" in bad.stderr
    from sqlmodel import select

    from bot.db import transaction
    from bot.models import Engagement
    with transaction(session_factory) as session:
        [acme] = session.exec(select(Engagement)).all()
        assert (acme.rollover_cap_hours, acme.statement_grace_days) == (3, 1)
