"""ADRs as MADR 4 Markdown: one file per decision, `NNNN-title-with-dashes.md`, and an index."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.models import Decision, Engagement
from bot.services.decisions import label, list_decisions, options_list

INDEX_NAME = "README.md"
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


def sections_markdown(*, context: str, options: list[str], outcome: str, consequences: str) -> str:
    """The four MADR sections (Markdown), shared by the stored draft and the exported file."""
    listed = "\n".join(f"* {option}" for option in options) or NOT_RECORDED
    return (f"## Context and Problem Statement\n\n{context.strip() or NOT_RECORDED}\n\n"
            f"## Considered Options\n\n{listed}\n\n"
            f"## Decision Outcome\n\n{outcome.strip() or NOT_RECORDED}\n\n"
            f"### Consequences\n\n{consequences.strip() or NOT_RECORDED}\n")


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


def _date(decision: Decision, engagement: Engagement) -> str:
    when = decision.decided_at or decision.created_at
    return when.astimezone(ZoneInfo(engagement.timezone)).date().isoformat()


def madr_text(decision: Decision, *, engagement: Engagement, by_id: dict[int, Decision]) -> str:
    """One MADR 4 file: front matter (status, date, decision-makers), title, the sections, links."""
    makers = decision.deciders or ([decision.proposer_user_id] if decision.proposer_user_id else [])
    more = []
    predecessor = by_id.get(decision.supersedes_id or -1)
    if predecessor is not None:
        more.append(f"Supersedes [{label(predecessor.number)}]({filename(predecessor)}).")
    successor = by_id.get(decision.superseded_by_id or -1)
    if successor is not None:
        more.append(f"Superseded by [{label(successor.number)}]({filename(successor)}).")
    if decision.permalink:
        more.append(f"Discussed in Slack: <{decision.permalink}>.")
    if decision.draft_method:
        more.append(f"The draft was {METHOD_TEXT.get(decision.draft_method, decision.draft_method)}.")
    text = (f"---\nstatus: {_status(decision, by_id)}\ndate: {_date(decision, engagement)}\n"
            f"decision-makers: {', '.join(makers)}\n---\n\n# {decision.title}\n\n"
            + sections_markdown(context=decision.context, options=options_list(decision.options),
                                outcome=decision.outcome, consequences=decision.consequences))
    if more:
        text += "\n## More Information\n\n" + "\n".join(more) + "\n"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index_text(decisions: list[Decision], *, engagement: Engagement, by_id: dict[int, Decision]) -> str:
    """The folder's README: every ADR with its status and date."""
    rows = [f"| [{label(d.number)}]({filename(d)}) | {_cell(d.title)} | {_status(d, by_id)} | "
            f"{_date(d, engagement)} |" for d in decisions]
    table = "\n".join(rows) if rows else "| — | No decisions recorded yet. | | |"
    return (f"# Architecture decision records — {engagement.display_name}\n\n"
            f"In [MADR 4](https://adr.github.io/madr/) form, exported by ctobot.\n\n"
            f"| ADR | Title | Status | Date |\n|---|---|---|---|\n{table}\n")


def adr_files(session: Session, *, engagement: Engagement) -> dict[str, str]:
    """Every file of the export, by name: one per decision and the index; the same bytes on every run."""
    decisions = list_decisions(session, engagement_id=engagement.id)  # type: ignore[arg-type]
    by_id = {d.id: d for d in decisions if d.id is not None}
    files = {filename(d): madr_text(d, engagement=engagement, by_id=by_id) for d in decisions}
    files[INDEX_NAME] = index_text(decisions, engagement=engagement, by_id=by_id)
    return files
