"""Ack latency of `ctobot serve` (as deployed: waitress) with a slow Slack and a slower LLM, against a bare Bolt app.

    .venv/bin/python bench/ack_latency.py [--requests 300] [--concurrency 50]

Everything runs on 127.0.0.1: the fake Slack Web API answers every call 2 s late, a fake OpenAI-compatible
server answers 20 s late, and each app runs as its own waitress process on a free port with a fresh SQLite
database. The same mix of signed requests (/logtime, /cto help, question messages) goes to both apps; the
figures and PASS/MISS against the targets are printed. Exit status 0 whatever the figures (it is a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.helpers.slack_requests import SlackSender  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-bench-0000000000-abcdefghijklmnop"
SLACK_DELAY = 2.0
LLM_DELAY = 20.0
START_TIMEOUT = 60.0
RUN_TIMEOUT = 300.0
TARGET_P50_MS, TARGET_P99_MS, TARGET_RATIO, TARGET_RSS_MB = 100.0, 300.0, 1.5, 200.0


class _SlowLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat completion, LLM_DELAY seconds late."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(LLM_DELAY)
        body = json.dumps({"id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()),
                           "model": "bench", "choices": [{"index": 0, "finish_reason": "stop",
                                                          "message": {"role": "assistant", "content": "draft"}}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(**values: str) -> dict[str, str]:
    """This environment without any ctobot setting, plus `values`."""
    ours = ("SLACK_", "DATABASE_URL", "CTO_USER_IDS", "OPENAI_", "PORT", "LOG_LEVEL", "WEB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(values)
    return env


def ctobot(*args: str, env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, text=True,
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"ctobot {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def start(command: list[str], env: dict[str, str], cwd: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start a server process and wait until it answers on `port`."""
    out = log.open("wb")
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/events", timeout=1):
                pass
            break
        except urllib.error.HTTPError:  # any HTTP answer (405/404) means it is serving
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise SystemExit(f"{' '.join(command)} did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory (RSS) of `pid` and all its descendants, and their proportional set size (PSS: pages
    shared pages counted once), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    rss_kb, pss_kb, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss_kb += int(line.split()[1])
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss_kb += int(line.split()[1])
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return rss_kb / 1024, pss_kb / 1024


KINDS = ("/logtime", "/cto help", "message")


def send_mix(sender: SlackSender, count: int, concurrency: int,
             tag: str) -> tuple[list[float], list[int], list[str]]:
    """`count` signed requests, a third each /logtime, /cto help and a question message; latencies in ms."""
    def one(i: int) -> tuple[float, int]:
        started = time.perf_counter()
        kind = i % 3
        if kind == 0:
            response = sender.command("/logtime", f"10m review {tag} request {i}", user_id="U1", channel_id="C1")
        elif kind == 1:
            response = sender.command("/cto", "help", user_id="U2", channel_id="C1")
        else:
            ts = f"{time.time():.6f}"[:-3] + f"{i % 1000:03d}"
            response = sender.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2",
                                     "text": f"{tag} question {i}: should we shard the events table?", "ts": ts})
        return (time.perf_counter() - started) * 1000, response.status

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count), timeout=RUN_TIMEOUT))
    return [ms for ms, _ in results], [status for _, status in results], [KINDS[i % 3] for i in range(count)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(name: str, command: list[str], env: dict[str, str], cwd: Path, port: int, fake: FakeSlack,
            count: int, concurrency: int, workers: int) -> dict[str, Any]:
    process = start(command, env, cwd, port, cwd / f"{name}.log")
    try:
        sender = SlackSender(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        send_mix(sender, 6 * workers, 1, f"{name}-warmup")  # each worker's first request runs auth.test (2 s late)
        started = time.monotonic()
        latencies, statuses, kinds = send_mix(sender, count, concurrency, name)
        wall = time.monotonic() - started
        rss, pss = tree_memory_mb(process.pid)
    finally:
        stop(process)
    return {"name": name, "count": len(latencies), "non_2xx": sum(1 for s in statuses if not 200 <= s < 300),
            "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99), "max": max(latencies), "wall": wall, "rss": rss, "pss": pss,
            "by_kind": {kind: [ms for ms, k in zip(latencies, kinds, strict=True) if k == kind] for kind in KINDS}}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="warm-up multiplier (waitress is one process)")
    parser.add_argument("--threads", type=int, default=16, help="WEB_THREADS of both apps (threads per worker)")
    args = parser.parse_args()
    count = max(3, min(args.requests, 5000))
    concurrency = max(1, min(args.concurrency, 200))
    workers = max(1, min(args.workers, 8))
    threads = max(1, min(args.threads, 64))

    llm = ThreadingHTTPServer(("127.0.0.1", 0), _SlowLLM)
    llm.daemon_threads = True
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    fake = FakeSlack().start()
    assert fake._server is not None
    fake._server.handle_error = lambda *_: None  # type: ignore[method-assign]  # apps stopped mid-call: expected
    fake.add_user("U1", name="cto", tz="Europe/London")
    fake.add_user("U2", name="founder", tz="Europe/London")
    fake.slow("*", SLACK_DELAY)
    try:
        with tempfile.TemporaryDirectory(prefix="ctobot-bench-") as tmp:
            cwd = Path(tmp)
            common = dict(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.url,
                          DATABASE_URL=f"sqlite:///{cwd / 'bench.db'}", LOG_LEVEL="WARNING",
                          WEB_CONCURRENCY=str(workers), WEB_THREADS=str(threads),
                          OPENAI_API_KEY="sk-bench-not-a-key", OPENAI_BASE_URL=f"http://127.0.0.1:{llm.server_port}/v1")
            setup_env = base_env(**common)
            ctobot("migrate", env=setup_env, cwd=cwd)
            ctobot("client", "add", "acme", "--channel", "C1", "--team", "T_TEST", "--tier", "active",
                   "--start", "2026-09-01", "--tz", "Europe/London", "--cto", "U1", env=setup_env, cwd=cwd)
            bare_port, app_port = free_port(), free_port()
            bare = measure("bare", [sys.executable, str(REPO / "bench" / "bare_bolt.py")],
                           base_env(**common, PORT=str(bare_port)), cwd, bare_port, fake, count, concurrency, workers)
            app = measure("ctobot", [sys.executable, "-m", "bot", "serve"],
                          base_env(**common, PORT=str(app_port)), cwd, app_port, fake, count, concurrency, workers)
    finally:
        fake.stop()
        llm.shutdown()

    print(f"ack latency: {count} signed requests at {concurrency} concurrent (1/3 /logtime, 1/3 /cto help, "
          f"1/3 question messages); Slack {SLACK_DELAY:g} s late, LLM {LLM_DELAY:g} s late; waitress, "
          f"{threads} threads, SQLite")
    print(f"{'app':8} {'count':>5} {'non-2xx':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'wall s':>7} {'RSS MB':>7} {'PSS MB':>7}")
    for r in (app, bare):
        print(f"{r['name']:8} {r['count']:5d} {r['non_2xx']:7d} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{r['max']:8.1f} {r['wall']:7.1f} {r['rss']:7.1f} {r['pss']:7.1f}")
    for r in (app, bare):
        print(f"{r['name']:8} by kind: " + ", ".join(
            f"{kind} p50 {statistics.median(ms):.0f} / p99 {percentile(ms, 0.99):.0f} ms"
            for kind, ms in r["by_kind"].items()))
    ratio = app["p99"] / bare["p99"] if bare["p99"] else float("inf")
    print(f"p99 ratio ctobot/bare: {ratio:.2f}")
    print(f"{verdict(app['non_2xx'] == 0)}  no non-2xx (got {app['non_2xx']})")
    print(f"{verdict(app['p50'] < TARGET_P50_MS)}  p50 < {TARGET_P50_MS:g} ms ({app['p50']:.1f})")
    print(f"{verdict(app['p99'] < TARGET_P99_MS)}  p99 < {TARGET_P99_MS:g} ms ({app['p99']:.1f})")
    print(f"{verdict(ratio <= TARGET_RATIO)}  p99 <= {TARGET_RATIO:g} x bare ({ratio:.2f})")
    print(f"{verdict(app['rss'] < TARGET_RSS_MB)}  RSS of the serve process tree < {TARGET_RSS_MB:g} MB "
          f"({app['rss']:.1f}; PSS {app['pss']:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
