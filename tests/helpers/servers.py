"""Run a socketserver-based server (http.server, wsgiref) in a thread, and stop it at once.

``serve_forever()`` only notices ``shutdown()`` when its select() wakes, so stopping a server used to cost
up to one poll interval (0.05–0.5 s) per test and per server. ``stop_server`` asks for the shutdown from a
helper thread and wakes the select() with an empty connection to the listening socket; the loop sees the
request to stop before it accepts anything, or else the empty connection is answered by nothing (an HTTP
handler ignores a connection that sends no request line).
"""

from __future__ import annotations

import socket
import socketserver
import threading

# Only the wake-up connection ends the loop early; without one it would still stop within this.
POLL_INTERVAL = 0.5


def serve_in_thread(server: socketserver.BaseServer, name: str) -> threading.Thread:
    """Start `server.serve_forever()` in a daemon thread; return the thread."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, name=name,
                              daemon=True)
    thread.start()
    return thread


def stop_server(server: socketserver.TCPServer, thread: threading.Thread | None = None) -> None:
    """Stop a server started with serve_in_thread (or any serve_forever loop), close its socket, join it."""
    host, port = server.server_address[:2]
    stopper = threading.Thread(target=server.shutdown, name=f"stop {host}:{port}", daemon=True)
    stopper.start()
    while stopper.is_alive():
        try:
            socket.create_connection((str(host), int(port)), timeout=1).close()
        except OSError:
            pass
        stopper.join(0.01)
    server.server_close()
    if thread is not None:
        thread.join(5)
