"""A bounded pool for slow Slack work (posts, look-ups, LLM) so that it never starves the acks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bot.errors import DomainError

logger = logging.getLogger(__name__)


class Background:
    """Runs work off the request path; refuses work past `max_pending` rather than queueing without bound."""

    def __init__(self, *, max_workers: int = 8, max_pending: int = 2000, name: str = "ctobot-bg") -> None:
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
        self._pending = 0
        self._max_pending = max_pending
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any] | None:
        """Queue `fn`; None (and a warning) when the queue is full."""
        with self._lock:
            if self._pending >= self._max_pending:
                logger.warning("background queue full (%d); dropped %s", self._pending, getattr(fn, "__name__", fn))
                return None
            self._pending += 1
        return self._executor.submit(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            logger.info("background %s: %s", getattr(fn, "__name__", fn), exc.message)
        except Exception:
            logger.exception("background work %s failed", getattr(fn, "__name__", fn))
        finally:
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()
        return None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or running (for tests and shutdown)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; finish what is queued when `wait`."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener pool, which also says when it is idle: a listener that acked may still be running."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "bolt-listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn` on the pool, counted until it returns."""
        with self._idle:
            self._running += 1
        try:
            return super().submit(self._counted, fn, args, kwargs)
        except BaseException:
            self._done()
            raise

    def _counted(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._running -= 1
            if self._running == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is queued or running (for tests and shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout=timeout)
