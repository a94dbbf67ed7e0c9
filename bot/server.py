"""The production HTTP server: waitress, which reads each whole request before a worker thread sees it.

Why waitress: its I/O thread buffers a request's headers and body (up to MAX_BODY_BYTES) and only then hands
it to one of its worker threads, so a client that announces a body and sends it slowly, or never, holds a
connection and a buffer but no worker; a connection idle for CHANNEL_TIMEOUT seconds is closed. Gunicorn's
gthread worker (and granian's WSGI workers) read the body in the worker thread itself, so twenty such clients
hold every thread (measured: a signed `/cto help` got no answer in 15 s behind twenty one-byte bodies).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

from bot.settings import Settings
from bot.web import MAX_BODY_BYTES

logger = logging.getLogger(__name__)

CHANNEL_TIMEOUT = 30  # seconds a connection may send nothing (mid-body included) before it is closed
CLEANUP_INTERVAL = 5  # how often idle connections are looked for
CONNECTION_LIMIT = 500  # open connections at once; slow ones cost a socket and a buffer each, not a thread


def make_server(app: Any, *, host: str, port: int, threads: int, channel_timeout: int = CHANNEL_TIMEOUT,
                cleanup_interval: int = CLEANUP_INTERVAL) -> Any:
    """A bound waitress server for `app` (port 0: any free port, see `.effective_port`); `.run()` serves."""
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        channel_timeout=channel_timeout,
        cleanup_interval=cleanup_interval,
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=True,  # select() cannot watch file descriptors above 1023
        max_request_body_size=MAX_BODY_BYTES,  # bigger bodies get 413 before they are read
        clear_untrusted_proxy_headers=True,  # X-Forwarded-* never reach the app (it builds no URL from them)
        expose_tracebacks=False,
        ident="ctobot",
    )


def serve(settings: Settings, load_app: Callable[[], Any]) -> None:
    """Serve `load_app()`'s WSGI app on 0.0.0.0:PORT until SIGTERM or SIGINT."""
    server = make_server(load_app(), host="0.0.0.0", port=settings.port, threads=settings.web_threads)

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(0)  # waitress's loop catches it, finishes its workers (5 s at most) and closes

    signal.signal(signal.SIGTERM, stop)
    logger.info("serving HTTP on port %s (waitress, %d threads)", server.effective_port, settings.web_threads)
    server.run()
    logger.info("HTTP server stopped")
