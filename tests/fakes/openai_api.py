"""A loopback fake of an OpenAI-compatible server (POST /v1/chat/completions), scriptable and recording.

Each request whose response_format the server takes (`formats`; others get a 500 naming it) takes the next scripted
answer (the last one repeats): ``good(draft)``, ``raw(text)`` (a choice whose content is `text`, e.g. invalid
JSON), ``status(429)``/``status(500)`` or ``delay(seconds, then)``. Request bodies are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers.servers import serve_in_thread, stop_server

GOOD_DRAFT = {"context": "Events are stored in files and lost on restart.",
              "options": ["Postgres", "Kafka"], "outcome": "Postgres: we already run it.",
              "consequences": "One more table to back up."}


@dataclass
class Answer:
    status: int = 200
    content: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def good(draft: dict[str, Any] | None = None) -> Answer:
    return Answer(content=json.dumps(draft or GOOD_DRAFT))


def raw(text: str) -> Answer:
    return Answer(content=text)


def status(code: int) -> Answer:
    return Answer(status=code, headers={"retry-after-ms": "10"})


def delay(seconds: float, then: Answer | None = None) -> Answer:
    answer = then or good()
    return Answer(status=answer.status, content=answer.content, delay=seconds, headers=answer.headers)


class FakeOpenAI:
    """The fake server; `url` is the base URL to give the SDK (…/v1)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.script: list[Answer] = [good()]
        # response_format kinds the server takes: "json_schema", "json_object+schema", "json_object"
        self.formats = {"json_schema", "json_object+schema", "json_object"}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def answer(self, *answers: Answer) -> None:
        with self._lock:
            self.script = list(answers)

    def _next(self) -> Answer:
        with self._lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @staticmethod
    def _format_kind(response_format: Any) -> str:
        if not isinstance(response_format, dict):
            return "none"
        kind = str(response_format.get("type"))
        return kind + "+schema" if kind == "json_object" and "schema" in response_format else kind

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake._lock:
                    fake.raw_bodies.append(body)
                    try:
                        fake.requests.append(json.loads(body))
                    except ValueError:
                        fake.requests.append({})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                kind = fake._format_kind(fake.requests[-1].get("response_format"))
                if kind not in fake.formats:
                    # llama-cpp-python's way: a 500 whose message names the field
                    self._send(500, {"error": {"message": f"body.response_format.type: {kind} is not supported"}})
                    return
                answer = fake._next()
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status != 200:
                    self._send(answer.status, {"error": {"message": "scripted failure", "type": "server_error"}},
                               answer.headers)
                    return
                self._send(200, {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                                 "model": "fake", "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                     "role": "assistant", "content": answer.content}}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _send(self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = serve_in_thread(self._server, "FakeOpenAI")
        return self

    def stop(self) -> None:
        if self._server is not None:
            stop_server(self._server, self._thread)
            self._server = None
