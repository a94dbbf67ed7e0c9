"""Serve a WSGI app on 127.0.0.1, port 0, in a thread: the real HTTP stack for scenario tests."""

from __future__ import annotations

from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tests.helpers.servers import serve_in_thread, stop_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class WsgiThread:
    """A running server; `url` is its base URL."""

    def __init__(self, app: Any) -> None:
        self._server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer,
                                   handler_class=_QuietHandler)
        self._thread: Any = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> WsgiThread:
        self._thread = serve_in_thread(self._server, "WsgiThread")
        return self

    def __exit__(self, *exc: object) -> None:
        stop_server(self._server, self._thread)
