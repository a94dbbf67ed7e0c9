"""The register kinds, as data: each kind's own fields, statuses, transitions, permissions and rules.

Everything else (numbering, owner, status lifecycle, the edit modal, the list, the export, the handover
section) is shared and reads these specs: bot/services/registers.py, bot/slack/register_blocks.py,
handlers/commands/registers.py, handlers/views/registers.py, bot/services/exports.py, bot/services/handover.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.errors import InvalidInput
from bot.models import BuiltSystem, Finding, Risk, RoadmapItem, Vendor
from bot.models.registers import RegisterFields

LEVELS = ("high", "medium", "low")
EFFORTS = ("small", "medium", "large")
QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)

# Field types: how a value is read (from a command, a modal), checked, shown and exported.
CHOICE, LINE, LONG, DATE, DAYS, QUARTER_TYPE = "choice", "line", "long", "date", "days", "quarter"


@dataclass(frozen=True)
class FieldSpec:
    """One column a kind adds to the common ones."""

    name: str  # the column, and the export's key (docs/design.md's name in snake_case)
    label: str  # the modal's label and the handover's column heading
    type: str = LINE
    choices: tuple[str, ...] = ()
    max_length: int = 300  # the column's length; the modal's max_length
    required: bool = False
    hint: str | None = None
    listed: bool = False  # shown in the Slack list line and as a short handover column
    short: str | None = None  # how the list line names it: `renews 2027-01-31`, `target: …`
    default: str | None = None  # a choice's value when none is given


@dataclass(frozen=True)
class KindSpec:
    """A register kind."""

    kind: str  # "risk"
    noun: str  # "risk", "roadmap item"
    plural: str  # "risks"
    command: str  # "/risk"
    prefix: str  # "R": R1, R2…
    model: type[RegisterFields]
    fields: tuple[FieldSpec, ...]
    statuses: tuple[str, ...]  # the first is a new entry's
    current: tuple[str, ...]  # statuses in which an entry is still current: open, listed first, "remaining"
    transitions: Mapping[str, tuple[str, ...]]  # status -> the statuses it may change to
    anyone_adds: bool  # anyone in a linked channel may add; otherwise the CTO only. Edits: the CTO only
    add_usage: str
    title_label: str = "Title"
    title_word: str = "title"
    sort: Callable[[Any], Any] = field(default=lambda item: item.number)
    check: Callable[[Any], None] = field(default=lambda item: None)  # a kind's rules on a whole entry
    derived: tuple[tuple[str, str, Callable[[Any], Any]], ...] = ()  # (name, short, how): exported and listed
    current_word: str = "open"  # `2 open risks`, `3 active vendors`
    verbs: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)  # verb -> (status, text field, past)
    add_in_modal: bool = False  # `add <name>` opens the modal; otherwise `add` parses the line (parse_add)
    parse_add: Callable[[str], tuple[str, dict[str, Any]]] | None = None
    baseline_artifact: str | None = None  # `changes` without a date: since this artifact was delivered

    def label(self, number: int) -> str:
        """`R3`."""
        return f"{self.prefix}{number}"

    def field_spec(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def title_case(self) -> str:
        return self.noun[:1].upper() + self.noun[1:]


def parse_quarter(text: str) -> str:
    """`2027-q1`, `2027Q1` -> `2027-Q1`; InvalidInput otherwise."""
    match = QUARTER.fullmatch(text.strip())
    if not match:
        raise InvalidInput(f"A quarter is written like `2027-Q1`, not `{text.strip()[:20]}`.", field="quarter")
    return f"{match.group(1)}-Q{match.group(2)}"


def parse_level_line(name: str, noun: str, usage: str) -> Callable[[str], tuple[str, dict[str, Any]]]:
    """`Title words [high|medium|low]` -> (title, {name: level}); medium when none is named."""
    def parse(text: str) -> tuple[str, dict[str, Any]]:
        words = text.split()
        level = "medium"
        if words and words[-1].lower() in LEVELS:
            level = words.pop().lower()
        title = " ".join(words).strip()
        if not title:
            raise InvalidInput(f"Give the {noun} a title, e.g. {usage}.")
        return title, {name: level}
    return parse


TARGET = re.compile(r"\btarget:\s*", re.IGNORECASE)


def parse_roadmap_line(text: str) -> tuple[str, dict[str, Any]]:
    """`2027-Q1 Self-serve onboarding target: 30 % fewer demos` -> (title, {quarter, commercial_target})."""
    quarter, _, rest = text.strip().partition(" ")
    if not quarter:
        raise InvalidInput(f"Name the quarter and the item, e.g. {ROADMAP_USAGE}.")
    quarter = parse_quarter(quarter)
    item, target = ([*TARGET.split(rest, maxsplit=1), ""])[:2]
    if not item.strip():
        raise InvalidInput(f"Say what the item is, e.g. {ROADMAP_USAGE}.")
    return item.strip(), {"quarter": quarter, "commercial_target": target.strip()}


def notice_deadline(vendor: Vendor) -> date | None:
    """The last day to give notice: the renewal date less the notice days (None without both)."""
    if vendor.renewal_date is None or vendor.notice_days is None:
        return None
    return vendor.renewal_date - timedelta(days=vendor.notice_days)


def _finding_rules(finding: Finding) -> None:
    if finding.status == "deprioritized" and not (finding.rationale or "").strip():
        raise InvalidInput("A finding is deprioritized only with a documented rationale: say why.",
                           field="rationale")


def _vendor_rules(vendor: Vendor) -> None:
    if vendor.notice_days is not None and not 0 <= vendor.notice_days <= 3650:
        raise InvalidInput("Notice days are a number of days between 0 and 3650.", field="notice_days")
    if vendor.notice_days is not None and vendor.renewal_date is None:
        raise InvalidInput("Give the renewal date too, so the notice deadline can be worked out.",
                           field="renewal_date")


ROADMAP_USAGE = "`/roadmap add 2027-Q1 Self-serve onboarding target: 30 % fewer sales demos`"
RISK_USAGE = "`/risk add Single point of failure in the payments worker high`"
FINDING_USAGE = "`/finding add Deploys are manual and take a day high`"


def _level(item: Any, name: str) -> int:
    value = getattr(item, name)
    return LEVELS.index(value) if value in LEVELS else len(LEVELS)


RISK = KindSpec(
    kind="risk", noun="risk", plural="risks", command="/risk", prefix="R", model=Risk,
    fields=(FieldSpec("severity", "Severity", CHOICE, LEVELS, max_length=8, required=True, listed=True,
                      default="medium"),
            FieldSpec("mitigation", "Mitigation", LONG, max_length=2000)),
    statuses=("open", "mitigated", "closed"), current=("open",),
    transitions={"open": ("mitigated", "closed"), "mitigated": ("open", "closed"), "closed": ("open",)},
    anyone_adds=True, add_usage=RISK_USAGE, parse_add=parse_level_line("severity", "risk", RISK_USAGE),
    verbs={"close": ("closed", "close_note", "Closed"), "mitigate": ("mitigated", "close_note", "Mitigated")},
    baseline_artifact="immediate-risks", sort=lambda r: (_level(r, "severity"), r.number))

FINDING = KindSpec(
    kind="finding", noun="finding", plural="findings", command="/finding", prefix="F", model=Finding,
    fields=(FieldSpec("priority", "Priority", CHOICE, LEVELS, max_length=8, required=True, listed=True,
                      default="medium"),
            FieldSpec("effort", "Effort", CHOICE, EFFORTS, max_length=8, listed=True),
            FieldSpec("rationale", "Rationale (required to deprioritize)", LONG, max_length=2000)),
    statuses=("open", "addressed", "deprioritized"), current=("open",),
    transitions={"open": ("addressed", "deprioritized"), "addressed": ("open",), "deprioritized": ("open",)},
    anyone_adds=True, add_usage=FINDING_USAGE, parse_add=parse_level_line("priority", "finding", FINDING_USAGE),
    verbs={"done": ("addressed", "close_note", "Addressed"), "drop": ("deprioritized", "rationale", "Deprioritized")},
    baseline_artifact="technical-audit", sort=lambda f: (_level(f, "priority"), f.number), check=_finding_rules)

VENDOR = KindSpec(
    kind="vendor", noun="vendor", plural="vendors", command="/vendor", prefix="V", model=Vendor,
    title_label="Vendor", title_word="name",
    fields=(FieldSpec("purpose", "What it is for"),
            FieldSpec("contract_terms", "Contract terms", LONG, max_length=2000),
            FieldSpec("cost", "Cost", max_length=100, hint="e.g. $1,200 a month"),
            FieldSpec("renewal_date", "Renewal date", DATE, listed=True, short="renews"),
            FieldSpec("notice_days", "Notice (days before renewal)", DAYS),
            FieldSpec("escalation_theirs", "Escalation contact (theirs)"),
            FieldSpec("escalation_ours", "Escalation contact (ours)")),
    statuses=("active", "ended"), current=("active",),
    transitions={"active": ("ended",), "ended": ("active",)},
    anyone_adds=False, add_usage="`/vendor add Datadog`", add_in_modal=True, current_word="active",
    verbs={"end": ("ended", "close_note", "Ended")},
    sort=lambda v: (v.renewal_date is None, v.renewal_date or date.max, v.number), check=_vendor_rules,
    derived=(("notice_deadline", "notice by", notice_deadline),))

ROADMAP = KindSpec(
    kind="roadmap", noun="roadmap item", plural="roadmap items", command="/roadmap", prefix="RM",
    model=RoadmapItem, title_label="Item",
    fields=(FieldSpec("quarter", "Quarter", QUARTER_TYPE, max_length=7, required=True, hint="e.g. 2027-Q1",
                      listed=True),
            FieldSpec("commercial_target", "Commercial target", hint="e.g. cut churn to 3 % a month", listed=True,
                      short="target:")),
    statuses=("planned", "in-progress", "done", "dropped"), current=("planned", "in-progress"),
    transitions={"planned": ("in-progress", "done", "dropped"), "in-progress": ("planned", "done", "dropped"),
                 "done": ("in-progress",), "dropped": ("planned",)},
    anyone_adds=False, add_usage=ROADMAP_USAGE, parse_add=parse_roadmap_line, current_word="current",
    sort=lambda i: (i.quarter, i.number))

SYSTEM = KindSpec(
    kind="system", noun="system", plural="systems", command="/system", prefix="S", model=BuiltSystem,
    title_label="System", title_word="name",
    fields=(FieldSpec("what_it_does", "What it does", LONG, max_length=2000),
            FieldSpec("how_it_runs", "How it runs", LONG, max_length=2000),
            FieldSpec("when_it_breaks", "What to do when it breaks", LONG, max_length=2000),
            FieldSpec("metric", "The metric it should move", listed=True, short="moves")),
    statuses=("live", "retired"), current=("live",),
    transitions={"live": ("retired",), "retired": ("live",)},
    anyone_adds=False, add_usage="`/system add Nightly billing reconciliation`", add_in_modal=True,
    current_word="live", verbs={"retire": ("retired", "close_note", "Retired")})

KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in (RISK, FINDING, VENDOR, ROADMAP, SYSTEM)}
BY_COMMAND: dict[str, KindSpec] = {spec.command: spec for spec in KINDS.values()}
