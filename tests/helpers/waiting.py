"""Waiting for work that Slack's 200 does not wait for (event listeners run after the ack), or for a process's
readiness line instead of a fixed sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO, TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.02) -> T:
    """Call `check` until it returns something truthy; fail with its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)


class OutputReader:
    """Collects a process's text output in a thread, so that a test can wait for a line without blocking."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), name="OutputReader", daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                self._lines.append(line)

    def wait_for(self, text: str, *, timeout: float = 30.0) -> None:
        """Until a line containing `text` was printed; fail with the output so far after `timeout`."""
        try:
            eventually(lambda: text in self.text, timeout=timeout)
        except AssertionError:
            raise AssertionError(f"no {text!r} within {timeout}s; the output so far:\n{self.text}") from None

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def rest(self, timeout: float = 30.0) -> str:
        """Everything, once the stream has closed (the process exited)."""
        self._thread.join(timeout)
        return self.text
