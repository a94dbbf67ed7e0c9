"""`ctobot run` and `ctobot clock` start, do their first duties and stop cleanly when told to."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

from tests.cli.test_cli import clean_env
from tests.cli.test_serve import free_port
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


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
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:  # the clock says when it is ready; SIGTERM before that would test nothing
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "clock started" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(timeout=60), "".join(lines)
    assert process.poll() is None, "".join(lines)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, "".join(lines)
    reader.join(timeout=10)
