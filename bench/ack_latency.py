"""Ack latency of `ctobot serve` (waitress) against a bare Bolt app, cold and warm, in HTTP and OAuth modes.

    .venv/bin/python bench/ack_latency.py [--requests 300] [--concurrency 50] [--repeats 3]

Everything runs on 127.0.0.1. A fake Slack Web API answers every call 2 s late. For each mode (HTTP: one bot
token; OAuth: an installation in the database) and each repeat, ctobot and the bare Bolt app (bench/bare_bolt.py:
a fixed authorize, listeners that only ack) are started in turn, alternating which goes first, each as a fresh
waitress process on a fresh copy of a database holding one client and nothing about its users or the bot. For
each process: the time from spawn to a 200 from /healthz; then, with no warm-up, the **cold** batch (the first
requests arrive concurrently); then the **warm** batch on the same process. A batch is `--requests` signed
requests at `--concurrency` (a third `/logtime 1h review <one of the last 60 days>`, a third `/cto help`, a third
question messages). CPU per request is the server process's user+system time over the batch (from /proc), divided
by its requests; RSS is read after both batches. The medians over the repeats are printed, with PASS/MISS against
the targets. Exit status 0 whatever the figures (it is a measurement).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.helpers.slack_requests import SlackSender  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-bench-0000000000-abcdefghijklmnop"
CLIENT_ID, CLIENT_SECRET = "1111.2222", "bench-client-secret"
SLACK_DELAY = 2.0
START_TIMEOUT = 60.0
RUN_TIMEOUT = 300.0
TARGET_P50_MS, TARGET_P99_MS, TARGET_RATIO, TARGET_RSS_MB, TARGET_START_S = 100.0, 300.0, 1.5, 150.0, 1.0
TICK = os.sysconf("SC_CLK_TCK")
KINDS = ("/logtime", "/cto help", "message")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(**values: str) -> dict[str, str]:
    """This environment without any ctobot setting, plus `values`."""
    ours = ("SLACK_", "DATABASE_URL", "CTO_USER_IDS", "OPENAI_", "PORT", "LOG_LEVEL", "WEB_", "TOKEN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(values)
    return env


def ctobot(*args: str, env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, text=True,
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"ctobot {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def save_installation(database: Path) -> None:
    """The OAuth installation of workspace T_TEST, as Bolt's OAuth flow stores it."""
    from slack_sdk.oauth.installation_store import Installation

    from bot.db import make_engine
    from bot.settings import Settings
    from bot.slack.installations import installation_store

    settings = Settings(_env_file=None, database_url=f"sqlite:///{database}", slack_client_id=CLIENT_ID,
                        slack_client_secret=CLIENT_SECRET, slack_signing_secret=SIGNING_SECRET)
    engine = make_engine(settings.database_url)
    installation_store(settings, engine).save(Installation(
        app_id="A_TEST", team_id="T_TEST", team_name="Test Workspace", user_id="U1", bot_token=BOT_TOKEN,
        bot_id="B_BOT", bot_user_id="U_BOT", bot_scopes="chat:write,commands", installed_at=time.time()))
    engine.dispose()


def start(command: list[str], env: dict[str, str], cwd: Path, port: int, log: Path) -> tuple[Any, float]:
    """Start a server process; it and the seconds from spawn to its first 200 from /healthz."""
    out = log.open("wb")
    spawned = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process, time.monotonic() - spawned
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() - spawned > START_TIMEOUT:
            stop(process)
            raise SystemExit(f"{' '.join(command)} did not start:\n{log.read_text()}")
        time.sleep(0.01)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # background work still waiting on the slow fake Slack
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process (all its threads), from /proc (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the process is gone
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def send_mix(sender: SlackSender, count: int, concurrency: int, tag: str) -> tuple[list[float], int]:
    """`count` signed requests, a third each /logtime, /cto help and a question message: latencies in ms, and
    how many were not answered 2xx."""
    def one(i: int) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            return send_one(i, started)
        except OSError:  # refused or reset: counted as not answered
            return (time.perf_counter() - started) * 1000, 0

    def send_one(i: int, started: float) -> tuple[float, int]:
        kind = i % 3
        if kind == 0:
            day = date.today() - timedelta(days=1 + (i // 3) % 60)  # 12 h a day at most: spread over 60 days
            response = sender.command("/logtime", f"1h review {day.isoformat()} {tag} {i}", user_id="U1",
                                      channel_id="C1")
        elif kind == 1:
            response = sender.command("/cto", "help", user_id="U2", channel_id="C1")
        else:
            ts = f"{time.time():.6f}"[:-3] + f"{i % 1000:03d}"
            response = sender.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2",
                                     "text": f"{tag} question {i}: should we shard the events table?", "ts": ts})
        return (time.perf_counter() - started) * 1000, response.status

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count), timeout=RUN_TIMEOUT))
    return [ms for ms, _ in results], sum(1 for _, status in results if not 200 <= status < 300)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def batch(process: Any, sender: SlackSender, count: int, concurrency: int, tag: str) -> dict[str, float]:
    cpu = cpu_seconds(process.pid)
    latencies, failed = send_mix(sender, count, concurrency, tag)
    cpu = cpu_seconds(process.pid) - cpu
    return {"p50": statistics.median(latencies), "p99": percentile(latencies, 0.99), "max": max(latencies),
            "cpu_ms": cpu * 1000 / count, "failed": failed}


def run_once(name: str, mode: str, command: list[str], env: dict[str, str], cwd: Path, template: Path,
             fake: FakeSlack, count: int, concurrency: int, tag: str) -> dict[str, Any]:
    database = cwd / f"{tag}.db"
    shutil.copy(template, database)
    port = free_port()
    env = {**env, "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}"}
    process, started = start(command, env, cwd, port, cwd / f"{tag}.log")
    try:
        sender = SlackSender(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        cold = batch(process, sender, count, concurrency, f"{tag}-cold")
        warm = batch(process, sender, count, concurrency, f"{tag}-warm")
        rss = rss_mb(process.pid)
        if process.poll() is not None or cold["failed"] or warm["failed"]:
            print(f"  {tag}: the server failed requests or exited ({process.poll()}); its log ends:\n"
                  + (cwd / f"{tag}.log").read_text()[-3000:], flush=True)
    finally:
        stop(process)
    return {"name": name, "mode": mode, "start_s": started, "cold": cold, "warm": warm, "rss": rss}


def median_of(runs: list[dict[str, Any]], phase: str | None, key: str) -> float:
    return statistics.median(run[phase][key] if phase else run[key] for run in runs)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=16, help="WEB_THREADS of both apps")
    parser.add_argument("--modes", default="http,oauth")
    args = parser.parse_args()
    count, concurrency = max(3, min(args.requests, 5000)), max(1, min(args.concurrency, 200))
    repeats, threads = max(1, min(args.repeats, 9)), max(1, min(args.threads, 64))
    modes = [m for m in args.modes.split(",") if m in ("http", "oauth")]

    fake = FakeSlack().start()
    assert fake._server is not None
    fake._server.handle_error = lambda *_: None  # type: ignore[method-assign]  # apps stopped mid-call: expected
    fake.add_user("U1", name="cto", tz="Europe/London")
    fake.add_user("U2", name="founder", tz="Europe/London")
    fake.slow("*", SLACK_DELAY)
    results: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ctobot-bench-") as tmp:
            cwd = Path(tmp)
            common = dict(SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.url, LOG_LEVEL="WARNING",
                          WEB_THREADS=str(threads))
            env_of = {"http": base_env(**common, SLACK_BOT_TOKEN=BOT_TOKEN),
                      "oauth": base_env(**common, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)}
            templates: dict[str, Path] = {}
            for mode in modes:
                template = cwd / f"template-{mode}.db"
                setup = {**env_of[mode], "DATABASE_URL": f"sqlite:///{template}"}
                ctobot("migrate", env=setup, cwd=cwd)
                ctobot("client", "add", "acme", "--channel", "C1", "--team", "T_TEST", "--tier", "active",
                       "--start", "2026-09-01", "--tz", "Europe/London", "--cto", "U1", env=setup, cwd=cwd)
                if mode == "oauth":
                    save_installation(template)
                templates[mode] = template
            apps = {"ctobot": [sys.executable, "-m", "bot", "serve"],
                    "bare": [sys.executable, str(REPO / "bench" / "bare_bolt.py")]}
            for mode in modes:
                for repeat in range(repeats):
                    order = ("ctobot", "bare") if repeat % 2 == 0 else ("bare", "ctobot")
                    for name in order:
                        tag = f"{mode}-{name}-{repeat}"
                        results.append(run_once(name, mode, apps[name], env_of[mode], cwd, templates[mode], fake,
                                                count, concurrency, tag))
                        print(f"  {tag}: started in {results[-1]['start_s']:.2f} s; cold p50/p99 "
                              f"{results[-1]['cold']['p50']:.0f}/{results[-1]['cold']['p99']:.0f} ms, warm "
                              f"{results[-1]['warm']['p50']:.0f}/{results[-1]['warm']['p99']:.0f} ms", flush=True)
    finally:
        fake.stop()

    print(f"\nack latency: {count} signed requests per batch at {concurrency} concurrent (1/3 /logtime 1h, 1/3 /cto "
          f"help, 1/3 question messages); Slack's Web API {SLACK_DELAY:g} s late; waitress, {threads} threads, "
          f"SQLite; {repeats} repeats, medians; {os.cpu_count()} CPUs")
    print(f"{'mode':6} {'app':7} {'phase':5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'CPU ms/req':>10} "
          f"{'non-2xx':>7} {'start s':>7} {'RSS MB':>7}")
    figures: dict[tuple[str, str, str], dict[str, float]] = {}
    for mode in modes:
        for name in ("ctobot", "bare"):
            runs = [r for r in results if r["mode"] == mode and r["name"] == name]
            for phase in ("cold", "warm"):
                row = {key: median_of(runs, phase, key) for key in ("p50", "p99", "max", "cpu_ms", "failed")}
                row.update(start_s=median_of(runs, None, "start_s"), rss=median_of(runs, None, "rss"))
                figures[(mode, name, phase)] = row
                print(f"{mode:6} {name:7} {phase:5} {row['p50']:7.1f} {row['p99']:7.1f} {row['max']:7.1f} "
                      f"{row['cpu_ms']:10.2f} {row['failed']:7.0f} {row['start_s']:7.2f} {row['rss']:7.1f}")
    print()
    for mode in modes:
        for phase in ("cold", "warm"):
            app, bare = figures[(mode, "ctobot", phase)], figures[(mode, "bare", phase)]
            p99_ratio = app["p99"] / bare["p99"] if bare["p99"] else float("inf")
            cpu_ratio = app["cpu_ms"] / bare["cpu_ms"] if bare["cpu_ms"] else float("inf")
            where = f"{mode} {phase}:"
            print(f"{verdict(app['failed'] == 0)}  {where:12} every request answered 2xx ({app['failed']:.0f} not)")
            print(f"{verdict(app['p50'] < TARGET_P50_MS)}  {where:12} p50 < {TARGET_P50_MS:g} ms ({app['p50']:.1f})")
            print(f"{verdict(app['p99'] < TARGET_P99_MS)}  {where:12} p99 < {TARGET_P99_MS:g} ms ({app['p99']:.1f})")
            print(f"{verdict(p99_ratio <= TARGET_RATIO)}  {where:12} p99 <= {TARGET_RATIO:g} x bare ({p99_ratio:.2f})")
            print(f"{verdict(cpu_ratio <= TARGET_RATIO)}  {where:12} CPU/request <= {TARGET_RATIO:g} x bare "
                  f"({app['cpu_ms']:.2f} vs {bare['cpu_ms']:.2f} ms: {cpu_ratio:.2f})")
        app = figures[(mode, "ctobot", "warm")]
        print(f"{verdict(app['rss'] < TARGET_RSS_MB)}  {mode + ':':12} RSS of ctobot serve after the run < "
              f"{TARGET_RSS_MB:g} MB ({app['rss']:.1f})")
        print(f"{verdict(app['start_s'] < TARGET_START_S)}  {mode + ':':12} serving /healthz within "
              f"{TARGET_START_S:g} s of spawn ({app['start_s']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
