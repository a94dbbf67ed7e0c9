"""An independent oracle for the digest ledger: random months of logging, run through the real posting code.

Hypothesis draws an engagement (London or New York, starting part-way through October, so its first month is
partial and its weeks cross both zones' autumn DST change) and a history: time entries logged on the day or days
late, edits and deletions, questions asked (some just after a digest's slot) and answered. The history is played
through the real services, each action at its instant on the process clock, and at every Friday slot the real
`post_digest` posts to the fake Slack (one slot's post is refused by Slack). Each posted message is read back
and every figure compared with a recomputation written here from the generated history alone (no service is
called for it): this week, logged late (total and weeks), corrections, questions asked and answered. Over all the
digests, every minute of the final ledger is counted exactly once, and every question once; each month's
statement equals the ledger's month and its Harvest CSV's Hours column sums to it exactly.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.db import transaction
from bot.flows.scheduled_posts import post_digest
from bot.models import Question, TimeEntry
from bot.services import capture, exports, statement, timelog
from bot.services.capture import SlackMessage
from bot.services.logtime_parser import LogtimeRequest
from tests.helpers.clock import clock_at
from tests.helpers.database import empty_all_tables
from tests.helpers.factories import add_engagement

LAST_WORK_DAY = date(2026, 11, 29)
LAST_SLOT_DAY = date(2026, 12, 4)  # a Friday: by its slot every action has happened
CATEGORIES = ["architecture", "review", "hiring", "build"]
channels = itertools.count(1)



# --- the history ----------------------------------------------------------------------------------------------

@dataclass
class Entry:
    work_date: date
    logged_at: datetime
    minutes: int
    category: str
    changes: list[tuple[datetime, int | None]] = field(default_factory=list)  # (when, new minutes | None: deleted)
    ref: str = ""

    def minutes_at(self, at: datetime) -> int:
        """Its minutes on the ledger at `at` (0 once deleted)."""
        minutes = self.minutes
        for when, new in self.changes:
            if when < at:
                minutes = 0 if new is None else new
        return minutes


@dataclass
class Asked:
    asked_at: datetime
    answered_at: datetime | None


def histories(draw, zone: ZoneInfo, start: date) -> tuple[list[Entry], list[Asked]]:
    days = (LAST_WORK_DAY - start).days
    entries = []
    for _ in range(draw(st.integers(3, 14))):
        work_date = start + timedelta(days=draw(st.integers(0, days)))
        late_hours = draw(st.sampled_from([0, 0, 2, 30, 75, 170, 260]))  # the same day, after the slot, weeks on
        logged_at = datetime.combine(work_date, time(17, 30), tzinfo=zone) + timedelta(hours=late_hours)
        entry = Entry(work_date, logged_at, draw(st.integers(1, 16)) * 15, draw(st.sampled_from(CATEGORIES)))
        for _ in range(draw(st.integers(0, 2))):  # edited or deleted, often after a digest counted it
            when = logged_at + timedelta(hours=draw(st.integers(1, 400)))
            entry.changes.append((when, draw(st.one_of(st.none(), st.integers(1, 12).map(lambda n: n * 20)))))
        entries.append(entry)
    questions = []
    for _ in range(draw(st.integers(0, 8))):
        day = start + timedelta(days=draw(st.integers(0, days)))
        day += timedelta(days=(4 - day.weekday()) % 7) if draw(st.booleans()) else timedelta(0)  # often a Friday
        minute = draw(st.sampled_from([9 * 60, 15 * 60 + 50, 16 * 60 + 5, 16 * 60 + 40, 20 * 60]))  # around 16:00
        asked_at = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
        waited = draw(st.one_of(st.none(), st.integers(1, 80)))
        questions.append(Asked(asked_at, None if waited is None else asked_at + timedelta(hours=waited)))
    return entries, questions


@st.composite
def engagements(draw):
    zone = draw(st.sampled_from(["Europe/London", "America/New_York"]))
    start = date(2026, 10, draw(st.integers(1, 16)))
    entries, questions = histories(draw, ZoneInfo(zone), start)
    return zone, start, entries, questions, draw(st.integers(0, 9))


# --- the oracle's own arithmetic --------------------------------------------------------------------------------

def iso_week(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def minutes_of(text: str) -> int:
    """`-2h 15m` -> -135 (the app's duration format, read back)."""
    sign = -1 if text.startswith("-") else 1
    hours = re.search(r"(\d+)h", text)
    mins = re.search(r"(\d+)m", text)
    return sign * ((int(hours.group(1)) * 60 if hours else 0) + (int(mins.group(1)) if mins else 0))


DURATION = r"[-+±]?(?:\d+h(?: \d+m)?|\d+m)"


def shown(message: dict) -> dict:
    """The figures a posted digest shows, read from its Block Kit."""
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    late = re.search(rf"\*Logged late for earlier weeks\* — ({DURATION})", text)
    corrections = re.search(rf"\*Corrections\* — ({DURATION})", text)
    asked = re.search(r"(\d+) asked, (\d+) answered since the last digest", text)
    return {"week": minutes_of(re.search(rf"this week ({DURATION})", text).group(1)),
            "late": minutes_of(late.group(1)) if late else 0,
            "late_weeks": sorted(re.findall(r"• (\d{4}-W\d\d): ", text)),
            "corrections": minutes_of(corrections.group(1).replace("±", "")) if corrections else 0,
            "asked": int(asked.group(1)), "answered": int(asked.group(2))}


def expected(entries: list[Entry], questions: list[Asked], reported: dict[int, int], counted_q: set[int],
             answered_q: set[int], *, monday: date, week_end: datetime, at: datetime) -> dict:
    """What the digest of the week starting `monday`, posted at `at`, must show; updates the oracle's ledger."""
    sunday = monday + timedelta(days=6)
    figures = {"week": 0, "late": 0, "late_weeks": set(), "corrections": 0, "asked": 0, "answered": 0}
    for n, entry in enumerate(entries):
        if entry.logged_at >= at:
            continue
        now = entry.minutes_at(at)
        if n not in reported:
            if now and entry.work_date <= sunday:
                key = "week" if entry.work_date >= monday else "late"
                figures[key] += now
                if key == "late":
                    figures["late_weeks"].add(iso_week(entry.work_date))
                reported[n] = now
        elif now != reported[n]:
            figures["corrections"] += now - reported[n]
            reported[n] = now
    until = min(at, week_end)
    for n, question in enumerate(questions):
        if n not in counted_q and question.asked_at < until:
            figures["asked"] += 1
            counted_q.add(n)
        if n not in answered_q and question.answered_at is not None and question.answered_at < until:
            figures["answered"] += 1
            answered_q.add(n)
    figures["late_weeks"] = sorted(figures["late_weeks"])
    return figures


# --- playing the history through the app -------------------------------------------------------------------------

def play(session_factory, engagement, channel: str, entries: list[Entry], questions: list[Asked],
         until: datetime, done: set) -> None:
    """Every action of the history before `until` not yet played, in time order, each at its instant."""
    zone = ZoneInfo(engagement.timezone)
    actions = [(e.logged_at, "log", e, None) for e in entries]
    actions += [(when, "change", e, new) for e in entries for when, new in e.changes]
    actions += [(q.asked_at, "ask", q, None) for q in questions]
    actions += [(q.answered_at, "answer", q, None) for q in questions if q.answered_at is not None]
    for when, what, item, new in sorted(actions, key=lambda a: a[0]):
        if when >= until or (id(item), what, when) in done:
            continue
        done.add((id(item), what, when))
        with clock_at(when), transaction(session_factory) as session:
            today = when.astimezone(zone).date()
            if what == "log":
                item.ref = f"oracle-{id(item)}"
                timelog.log_time(session, engagement=engagement, user_id="U1", today=today, source_ref=item.ref,
                                 request=LogtimeRequest(minutes=item.minutes, category=item.category,
                                                        work_date=item.work_date, note="oracle"))
            elif what == "change":
                entry_id = session.exec(select(TimeEntry.id).where(TimeEntry.source_ref == item.ref)).one()
                if new is None:
                    timelog.delete_entry(session, entry_id=entry_id, user_id="U1")
                else:
                    timelog.edit_entry(session, entry_id=entry_id, user_id="U1", today=today, request=LogtimeRequest(
                        minutes=new, category=item.category, work_date=item.work_date, note="oracle"))
            else:
                ts = f"{item.asked_at.timestamp():.6f}"
                message = (SlackMessage(channel_id=channel, ts=ts, user_id="U2", text="Can we ship on Friday?")
                           if what == "ask" else
                           SlackMessage(channel_id=channel, ts=f"{when.timestamp():.6f}", user_id="U1", text="Yes",
                                        thread_ts=ts))
                capture.capture_message(session, engagement=engagement, bot_user_id="U_BOT", message=message)


def settle(entries: list[Entry], questions: list[Asked]) -> None:
    """Drop what the app could not record (no two questions share a message; a changed entry changes after it was
    logged, and not once deleted), so that the oracle's history is the one the app holds."""
    seen: set[datetime] = set()
    questions[:] = [q for q in questions if q.asked_at.date() < LAST_SLOT_DAY
                    and not (q.asked_at in seen or seen.add(q.asked_at))]
    for entry in entries:
        kept, deleted = [], False
        for when, new in sorted(entry.changes, key=lambda c: c[0]):
            if not deleted and when > entry.logged_at:
                kept.append((when, new))
                deleted = new is None
        entry.changes = kept
    entries[:] = [e for e in entries if e.logged_at.date() <= LAST_SLOT_DAY - timedelta(days=1)]
    for entry in entries:
        entry.changes = [(w, n) for w, n in entry.changes if w.date() < LAST_SLOT_DAY]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(engagements())
def test_every_entry_and_question_is_counted_in_exactly_one_posted_digest(deps, engine, fake_slack, case):
    zone_name, start, entries, questions, refused_slot = case
    zone = ZoneInfo(zone_name)
    empty_all_tables(engine)
    settle(entries, questions)
    channel = f"C{next(channels)}"
    engagement = add_engagement(deps.session_factory, name="acme", channel=channel, ctos=("U1",), start_date=start,
                                timezone=zone_name)

    reported: dict[int, int] = {}
    counted_q: set[int] = set()
    answered_q: set[int] = set()
    friday = start + timedelta(days=(4 - start.weekday()) % 7)
    fridays = list(itertools.takewhile(lambda d: d <= LAST_SLOT_DAY,
                                       (friday + timedelta(weeks=k) for k in itertools.count())))
    refused_slot %= len(fridays) - 1  # never the last: what a refused digest counted goes to the next one
    posted, played = [], set()
    for n, day in enumerate(fridays):
        slot = datetime.combine(day, time(16), tzinfo=zone)
        play(deps.session_factory, engagement, channel, entries, questions, until=slot, done=played)
        if n == refused_slot:  # Slack refuses this one: nothing is marked, the next digest counts it all
            fake_slack.fail("chat.postMessage", body={"ok": False, "error": "channel_not_found"}, status=200)
        with clock_at(slot):
            result = post_digest(deps, engagement_id=engagement.id, claimed_by="clock")
        monday = day - timedelta(days=4)
        assert result.posted == (n != refused_slot), result.reason
        if not result.posted:
            continue
        [message] = [m for m in fake_slack.messages(channel) if m["ts"] == result.message_ts]
        week_end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
        want = expected(entries, questions, reported, counted_q, answered_q, monday=monday, week_end=week_end,
                        at=slot)
        got = shown(message)
        assert got == want, (day, got, want)
        posted.append(got)

    with transaction(deps.session_factory) as session:  # the final ledger, read as raw rows
        rows = session.exec(select(TimeEntry).where(TimeEntry.engagement_id == engagement.id)).all()
        live = [r for r in rows if r.deleted_at is None]
        question_rows = session.exec(select(Question).where(Question.engagement_id == engagement.id)).all()
        assert sum(d["week"] + d["late"] + d["corrections"] for d in posted) == sum(r.minutes for r in live)
        assert sum(d["asked"] for d in posted) == len(question_rows) == len(questions)
        assert sum(d["answered"] for d in posted) == sum(q.first_response_at is not None for q in question_rows)
        for month in (date(2026, 10, 1), date(2026, 11, 1)):
            month_minutes = sum(r.minutes for r in live if (r.work_date.year, r.work_date.month) == (2026, month.month))
            built = statement.build_statement(session, engagement=engagement, month=month)
            assert built.summary.minutes == month_minutes
            csv_text = exports.hours_csv(exports.month_entries(session, engagement=engagement, month=month,
                                                               include_deleted=True),
                                         engagement=engagement, names={})
            hours = [Decimal(row["Hours"]) for row in csv.DictReader(io.StringIO(csv_text))]
            assert sum(hours, Decimal(0)) == (Decimal(month_minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if month == date(2026, 10, 1) and start.day > 1:
                assert built.summary.band.prorated  # a partial first month


def test_the_oracle_can_tell_a_digest_that_misses_late_time():
    """The recomputation itself: time logged after its week's slot belongs to the next digest, as late time."""
    zone = ZoneInfo("Europe/London")
    entry = Entry(date(2026, 11, 18), datetime(2026, 11, 21, 10, tzinfo=zone), 120, "review")
    reported: dict[int, int] = {}
    w47 = expected([entry], [], reported, set(), set(), monday=date(2026, 11, 16),
                   week_end=datetime(2026, 11, 23, tzinfo=zone), at=datetime(2026, 11, 20, 16, tzinfo=zone))
    w48 = expected([entry], [], reported, set(), set(), monday=date(2026, 11, 23),
                   week_end=datetime(2026, 11, 30, tzinfo=zone), at=datetime(2026, 11, 27, 16, tzinfo=zone))
    assert (w47["week"], w47["late"], w48["late"], w48["late_weeks"]) == (0, 0, 120, ["2026-W47"])
