"""Cost of the weekly digest against the length of history, and of the digest run for 200 engagements.

    .venv/bin/python bench/digest_cost.py [--runs 9]

On fresh SQLite files (in a temporary directory, migrated with Alembic) it bulk-inserts two years of one
engagement's history (20k time entries, 5k questions, 2k reviews, 500 decisions), times building one week's
digest (median of --runs), does the same with ten times that history (twenty years at the same weekly
density), then builds and posts the week's digest of 200 engagements (each with a tenth of that history) to
the fake Slack Web API on 127.0.0.1 (no rate limit) with the clock's own digest job (claimed once in digest_run,
posted, the 8-week chart uploaded into the thread). Prints the figures and PASS/MISS against the targets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import Engine, insert  # noqa: E402

from bot.db import make_engine, make_session_factory, transaction  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.models import Decision, Engagement, Question, ReviewRequest, TimeEntry  # noqa: E402
from bot.services import digest, engagements  # noqa: E402
from bot.services.categories import CATEGORIES  # noqa: E402
from bot.services.engagements import EngagementInput  # noqa: E402

WEEK = "2026-W47"  # Mon 16 – Sun 22 Nov 2026
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
END = date(2026, 11, 22)
DAYS = 730
BASE = {"time_entry": 20_000, "question": 5_000, "review_request": 2_000, "decision": 500}
TARGET_MS, TARGET_RATIO, TARGET_JOB_S = 100.0, 1.5, 30.0
BATCH = 5_000


def make_engagement(engine: Engine, n: int, days: int = DAYS) -> int:
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        made = engagements.setup_engagement(
            session, team_id="T0BENCH", channel_id=f"C{n:05d}", actor_id=None, default_cto_ids=[],
            data=EngagementInput(name=f"client-{n}", tier="active", start_date=END - timedelta(days=days),
                                 timezone="Europe/London", cto_user_ids=["U0CTO"]))
        return int(made.id)  # type: ignore[arg-type]


def _bulk(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[start:start + BATCH])


WEEK_MONDAY, WEEK_DAYS = date(2026, 11, 16), 7
PER_WEEK = {kind: round(count * 7 / DAYS) for kind, count in BASE.items()}  # the same density, in one week


def fill_history(engine: Engine, engagement_id: int, scale: float, rng: random.Random, days: int = DAYS) -> int:
    """`days` of history ending on END, `scale` times BASE rows; returns the number of rows.

    The measured week gets the same rows whatever the history (a fixed seed), so that a slower build can only
    come from the history around it."""
    counts = {kind: int(count * scale) for kind, count in BASE.items()}
    rows = _rows(engagement_id, counts, END - timedelta(days=days), days + 1, rng, skip_week=True, offset=0)
    week = _rows(engagement_id, PER_WEEK, WEEK_MONDAY, WEEK_DAYS, random.Random(99), skip_week=False,
                 offset=counts["decision"] + counts["review_request"])
    for model in (TimeEntry, Question, ReviewRequest, Decision):
        table = model.__table__  # type: ignore[attr-defined]
        _bulk(engine, table, rows[table.name] + week[table.name])
    return sum(len(r) for r in rows.values()) + sum(len(r) for r in week.values())


def _rows(engagement_id: int, counts: dict[str, int], first: date, days: int, rng: random.Random, *,
          skip_week: bool, offset: int) -> dict[str, list[dict[str, Any]]]:
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    week_start = datetime.combine(WEEK_MONDAY - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    week_end = week_start + timedelta(days=WEEK_DAYS + 2)  # a day of margin for the time zone
    categories = sorted(CATEGORIES)
    recent = datetime.combine(END - timedelta(days=30), datetime.min.time(), tzinfo=UTC)

    def moment() -> datetime:
        while True:
            at = start + timedelta(seconds=rng.random() * days * 86400)
            if not (skip_week and week_start <= at < week_end):
                return at

    def day() -> date:
        return moment().date()

    entries = [{"engagement_id": engagement_id, "user_id": "U0CTO", "work_date": day(),
                "minutes": rng.choice((15, 30, 45, 60, 90, 120)), "category": rng.choice(categories),
                "note": "bench", "source": "command", "created_at": NOW}
               for _ in range(counts["time_entry"])]
    questions = []
    for i in range(counts["question"]):
        asked = moment()
        answered = i % 5 != 0 or asked < recent  # some of the last month's stay open
        questions.append({"engagement_id": engagement_id, "channel_id": "C1",
                          "message_ts": f"{asked.timestamp():.6f}.{offset + i}", "asker_user_id": "U0FOUNDER",
                          "text": "should we?", "asked_at": asked,
                          "first_response_at": asked + timedelta(hours=rng.uniform(0.2, 8)) if answered else None,
                          "first_response_by": "U0CTO" if answered else None,
                          "status": "resolved" if answered and i % 3 else ("answered" if answered else "open")})
    reviews = []
    for i in range(counts["review_request"]):
        requested = moment()
        done = i % 4 != 0 or requested < recent
        reviews.append({"engagement_id": engagement_id, "channel_id": "C1",
                        "message_ts": f"{requested.timestamp():.6f}",
                        "requester_user_id": "U0DEV", "url": f"https://github.com/acme/app/pull/{offset + i + 1}",
                        "status": "done" if done else "requested", "requested_at": requested,
                        "completed_at": requested + timedelta(hours=rng.uniform(1, 48)) if done else None})
    decisions = []
    for i in range(counts["decision"]):
        created = moment()
        accepted = i % 4 != 0
        decisions.append({"engagement_id": engagement_id, "number": offset + i + 1, "title": f"Decision {i + 1}",
                          "status": "accepted" if accepted else "proposed", "deciders": ["U0CTO"],
                          "created_at": created, "updated_at": created,
                          "decided_at": created + timedelta(days=2) if accepted else None})
    return {"time_entry": entries, "question": questions, "review_request": reviews, "decision": decisions}


def time_digest(engine: Engine, engagement_id: int, runs_count: int) -> tuple[float, WeeklyDigestFigures]:
    """Median milliseconds to build the week's digest in its own transaction, as `/cto digest` does."""
    factory = make_session_factory(engine)
    timings = []
    built = None
    for _ in range(runs_count):
        started = time.perf_counter()
        with transaction(factory) as session:
            engagement = session.get(Engagement, engagement_id)
            assert engagement is not None
            built = digest.build_digest(session, engagement=engagement, week=digest.week_of(engagement, key=WEEK),
                                        now=NOW)
        timings.append((time.perf_counter() - started) * 1000)
    assert built is not None
    return statistics.median(timings), WeeklyDigestFigures(built.week_minutes, built.questions_asked,
                                                           built.reviews_requested, len(built.decisions_new))


class WeeklyDigestFigures(tuple):  # type: ignore[type-arg]
    """(minutes, questions asked, reviews requested, new decisions) of the built week: proof it was not empty."""

    def __new__(cls, *values: int) -> WeeklyDigestFigures:
        return super().__new__(cls, values)


def digest_job(url: str, ids: list[int], api_url: str) -> tuple[float, int]:
    """The clock's digest job (bot.flows.scheduled_posts.post_digest: build, claim, post, chart in the thread)
    for every engagement; seconds taken and digests posted."""
    from bot.flows.scheduled_posts import post_digest
    from bot.runtime import build_deps
    from bot.settings import Settings

    settings = Settings(_env_file=None, slack_bot_token="xoxb-bench-0000-token", slack_signing_secret="bench-secret",
                        slack_api_url=api_url, database_url=url)
    deps = build_deps(settings)
    posted = 0
    started = time.perf_counter()
    try:
        for engagement_id in ids:
            result = post_digest(deps, engagement_id=engagement_id, claimed_by="bench", week_key=WEEK, now=NOW)
            posted += result.posted
    finally:
        deps.background.shutdown(wait=True)
        deps.engine.dispose()
    return time.perf_counter() - started, posted


def fresh_engine(path: Path) -> Engine:
    url = f"sqlite:///{path}"
    upgrade(url)
    return make_engine(url)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="digest builds per measurement (median is kept)")
    parser.add_argument("--engagements", type=int, default=200)
    args = parser.parse_args()
    runs_count = max(1, min(args.runs, 100))
    count = max(1, min(args.engagements, 1000))
    rng = random.Random(7)
    from tests.fakes.slack_api import FakeSlack

    with tempfile.TemporaryDirectory(prefix="ctobot-digest-bench-") as tmp:
        results = {}
        for scale in (1, 10):
            engine = fresh_engine(Path(tmp) / f"history-x{scale}.db")
            # Ten times the history is ten times as long (twenty years), at the same weekly density.
            engagement_id = make_engagement(engine, 1, days=DAYS * scale)
            started = time.perf_counter()
            rows = fill_history(engine, engagement_id, scale, rng, days=DAYS * scale)
            load_s = time.perf_counter() - started
            results[scale] = (*time_digest(engine, engagement_id, runs_count), rows, load_s)
            engine.dispose()
        many = Path(tmp) / "many.db"
        engine = fresh_engine(many)
        ids = [make_engagement(engine, n) for n in range(1, count + 1)]
        for engagement_id in ids:  # a tenth of the two-year history each
            fill_history(engine, engagement_id, 0.1, rng)
        with FakeSlack(team_id="T0BENCH") as fake:
            engine.dispose()
            job_s, posted = digest_job(f"sqlite:///{many}", ids, fake.url)
            assert len(fake.calls_to("chat.postMessage")) == posted
            charts = len(fake.calls_to("files.completeUploadExternal"))

    print(f"digest cost on SQLite: week {WEEK}, median of {runs_count} builds")
    for scale, (ms, figures, rows, load_s) in results.items():
        print(f"  history x{scale:<2}: {rows:>7} rows (loaded in {load_s:.1f} s): {ms:7.1f} ms per digest "
              f"(week: {figures[0]} min logged, {figures[1]} questions, {figures[2]} reviews, {figures[3]} decisions)")
    ratio = results[10][0] / results[1][0]
    print(f"  ratio x10 / x1: {ratio:.2f}")
    print(f"  digest job: {posted} of {count} digests built, claimed and posted ({charts} charts uploaded into "
          f"their threads) in {job_s:.1f} s ({job_s / max(posted, 1) * 1000:.0f} ms each)")
    print(f"{verdict(results[1][0] < TARGET_MS)}  one digest with two years of history < {TARGET_MS:g} ms "
          f"({results[1][0]:.1f})")
    print(f"{verdict(ratio <= TARGET_RATIO)}  ten times the history <= {TARGET_RATIO:g} x slower ({ratio:.2f})")
    print(f"{verdict(job_s < TARGET_JOB_S and posted == count)}  {count} digests < {TARGET_JOB_S:g} s "
          f"({job_s:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
