"""`ctobot run` and `ctobot clock` start, do their first duties and stop cleanly when told to."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

from tests.cli.test_cli import clean_env
from tests.cli.test_serve import free_port
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.waiting import OutputReader


def test_run_migrates_a_fresh_database_then_serves_http(tmp_path, fake_slack):
    db = tmp_path / "run.db"
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.url,
                    DATABASE_URL=f"sqlite:///{db}", PORT=str(port), WEB_THREADS="2")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "ctobot run did not answer /healthz"
                time.sleep(0.2)
        tables = {row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"engagement", "time_entry", "digest_run", "alembic_version"} <= tables
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "scheduler started" in output
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


def test_clock_runs_until_sigterm(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'clock.db'}")
    process = subprocess.Popen([sys.executable, "-m", "bot", "clock"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = OutputReader(process.stdout)  # type: ignore[arg-type]
    try:
        # APScheduler's own line, once the (blocking) scheduler runs: a SIGTERM from then on is the clock's
        # signal to stop. A fixed sleep raced a slow start on a loaded machine (SIGTERM before the handler).
        output.wait_for("Scheduler started", timeout=60)
        assert process.poll() is None, output.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    output = output.rest()
    assert process.returncode == 0, output
    assert "clock started" in output
