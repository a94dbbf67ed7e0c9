"""Run `python -m bot ARGS` as a separate process, quickly: forked from a warm parent (tests/helpers/cli_runner.py).

Each run is its own process with its own working directory, environment, exit status, stdout and stderr, as
a user's `ctobot ...` is; only the imports are done once, in the parent, instead of once per run. Tests whose
point is a cold start, signals or several processes at once (tests/cli/test_processes.py, the clocks in
tests/scheduler/test_killed_poster.py, concurrent posters) start `python -m bot` themselves.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

RUNNER = Path(__file__).with_name("cli_runner.py")


class _Runner:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, str(RUNNER)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, cwd=RUNNER.parent)
        assert self._line(120) == "ready", "the CLI runner did not start"

    def _line(self, timeout: float | None) -> str | None:
        stdout: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        if timeout is not None and not select.select([stdout], [], [], timeout)[0]:
            return None
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the CLI runner exited ({self.process.poll()})")
        return line.decode().strip()

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
        with tempfile.TemporaryDirectory() as tmp:
            out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
            out.touch()
            err.touch()
            request = {"argv": argv, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err)}
            stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
            pid = int(self._line(30) or 0)
            assert pid, "the CLI runner did not fork"
            code = self._line(timeout)
            timed_out = code is None
            if timed_out:
                os.kill(pid, signal.SIGKILL)
                code = self._line(30)
            stdout, stderr = out.read_text(errors="replace"), err.read_text(errors="replace")
        command = [sys.executable, "-m", "bot", *argv]
        if timed_out:
            raise subprocess.TimeoutExpired(command, timeout, output=stdout, stderr=stderr)
        return subprocess.CompletedProcess(command, int(code or 0), stdout, stderr)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(30)


_lock = threading.Lock()
_runner: _Runner | None = None


def run_bot(argv: list[str], *, cwd: Path, env: dict[str, str], runner_env: dict[str, str],
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m bot *argv` in `cwd` with exactly `env`; the result as subprocess.run(capture_output=True,
    text=True) gives it (TimeoutExpired after `timeout` s, the process killed). `runner_env` is the warm
    parent's environment, used when it is first started."""
    global _runner
    with _lock:
        if _runner is None or _runner.process.poll() is not None:
            _runner = _Runner(runner_env)
        return _runner.run(argv, cwd, env, timeout)


def close() -> None:
    """Stop the warm parent (the session's end)."""
    global _runner
    with _lock:
        if _runner is not None:
            _runner.close()
            _runner = None
