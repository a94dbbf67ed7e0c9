"""The documentation is in the repository: every relative link in README.md and docs/ opens a file of the
repository, and no code, test or document cites a design document or any other file outside it.

Slack's published sample payloads, which tests may read from ../shared/slack-samples, are the one exception.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A file outside the repository: the old out-of-tree design document (cited as DESIGN, DESIGN.md, DESIGN's),
# anything under a sibling shared/ folder but Slack's samples, or an absolute path on a developer's machine.
OUTSIDE = re.compile(r"\bDESIGN\b|(?<![\w.-])(?:\.\./)*shared/(?!slack-samples)|/work/")
SCANNED = ["README.md", "docs", "bot", "handlers", "scheduler", "tests", "bench", ".ci", ".env.example",
           "manifest.yml", "pyproject.toml", "Procfile", "requirements.in", "requirements-test.in"]
TEXT_SUFFIXES = {"", ".py", ".md", ".yml", ".yaml", ".toml", ".txt", ".in", ".ini", ".mako", ".example", ".cfg"}


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        files += [p for p in candidates if p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts]
    return [p for p in files if p != Path(__file__).resolve()]


def test_the_docs_exist():
    assert (ROOT / "docs" / "architecture.md").is_file() and (ROOT / "docs" / "design.md").is_file()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_opens_a_file_of_the_repository(doc: Path):
    for target in LINK.findall(doc.read_text()):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # https:, mailto: and in-page anchors
        path = (doc.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a missing file: {target}"


def test_nothing_cites_a_file_outside_the_repository():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in scanned_files()
             for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == [], "\n".join(found)
