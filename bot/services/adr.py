"""ADRs as MADR 4 Markdown: one file per decision, `NNNN-title-with-dashes.md`, and an index.

Besides MADR 4's front matter, each file carries its status and date where the other ADR tools look
(checked against their sources):

- adr-log reads the front matter (gray-matter) and takes the title from the first line after it, so the
  `# title` line follows the closing `---` directly;
- log4brains renders the file with markdown-it (no front-matter support) and reads `Status:` and `Date:`
  from the first bullet list before the first `##` heading. The front matter's last line is blank, so its
  closing `---` is a thematic break and not a setext underline that would turn the front matter into a
  `##` heading and hide the list;
- adr-viewer reads a `## Status` section whose paragraph starts with `Accepted`, `Proposed`,
  `Superseded by`, …, the adr-tools way; it comes last, after MADR's own sections.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from bot import calendar, markdown
from bot.errors import Conflict
from bot.models import Decision, Engagement, id_of
from bot.services import people
from bot.services.decisions import label, list_decisions, options_list

INDEX_NAME = "README.md"
MANIFEST_NAME = ".ctobot-adr.json"
FILE_PATTERN = re.compile(r"^\d{4}-[a-z0-9-]+\.md$")
NOT_RECORDED = "_Not recorded yet._"
METHOD_TEXT = {"llm": "drafted by an LLM from the Slack thread",
               "template": "assembled from the Slack thread by a template"}


def slug(title: str) -> str:
    """`Use Postgres for events!` -> `use-postgres-for-events` (at most 60 characters, never empty)."""
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:60].rstrip("-") or "decision"


def filename(decision: Decision) -> str:
    """`0003-use-postgres-for-events.md`."""
    return f"{decision.number:04d}-{slug(decision.title)}.md"


_YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,._-]*(?<! )")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}  # YAML 1.1 reads these as bool/null
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_char(char: str) -> str:
    if char in _YAML_ESCAPES:
        return _YAML_ESCAPES[char]
    code = ord(char)
    printable = (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                 or code >= 0x10000) and code not in (0x2028, 0x2029, 0xFEFF)
    if printable:
        return char
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def yaml_scalar(value: str) -> str:
    """A front-matter value: plain when YAML reads it back as this very string, double-quoted otherwise."""
    if _YAML_PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return '"' + "".join(_yaml_char(char) for char in value) + '"'


def _same(text: str) -> str:
    return text


def sections_markdown(*, context: str, options: list[str], outcome: str, consequences: str,
                      escape: Callable[[str], str] = _same) -> str:
    """The four MADR sections (Markdown), shared by the stored draft and the exported file.

    `escape` renders each piece of user text: the exported file passes `markdown.escape`; the stored draft,
    which Slack shows and escapes as mrkdwn, keeps the text as written.
    """
    def part(text: str) -> str:
        return escape(text.strip()) if text.strip() else NOT_RECORDED

    listed = "\n".join(f"* {escape(option)}" for option in options) or NOT_RECORDED
    return (f"## Context and Problem Statement\n\n{part(context)}\n\n"
            f"## Considered Options\n\n{listed}\n\n"
            f"## Decision Outcome\n\n{part(outcome)}\n\n"
            f"### Consequences\n\n{part(consequences)}\n")


def draft_markdown(decision: Decision, *, method: str, why_template: str | None = None) -> str:
    """The stored draft: title, sections and how it was made."""
    how = METHOD_TEXT.get(method, method)
    if why_template:
        how += f" ({why_template})"
    return (f"# {label(decision.number)}: {decision.title}\n\n"
            + sections_markdown(context=decision.context, options=options_list(decision.options),
                                outcome=decision.outcome, consequences=decision.consequences)
            + f"\n_This draft was {how}._\n")


def _status(decision: Decision, by_id: dict[int, Decision]) -> str:
    successor = by_id.get(decision.superseded_by_id or -1)
    if decision.status == "superseded" and successor is not None:
        return f"superseded by {label(successor.number)}"
    return decision.status


def _status_markdown(decision: Decision, by_id: dict[int, Decision]) -> str:
    """The status for the body: `superseded by [ADR-0002](0002-….md)`, as log4brains writes it itself."""
    successor = by_id.get(decision.superseded_by_id or -1)
    if decision.status == "superseded" and successor is not None:
        return f"superseded by [{label(successor.number)}]({filename(successor)})"
    return decision.status


def _date(decision: Decision, engagement: Engagement) -> str:
    when = decision.decided_at or decision.created_at
    return calendar.local_today(engagement, when).isoformat()


def decision_makers(decision: Decision) -> list[str]:
    """The user ids an ADR names as its decision-makers: who decided, else who proposed it."""
    return list(decision.deciders) or ([decision.proposer_user_id] if decision.proposer_user_id else [])


def madr_text(decision: Decision, *, engagement: Engagement, by_id: dict[int, Decision],
              names: dict[str, str] | None = None) -> str:
    """One MADR 4 file: front matter (status, date, decision-makers by name), title, the Status/Date/Deciders
    lines, the sections, links, and a `## Status` section (see the module's docstring for who reads which)."""
    names = names or {}
    makers = ", ".join(names.get(user_id) or user_id for user_id in decision_makers(decision))
    status, day = _status(decision, by_id), _date(decision, engagement)
    more = []
    predecessor = by_id.get(decision.supersedes_id or -1)
    if predecessor is not None:
        more.append(f"Supersedes [{label(predecessor.number)}]({filename(predecessor)}).")
    successor = by_id.get(decision.superseded_by_id or -1)
    if successor is not None:
        more.append(f"Superseded by [{label(successor.number)}]({filename(successor)}).")
    if decision.permalink:
        more.append(f"Discussed in Slack: {markdown.link(decision.permalink)}.")
    if decision.draft_method:
        method = METHOD_TEXT.get(decision.draft_method) or markdown.inline(decision.draft_method)
        more.append(f"The draft was {method}.")
    body_status = _status_markdown(decision, by_id)
    lines = [f"* Status: {body_status}", f"* Date: {day}"] + ([f"* Deciders: {markdown.inline(makers)}"]
                                                              if makers else [])
    text = (f"---\nstatus: {yaml_scalar(status)}\ndate: {day}\ndecision-makers: {yaml_scalar(makers)}\n\n---\n"
            f"# {markdown.inline(decision.title)}\n\n" + "\n".join(lines) + "\n\n"
            + sections_markdown(context=decision.context, options=options_list(decision.options),
                                outcome=decision.outcome, consequences=decision.consequences,
                                escape=markdown.escape))
    if more:
        text += "\n## More Information\n\n" + "\n".join(more) + "\n"
    text += f"\n## Status\n\n{body_status[:1].upper() + body_status[1:]}\n"
    return text


def index_text(decisions: list[Decision], *, engagement: Engagement, by_id: dict[int, Decision]) -> str:
    """The folder's README: every ADR with its status and date."""
    rows = [f"| [{label(d.number)}]({filename(d)}) | {markdown.inline(d.title)} | {_status(d, by_id)} | "
            f"{_date(d, engagement)} |" for d in decisions]
    table = "\n".join(rows) if rows else "| — | No decisions recorded yet. | | |"
    return (f"# Architecture decision records — {markdown.inline(engagement.display_name)}\n\n"
            f"In [MADR 4](https://adr.github.io/madr/) form, exported by ctobot.\n\n"
            f"| ADR | Title | Status | Date |\n|---|---|---|---|\n{table}\n")


def adr_files(session: Session, *, engagement: Engagement) -> dict[str, str]:
    """Every file of the export, by name: one per decision and the index; the same bytes on every run."""
    decisions = list_decisions(session, engagement_id=id_of(engagement))
    by_id = {d.id: d for d in decisions if d.id is not None}
    names = people.names(session, team_id=engagement.team_id,
                         user_ids={u for d in decisions for u in decision_makers(d)})
    files = {filename(d): madr_text(d, engagement=engagement, by_id=by_id, names=names) for d in decisions}
    files[INDEX_NAME] = index_text(decisions, engagement=engagement, by_id=by_id)
    return files


# --- the folder: ctobot replaces and removes only the files its manifest says it wrote -------------------


@dataclass(frozen=True)
class FolderWrite:
    written: list[str]
    removed: list[str]


def owner(engagement: Engagement) -> tuple[str, str]:
    """Whose export a manifest entry is: (workspace, engagement name)."""
    return engagement.team_id or "", engagement.name


def _listed_name(name: object) -> bool:
    return isinstance(name, str) and (name == INDEX_NAME or bool(FILE_PATTERN.match(name)))


def read_manifest(folder: Path) -> dict[tuple[str, str], list[str]]:
    """The manifest's files by (team, engagement); Conflict when it is there but not one ctobot wrote."""
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    problem = f"{path} is not a manifest ctobot can read; fix or remove it (nothing was written)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        exports = data["exports"]
        if not isinstance(exports, list):
            raise TypeError("exports is not a list")
        owners = {(entry["team"], entry["engagement"]): entry["files"] for entry in exports}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Conflict(problem) from exc
    for (team, name), files in owners.items():  # a listed name is a bare file name ctobot writes, never a path
        if not (isinstance(team, str) and isinstance(name, str) and isinstance(files, list)
                and all(_listed_name(f) for f in files)):
            raise Conflict(problem)
    return owners


def _manifest_text(owners: dict[tuple[str, str], list[str]]) -> str:
    exports = [{"engagement": name, "team": team, "files": sorted(files)}
               for (team, name), files in sorted(owners.items()) if files]
    data = {"written_by": "ctobot export adr; it replaces and removes only the files listed here",
            "exports": exports}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _foreign(path: Path, content: bytes) -> bool:
    """True when `path` holds something ctobot would destroy by writing `content` there."""
    if not os.path.lexists(path):
        return False
    return path.is_symlink() or not path.is_file() or path.read_bytes() != content


def write_folder(folder: Path, files: dict[str, str], *, owner: tuple[str, str]) -> FolderWrite:
    """Write `owner`'s export into `folder`, replacing only files the manifest lists for that engagement.

    A file this engagement's previous export listed and this one no longer produces (a renamed decision)
    is removed. A name that another engagement's export listed, or a file ctobot did not write, is never
    touched: the whole export is refused (Conflict) and nothing changes. A file already holding exactly
    the bytes to be written (an export from before the manifest) is adopted.
    """
    owners = read_manifest(folder)
    me = owner
    mine = set(owners.get(me, []))
    others = {name: owner for owner, names in owners.items() if owner != me for name in names}
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    clashes = []
    for name, content in sorted(encoded.items()):
        if name in others:
            clashes.append(f"{name} (written by the export of {others[name][1]})")
        elif (name not in mine or (folder / name).is_symlink()) and _foreign(folder / name, content):
            clashes.append(f"{name} (not written by ctobot)")
    if clashes:
        raise Conflict(f"{folder} already holds {', '.join(clashes)}; export adr replaces only files it wrote "
                       "itself. Move them or export into another folder (nothing was written).")
    removed = []
    for name in sorted(mine - set(encoded) - set(others)):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(name)
    for name, content in encoded.items():
        (folder / name).write_bytes(content)
    owners[me] = sorted(encoded)
    temporary = folder / (MANIFEST_NAME + ".tmp")
    temporary.write_text(_manifest_text(owners), encoding="utf-8")
    os.replace(temporary, folder / MANIFEST_NAME)
    return FolderWrite(written=sorted(encoded), removed=removed)
