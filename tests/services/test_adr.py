"""MADR files: user text renders literally, the front matter stays YAML, and the folder keeps what it did not write."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from markdown_it.common.utils import escapeHtml
from sqlmodel import select

from bot.db import transaction
from bot.errors import Conflict
from bot.models import Decision, Engagement
from bot.services import adr
from tests.helpers.factories import add_engagement
from tests.helpers.hostile import JAVASCRIPT_URL, MARKDOWN, render, unescaped_markup, unsafe_html

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BLOCK = "# Not a heading\n- not a list\n> not a quote\n1. not numbered\nsetext?\n===\n<div onclick=x>hi</div>"


def export(session_factory, engagement) -> dict[str, str]:
    with transaction(session_factory) as session:
        return adr.adr_files(session, engagement=session.get(Engagement, engagement.id))


def front_matter(text: str) -> tuple[dict, str]:
    match = re.fullmatch(r"---\n(.*?)\n---\n(.*)", text, flags=re.S)
    assert match, text
    return yaml.safe_load(match.group(1)), match.group(2)


def test_what_people_wrote_renders_as_text_and_only_http_links_are_links(session_factory):
    acme = add_engagement(session_factory, display_name="Acme *Ltd* <i>")
    hostile = " ".join(MARKDOWN)
    with transaction(session_factory) as session:
        session.add(Decision(engagement_id=acme.id, number=1, title=hostile, context=hostile + "\n" + BLOCK,
                             options="\n".join(MARKDOWN), outcome=BLOCK, consequences=hostile,
                             permalink=JAVASCRIPT_URL, created_at=AT, updated_at=AT))
        session.add(Decision(engagement_id=acme.id, number=2, title="Kept link", created_at=AT, updated_at=AT,
                             permalink="https://acme.slack.com/archives/C1/p2"))
    files = export(session_factory, acme)
    for name, text in files.items():
        body = front_matter(text)[1] if name != adr.INDEX_NAME else text
        assert unsafe_html(render(body)) == [] and unescaped_markup(body) == [], name
    [first_name] = [name for name in files if name.startswith("0001-")]
    first = render(front_matter(files[first_name])[1])
    assert set(re.findall(r"<([a-z0-9]+)", first)) == {"h1", "h2", "h3", "p", "ul", "li"}  # ctobot's structure only
    [first_name] = [name for name in files if name.startswith("0001-")]
    first = render(front_matter(files[first_name])[1])
    assert "javascript:alert(1)" in first and 'href="javascript' not in first
    assert [line for line in first.splitlines() if line.startswith("<li>")][2:] == [
        f"<li>{escapeHtml(option)}</li>" for option in MARKDOWN]  # each option one literal list item
    second = render(front_matter(files["0002-kept-link.md"])[1])
    assert '<a href="https://acme.slack.com/archives/C1/p2">' in second  # ctobot's own permalink stays a link
    index = render(files[adr.INDEX_NAME])
    assert set(re.findall(r"<([a-z0-9]+)", index)) == {"h1", "p", "a", "table", "thead", "tbody", "tr", "th", "td"}
    assert re.findall(r'href="([^"]*)"', index) == ["https://adr.github.io/madr/", *sorted(files)[:2]]
    assert "Acme *Ltd* &lt;i&gt;" in index and escapeHtml(hostile) in index


@pytest.mark.parametrize("makers", [['Ana: "the CTO"'], ["x\nstatus: accepted"], ["yes"], ["#1 fan"],
                                    ["back\\slash", "tab\there"], ["- dash", "[list]", "{map}", "U1", "U2"], []])
def test_front_matter_stays_yaml_whatever_the_decision_makers_are_called(session_factory, makers):
    acme = add_engagement(session_factory)
    with transaction(session_factory) as session:
        session.add(Decision(engagement_id=acme.id, number=1, title='Status: "accepted" # not: yaml',
                             deciders=makers, status="accepted", decided_at=AT, created_at=AT, updated_at=AT))
    [text] = [t for name, t in export(session_factory, acme).items() if name != adr.INDEX_NAME]
    meta, body = front_matter(text)
    assert meta == {"status": "accepted", "date": AT.date(), "decision-makers": ", ".join(makers)}
    assert body.startswith('# Status: "accepted" # not: yaml\n')  # adr-log takes the line after the front matter


# --- the folder ----------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def two_clients(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", display_name="Acme")
    globex = add_engagement(session_factory, name="globex", channel="C2", display_name="Globex")
    with transaction(session_factory) as session:
        for engagement, number, title in ((acme, 1, "Use MySQL"), (acme, 2, "Use Postgres"),
                                          (globex, 1, "Use Kafka")):
            session.add(Decision(engagement_id=engagement.id, number=number, title=title, created_at=AT,
                                 updated_at=AT))
    return acme, globex


def write(session_factory, folder: Path, engagement) -> adr.FolderWrite:
    return adr.write_folder(folder, export(session_factory, engagement), owner=adr.owner(engagement))


def rename(session_factory, engagement, number: int, title: str) -> None:
    with transaction(session_factory) as session:
        decision = session.exec(select(Decision).where(Decision.engagement_id == engagement.id,
                                                       Decision.number == number)).one()
        decision.title = title
        session.add(decision)


def test_files_it_did_not_write_are_never_touched_and_only_its_own_renamed_file_goes(session_factory, tmp_path):
    acme, _ = two_clients(session_factory)
    (tmp_path / "0001-record-architecture-decisions.md").write_text("# 1. Record architecture decisions\n")
    (tmp_path / "0002-globex-uses-kafka.md").write_text("another client's ADR, copied here by hand\n")
    (tmp_path / "notes.txt").write_text("mine")
    theirs = snapshot(tmp_path)
    write(session_factory, tmp_path, acme)
    first = snapshot(tmp_path)
    assert {name: first[name] for name in theirs} == theirs
    assert set(first) - set(theirs) == {".ctobot-adr.json", "0001-use-mysql.md", "0002-use-postgres.md", "README.md"}
    assert write(session_factory, tmp_path, acme).removed == [] and snapshot(tmp_path) == first  # same bytes
    rename(session_factory, acme, 2, "Use Postgres 16")
    assert write(session_factory, tmp_path, acme).removed == ["0002-use-postgres.md"]
    after = snapshot(tmp_path)
    assert {name: after[name] for name in theirs} == theirs
    assert set(after) - set(theirs) == {".ctobot-adr.json", "0001-use-mysql.md", "0002-use-postgres-16.md",
                                        "README.md"}


def test_another_clients_export_in_the_folder_is_left_whole_and_the_export_refused(session_factory, tmp_path):
    acme, globex = two_clients(session_factory)
    (tmp_path / "0001-record-architecture-decisions.md").write_text("# 1. Record architecture decisions\n")
    write(session_factory, tmp_path, globex)
    before = snapshot(tmp_path)
    with pytest.raises(Conflict) as refused:
        write(session_factory, tmp_path, acme)
    assert "README.md (written by the export of globex)" in refused.value.message
    assert "nothing was written" in refused.value.message
    assert snapshot(tmp_path) == before
    rename(session_factory, globex, 1, "Use Kafka 4")  # globex's own re-export still works and removes its own
    assert write(session_factory, tmp_path, globex).removed == ["0001-use-kafka.md"]
    assert (tmp_path / "0001-record-architecture-decisions.md").read_text() == "# 1. Record architecture decisions\n"


def test_a_hand_written_file_with_an_exported_name_is_never_overwritten(session_factory, tmp_path):
    acme, _ = two_clients(session_factory)
    (tmp_path / "README.md").write_text("Our ADRs, by hand.\n")
    (tmp_path / "0001-use-mysql.md").write_text("# Use MySQL (our own words)\n")
    before = snapshot(tmp_path)
    with pytest.raises(Conflict) as refused:
        write(session_factory, tmp_path, acme)
    assert "0001-use-mysql.md (not written by ctobot)" in refused.value.message
    assert "README.md (not written by ctobot)" in refused.value.message
    assert snapshot(tmp_path) == before


def test_an_export_made_before_the_manifest_is_adopted_when_its_bytes_match(session_factory, tmp_path):
    acme, _ = two_clients(session_factory)
    for name, text in export(session_factory, acme).items():
        (tmp_path / name).write_text(text)
    assert write(session_factory, tmp_path, acme).removed == []
    rename(session_factory, acme, 1, "Use MariaDB")
    assert write(session_factory, tmp_path, acme).removed == ["0001-use-mysql.md"]


@pytest.mark.parametrize("manifest", [
    '{"exports": [{"engagement": "acme", "team": "T_TEST", "files": ["../outside.md"]}]}',
    '{"exports": [{"engagement": "acme", "team": "T_TEST", "files": ["/tmp/0001-x.md"]}]}',
    '{"exports": [{"engagement": "acme", "team": "T_TEST", "files": ["notes.txt"]}]}',
    "not json", '{"exports": {}}', "[]",
])
def test_a_manifest_it_cannot_trust_changes_nothing(session_factory, tmp_path, manifest):
    acme, _ = two_clients(session_factory)
    folder = tmp_path / "adr"
    folder.mkdir()
    (tmp_path / "outside.md").write_text("outside")
    (folder / "notes.txt").write_text("mine")
    (folder / adr.MANIFEST_NAME).write_text(manifest)
    before = snapshot(tmp_path)
    with pytest.raises(Conflict) as refused:
        write(session_factory, folder, acme)
    assert adr.MANIFEST_NAME in refused.value.message
    assert snapshot(tmp_path) == before
