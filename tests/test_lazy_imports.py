"""A web worker loads neither openai nor matplotlib: only ADR drafting and the digest's chart use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import sys
from bot.cli import _load_wsgi
from bot.settings import Settings

wsgi = _load_wsgi(Settings(_env_file=None))
assert callable(wsgi)
print(",".join(sorted(name for name in ("openai", "matplotlib") if name in sys.modules)) or "-")
"""


def test_building_the_web_app_imports_neither_openai_nor_matplotlib(tmp_path, fake_slack):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(REPO), SLACK_BOT_TOKEN="xoxb-test-0000", SLACK_SIGNING_SECRET="secret",
               SLACK_API_URL=fake_slack.url, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.db'}",
               OPENAI_API_KEY="sk-test-not-a-key", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "-"
