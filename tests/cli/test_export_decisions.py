"""`ctobot export adr` (MADR 4 files and an index, byte for byte) and `ctobot export decisions` (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlmodel import select

from bot.db import transaction
from bot.models import Decision
from bot.services import decisions
from bot.services.decisions import DecisionFields
from tests.cli.test_cli import ctobot
from tests.helpers.factories import add_engagement


def seed(session_factory) -> None:
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), display_name="Acme Ltd",
                          timezone="America/New_York")
    with transaction(session_factory) as session:
        first = decisions.record_decision(
            session, engagement=acme, title="Use MySQL for events", user_id="U2", channel_id="C1",
            fields=DecisionFields(context="Events are lost on restart.", options=("MySQL", "Kafka"),
                                  outcome="MySQL.", consequences="One more database."))
        decisions.set_card(session, decision_id=first.id, channel_id="C1", card_ts="1763600000.000100",
                           permalink="https://acme.slack.com/archives/C1/p1763600000000100")
        decisions.decide(session, engagement=acme, decision=first, user_id="U1", verb="accept")
        second, _ = decisions.supersede(session, engagement=acme, number=1, title="Use Postgres for events!",
                                        user_id="U1", channel_id="C1")
        decisions.set_fields(session, decision=second, draft_method="template", draft_text="…",
                             fields=DecisionFields(context="MySQL is not run by anyone.", options=("Postgres",),
                                                   outcome="Postgres | we run it.", consequences=""))
    with transaction(session_factory) as session:  # fixed times: late evening UTC is the previous day in New York
        for d in session.exec(select(Decision)).all():
            d.created_at = datetime(2026, 11, 20 + d.number, 3, 30, tzinfo=UTC)
            d.updated_at = d.created_at
            if d.decided_at is not None:
                d.decided_at = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
            session.add(d)


FIRST = """---
status: superseded by ADR-0002
date: 2026-11-21
decision-makers: U1

---
# Use MySQL for events

* Status: superseded by [ADR-0002](0002-use-postgres-for-events.md)
* Date: 2026-11-21
* Deciders: U1

## Context and Problem Statement

Events are lost on restart.

## Considered Options

* MySQL
* Kafka

## Decision Outcome

MySQL.

### Consequences

One more database.

## More Information

Superseded by [ADR-0002](0002-use-postgres-for-events.md).
Discussed in Slack: <https://acme.slack.com/archives/C1/p1763600000000100>.

## Status

Superseded by [ADR-0002](0002-use-postgres-for-events.md)
"""

SECOND = """---
status: proposed
date: 2026-11-21
decision-makers: U1

---
# Use Postgres for events!

* Status: proposed
* Date: 2026-11-21
* Deciders: U1

## Context and Problem Statement

MySQL is not run by anyone.

## Considered Options

* Postgres

## Decision Outcome

Postgres \\| we run it.

### Consequences

_Not recorded yet._

## More Information

Supersedes [ADR-0001](0001-use-mysql-for-events.md).
The draft was assembled from the Slack thread by a template.

## Status

Proposed
"""

INDEX = """# Architecture decision records — Acme Ltd

In [MADR 4](https://adr.github.io/madr/) form, exported by ctobot.

| ADR | Title | Status | Date |
|---|---|---|---|
| [ADR-0001](0001-use-mysql-for-events.md) | Use MySQL for events | superseded by ADR-0002 | 2026-11-21 |
| [ADR-0002](0002-use-postgres-for-events.md) | Use Postgres for events! | proposed | 2026-11-21 |
"""


def test_adr_export_writes_madr_files_and_an_index_byte_for_byte(tmp_path, database_url, session_factory):
    seed(session_factory)
    out = tmp_path / "adr"
    result = ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".ctobot-adr.json", "0001-use-mysql-for-events.md",
                                                    "0002-use-postgres-for-events.md", "README.md"]
    assert (out / "0001-use-mysql-for-events.md").read_bytes() == FIRST.encode()
    assert (out / "0002-use-postgres-for-events.md").read_bytes() == SECOND.encode()
    assert (out / "README.md").read_bytes() == INDEX.encode()


def test_re_exporting_rewrites_the_same_bytes_and_drops_a_renamed_file(tmp_path, database_url, session_factory):
    seed(session_factory)
    out = tmp_path / "adr"
    (out).mkdir()
    (out / "notes.txt").write_text("mine")
    env = {"DATABASE_URL": database_url}
    assert ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, **env).returncode == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, **env).returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    with transaction(session_factory) as session:
        d = session.exec(select(Decision).where(Decision.number == 2)).one()
        d.title = "Use Postgres 16 for events"
        session.add(d)
    assert ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, **env).returncode == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [".ctobot-adr.json", "0001-use-mysql-for-events.md", "0002-use-postgres-16-for-events.md",
                     "README.md", "notes.txt"]


def test_adr_export_keeps_a_hand_written_adr_and_another_clients_export(tmp_path, database_url, session_factory):
    seed(session_factory)
    globex = add_engagement(session_factory, name="globex", channel="C2", ctos=("U1",), display_name="Globex")
    with transaction(session_factory) as session:
        decisions.record_decision(session, engagement=globex, title="Use Kafka", user_id="U1", channel_id="C2")
    env = {"DATABASE_URL": database_url}
    hand_written = tmp_path / "globex-adr" / "0001-record-architecture-decisions.md"
    hand_written.parent.mkdir()
    hand_written.write_bytes(b"# 1. Record architecture decisions\n\nDate: 2026-09-01\n")
    assert ctobot("export", "adr", "--client", "globex", "--out", str(hand_written.parent), cwd=tmp_path,
                  **env).returncode == 0
    before = {p.name: p.read_bytes() for p in hand_written.parent.iterdir()}
    assert set(before) == {".ctobot-adr.json", "0001-record-architecture-decisions.md", "0001-use-kafka.md",
                           "README.md"}
    refused = ctobot("export", "adr", "--client", "acme", "--out", str(hand_written.parent), cwd=tmp_path, **env)
    assert refused.returncode == 2 and "README.md (written by the export of globex)" in refused.stderr
    assert {p.name: p.read_bytes() for p in hand_written.parent.iterdir()} == before  # nothing deleted or replaced

    out = tmp_path / "adr"
    out.mkdir()
    (out / "0001-record-architecture-decisions.md").write_bytes(hand_written.read_bytes())
    (out / "0003-globex-uses-kafka.md").write_bytes(b"Another client's ADR, copied here.\n")
    theirs = {p.name: p.read_bytes() for p in out.iterdir()}
    assert ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, **env).returncode == 0
    with transaction(session_factory) as session:
        d = session.exec(select(Decision).where(Decision.number == 2, Decision.channel_id == "C1")).one()
        d.title = "Use Postgres 16 for events"
        session.add(d)
    again = ctobot("export", "adr", "--client", "acme", "--out", str(out), cwd=tmp_path, **env)
    assert again.returncode == 0 and "removed 0002-use-postgres-for-events.md" in again.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {name: after[name] for name in theirs} == theirs
    assert sorted(set(after) - set(theirs)) == [".ctobot-adr.json", "0001-use-mysql-for-events.md",
                                                "0002-use-postgres-16-for-events.md", "README.md"]
    manifest = json.loads(after[".ctobot-adr.json"])
    assert manifest["exports"] == [{"engagement": "acme", "team": "T_TEST", "files": [
        "0001-use-mysql-for-events.md", "0002-use-postgres-16-for-events.md", "README.md"]}]


def test_adr_export_refusals(tmp_path, database_url, session_factory):
    seed(session_factory)
    no_out = ctobot("export", "adr", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    assert no_out.returncode == 2 and "--out DIR" in no_out.stderr
    (tmp_path / "file").write_text("x")
    a_file = ctobot("export", "adr", "--client", "acme", "--out", str(tmp_path / "file"), cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert a_file.returncode == 2 and "is a file" in a_file.stderr and (tmp_path / "file").read_text() == "x"


def test_decisions_export_as_json_and_csv_with_channel_and_thread(tmp_path, database_url, session_factory):
    seed(session_factory)
    result = ctobot("export", "decisions", "--client", "acme", "--format", "json", cwd=tmp_path,
                    DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["number"] for r in records] == [1, 2]
    first = records[0]
    assert first["channel"] == "C1" and first["thread_ts"] == "1763600000.000100" and first["status"] == "superseded"
    assert first["options"] == ["MySQL", "Kafka"] and first["deciders"] == ["U1"] and first["superseded_by"] == 2
    assert records[1]["supersedes"] == 1 and records[1]["draft_method"] == "template"
    assert first["decided_at"] == "2026-11-22T02:00:00+00:00"
    as_csv = ctobot("export", "decisions", "--client", "acme", cwd=tmp_path, DATABASE_URL=database_url)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows[0]["channel"] == "C1" and rows[0]["thread_ts"] == "1763600000.000100"
    assert rows[0]["options"] == "MySQL; Kafka" and rows[1]["title"] == "Use Postgres for events!"
