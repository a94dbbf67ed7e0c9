"""The handover pack: one Markdown file for whoever inherits the engagement."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot import calendar, formatting, markdown
from bot.calendar import add_months
from bot.formatting import duration
from bot.models import Decision, Engagement, TimeEntry, id_of
from bot.redact import redact
from bot.services import artifacts, capture, engagements, lifecycle, people, registers, retainer, risks
from bot.services.business_hours import business_hours_between
from bot.services.register_kinds import FINDING, LINE, LONG, RISK, ROADMAP, SYSTEM, VENDOR, KindSpec

SECTION_TITLES = {"risk": "Risk register", "finding": "Audit findings", "vendor": "Vendors", "roadmap": "Roadmap",
                  "system": "Systems built"}
CHECKINS_SHOWN = 3  # the next check-in dates the pack lists


def _cell(text: str | None) -> str:
    """What someone wrote, on one line and escaped: literal in a paragraph, a list item or a table cell."""
    return markdown.inline(redact(text or "")) or "—"


def _link(url: str | None) -> str:
    """A link when it is http(s), escaped text otherwise."""
    return markdown.link(redact(url or "")) if url else "—"


def _names(ids: list[str], names: dict[str, str]) -> str:
    """People by their stored name (the id only for someone users.info never described), escaped."""
    return ", ".join(_cell(names.get(i, i)) for i in ids) or "—"


def _day(value: datetime | date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _value(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return _day(value)
    if isinstance(value, int):
        return str(value)
    return _cell(value)


def register_section(spec: KindSpec, entries: list[Any]) -> list[str]:
    """A register kind as a Markdown table: number, title, the kind's short fields, status, owner, its text fields,
    opened, closed and how it was closed; every value a person wrote escaped."""
    if not entries:
        return [f"No {spec.plural} recorded — add them with `{spec.command} add`."]
    short = [f for f in spec.fields if f.type not in (LINE, LONG)]
    texts = [f for f in spec.fields if f.type in (LINE, LONG)]
    heading = spec.title_case if spec.title_label == "Title" else spec.title_label
    columns = ["#", heading, *(f.label.split(" (")[0] for f in short),
               *(name.replace("_", " ").capitalize() for name, _, _ in spec.derived), "Status", "Owner",
               *(f.label.split(" (")[0] for f in texts), "Opened", "Closed", "How it was closed"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for e in entries:
        cells = [str(e.number), _cell(e.title),
                 *(_value(getattr(e, f.name)) for f in short), *(_value(how(e)) for _, _, how in spec.derived),
                 e.status, _cell(e.owner), *(_cell(getattr(e, f.name)) for f in texts),
                 _day(e.opened_at), _day(e.closed_at), _cell(e.close_note)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def quarter_of(day: date) -> str:
    """`2027-Q1`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def roadmap_quarters(engagement: Engagement, *, today: date) -> tuple[str, str]:
    """The two quarters the handover's roadmap covers: from the day after the engagement's end (today without
    an end date), that day's quarter and the next."""
    first = engagement.end_date + timedelta(days=1) if engagement.end_date else today
    following = add_months(date(first.year, (first.month - 1) // 3 * 3 + 1, 1), 3)
    return quarter_of(first), quarter_of(following)


def architecture_part(session: Session, *, engagement: Engagement, names: dict[str, str],
                      decisions: list[Decision]) -> list[str]:
    """Part 1: the internal owner by name, the systems register, and the accepted ADRs as its decisions."""
    owner = engagement.internal_owner_id
    lines = ["## 1. Architecture and its owner", "",
             (f"Internal owner: {_cell(names.get(owner, owner))} maintains the architecture and the systems below."
              if owner else "No internal owner named — name one in `/cto setup` (or `ctobot client add --owner`)."),
             "", "### Systems", ""]
    lines += register_section(SYSTEM, registers.all_entries(session, SYSTEM, engagement_id=id_of(engagement)))
    lines += ["", "### Decisions (accepted ADRs)", ""]
    accepted = [d for d in decisions if d.status == "accepted"]
    lines += [f"- ADR-{d.number:04d} {_cell(d.title)} (accepted {_day(d.decided_at)})" for d in accepted] or [
        "No accepted decisions — accept them with `/decision`."]
    return lines


def vendors_part(session: Session, *, engagement: Engagement) -> list[str]:
    """Part 2: the active vendors with terms, cost, renewal, notice deadline and both escalation contacts."""
    entries = registers.all_entries(session, VENDOR, engagement_id=id_of(engagement))
    active = [v for v in entries if v.status in VENDOR.current]
    lines = ["## 2. Vendors", ""]
    if not active:
        return lines + [f"No active vendors recorded — add them with `{VENDOR.command} add`."]
    lines += register_section(VENDOR, active)
    ended = len(entries) - len(active)
    return lines + (["", f"{ended} vendor(s) no longer active are left out (`{VENDOR.command}` lists them)."]
                    if ended else [])


def roadmap_part(session: Session, *, engagement: Engagement, today: date) -> list[str]:
    """Part 3: the roadmap for the two quarters after the engagement, by quarter, with commercial targets."""
    quarters = roadmap_quarters(engagement, today=today)
    since = f"after the engagement's end on {engagement.end_date:%Y-%m-%d}" if engagement.end_date else "from today"
    items = [i for i in registers.all_entries(session, ROADMAP, engagement_id=id_of(engagement))
             if i.status != "dropped"]
    lines = ["## 3. Roadmap for the next two quarters", "", f"{quarters[0]} and {quarters[1]}, {since}."]
    for quarter in quarters:
        lines += ["", f"### {quarter}", ""]
        lines += [f"- {ROADMAP.label(i.number)} {_cell(i.title)} ({i.status}) — commercial target: "
                  f"{_cell(i.commercial_target) if i.commercial_target else 'none set'}"
                  for i in sorted(items, key=ROADMAP.sort) if i.quarter == quarter] or [
            f"No roadmap items recorded for {quarter} — add them with `{ROADMAP.command} add {quarter} …`."]
    others = [i for i in items if i.quarter not in quarters]
    if others:
        lines += ["", "### Other quarters", "", *register_section(ROADMAP, sorted(others, key=ROADMAP.sort))]
    return lines


def checkin_part(engagement: Engagement, *, names: dict[str, str], now: datetime) -> list[str]:
    """Part 4: the standing check-in with the outgoing CTO: cadence, the next dates, who meets."""
    lines = ["## 4. Check-in schedule", ""]
    cadence = engagement.checkin_cadence
    if cadence not in lifecycle.CADENCE_MONTHS:
        return lines + ["No check-in scheduled — choose monthly or quarterly check-ins in `/cto setup`."]
    who = _names([*engagement.cto_user_ids, *([engagement.internal_owner_id] if engagement.internal_owner_id
                                               else [])], names)
    if engagement.end_date is None:
        return lines + [f"A {cadence} check-in after the end with {who}; it starts once an end date is set "
                        f"(`/cto end`)."]
    upcoming: list[lifecycle.CheckIn] = []
    number = (latest.number + 1) if (latest := lifecycle.latest_checkin(engagement, now=now)) else 1
    while len(upcoming) < CHECKINS_SHOWN and (ci := lifecycle.checkin(engagement, number)) is not None:
        upcoming.append(ci)
        number += 1
    lines.append(f"A standing {cadence} check-in after the engagement's end on {engagement.end_date:%Y-%m-%d} "
                 f"between the outgoing CTO ({_names(engagement.cto_user_ids, names)}) and "
                 + (f"the internal owner ({_cell(names.get(engagement.internal_owner_id, ''))})"
                    if engagement.internal_owner_id else "the client (no internal owner named yet)")
                 + "; ctobot reminds each of them by DM with what is still open.")
    lines += ["", "Next check-ins:", ""]
    lines += [f"- Check-in {ci.number}: {ci.day:%a %Y-%m-%d} at {ci.at:%H:%M} {engagement.timezone}"
              for ci in upcoming]
    return lines


def _late(engagement: Engagement, artifact: Any) -> str:
    """`2026-10-05 (late by 5 days)`, `2026-09-28 (on time)`, or — when not delivered."""
    if artifact.delivered_at is None:
        return "—"
    day = calendar.local_today(engagement, artifact.delivered_at)
    late = (day - artifact.due_date).days
    return f"{day:%Y-%m-%d} " + (f"(late by {late} day{'s' if late != 1 else ''})" if late > 0 else "(on time)")


def hours_by_month(session: Session, *, engagement_id: int) -> dict[date, dict[str, int]]:
    """Minutes per month (its first day) and category, oldest month first; deleted entries left out."""
    rows = session.exec(select(col(TimeEntry.work_date), col(TimeEntry.category), func.sum(TimeEntry.minutes)).where(
        TimeEntry.engagement_id == engagement_id, col(TimeEntry.deleted_at).is_(None))
        .group_by(col(TimeEntry.work_date), col(TimeEntry.category))).all()
    months: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for work_date, category, minutes in rows:
        months[calendar.month_start(work_date)][category] += int(minutes)
    return {month: dict(months[month]) for month in sorted(months)}


def adr_index(session: Session, *, engagement_id: int) -> list[Decision]:
    """Every decision of the engagement by number, whatever its status."""
    return list(session.exec(select(Decision).where(Decision.engagement_id == engagement_id)
                             .order_by(col(Decision.number))).all())


def people_named(session: Session, *, engagement: Engagement) -> set[str]:
    """The user ids the pack names: CTOs, founders, the internal owner and whoever asked an open question."""
    e = engagement
    asked_by = {q.asker_user_id for q in capture.open_questions(session, engagement_id=id_of(e))}
    return {*e.cto_user_ids, *e.founder_user_ids, *([e.internal_owner_id] if e.internal_owner_id else []), *asked_by}


def handover_markdown(session: Session, *, engagement: Engagement, now: datetime, today: date) -> str:
    """The handover pack of the engagement as Markdown."""
    eid = id_of(engagement)
    status = engagements.engagement_status(session, engagement=engagement, today=today)
    months = hours_by_month(session, engagement_id=eid)
    decisions = adr_index(session, engagement_id=eid)
    register = risks.all_risks(session, engagement_id=eid)
    states = artifacts.schedule_states(session, engagement=engagement, today=today)
    questions = capture.open_questions(session, engagement_id=eid)
    reviews = capture.open_reviews(session, engagement_id=eid)
    e = engagement
    names = people.names(session, team_id=e.team_id, user_ids=people_named(session, engagement=e))
    channels = ", ".join(_cell(c) for c in status.channels) or "—"
    total = sum(sum(m.values()) for m in months.values())
    accepted = sum(1 for d in decisions if d.status == "accepted")
    open_risks = [r for r in registers.list_entries(session, RISK, engagement_id=eid) if r.status in RISK.current]
    overdue = [s for s in states if s.state == "overdue"]
    name = _cell(e.display_name)
    lines = [f"# {name} — handover pack", "", f"Prepared {today:%Y-%m-%d} by ctobot.", "",
             *architecture_part(session, engagement=e, names=names, decisions=decisions), "",
             *vendors_part(session, engagement=e), "",
             *roadmap_part(session, engagement=e, today=today), "",
             *checkin_part(e, names=names, now=now), "",
             "## The engagement", "",
             f"{name} has retained a fractional CTO on the {e.tier} tier since {e.start_date:%d %B %Y}"
             + (f" (until {e.end_date:%d %B %Y})" if e.end_date else "")
             + f", now in month {status.month_number}: {e.hours_min}–{e.hours_max} hours a month and a first "
             f"response within {e.response_target_hours:g} business hours ({e.business_days.replace(',', ', ')}, "
             f"{e.business_start:%H:%M}–{e.business_end:%H:%M} {e.timezone}). "
             f"CTO: {_names(e.cto_user_ids, names)}; founders: {_names(e.founder_user_ids, names)}. "
             f"Channels: {channels} (digest in {_cell(status.primary_channel)}, "
             f"{e.digest_weekday} {e.digest_time:%H:%M}). So far {formatting.decimal_hours(total)} h logged over "
             f"{len(months)} "
             f"month(s), {len(decisions)} decision(s) recorded ({accepted} accepted), {len(register)} risk(s) "
             f"registered ({len(open_risks)} open).", "",
             "## Hours by month and category", ""]
    if months:
        lines += ["| Month | Hours | Band | By category |", "|---|---|---|---|"]
        for month, by_category in months.items():
            minutes = sum(by_category.values())
            band = retainer.band_for_month(session, engagement=e, month=month)
            verdict = ("over" if minutes > band.top_minutes else "under" if minutes < band.floor_minutes
                       else "within")
            split = ", ".join(f"{_cell(category)} {duration(m)}" for category, m in
                              sorted(by_category.items(), key=lambda item: (-item[1], item[0])))
            band_text = formatting.band(band.floor_minutes, band.top_minutes)
            lines.append(f"| {month:%Y-%m} | {formatting.decimal_hours(minutes)} | {band_text} ({verdict}) | {split} |")
    else:
        lines.append("No time logged.")
    lines += ["", "## Architecture decisions (ADR index)", ""]
    if decisions:
        lines += ["| ADR | Title | Status | Decided | Link |", "|---|---|---|---|---|"]
        lines += [f"| ADR-{d.number:04d} | {_cell(d.title)} | {d.status} | {_day(d.decided_at)} | "
                  f"{_link(d.permalink)} |" for d in decisions]
    else:
        lines.append("No decisions recorded.")
    for spec in (FINDING, RISK):  # vendors, the roadmap and the systems are in the four parts above
        lines += ["", f"## {SECTION_TITLES[spec.kind]}", ""]
        lines += register_section(spec, registers.all_entries(session, spec, engagement_id=eid))
    lines += ["", "## Artifacts", "", "| Artifact | Due | Status | Delivered | Link or note |", "|---|---|---|---|---|"]
    for s in states:
        a = s.artifact
        note = _link(a.link) if a.link else _cell(f"skipped: {a.skip_reason}" if a.skipped_at else None)
        lines.append(f"| {a.kind} | {_day(a.due_date)} | {s.state} | {_late(e, a)} | {note} |")
    lines += ["", "## Still open", ""]
    open_lines = [f"- Question asked {_day(q.asked_at)} by {_names([q.asker_user_id], names)}, waiting "
                  f"{formatting.business_time(business_hours_between(e, q.asked_at, now))} business: {_cell(q.text)}"
                  + (f" ({_link(q.permalink)})" if q.permalink else "") for q in questions]
    open_lines += [f"- Review requested {_day(r.requested_at)} ({r.status}): {_link(r.url)}" for r in reviews]
    open_lines += [f"- Artifact `{s.kind}` overdue since {_day(s.artifact.due_date)}" for s in overdue]
    open_lines += [f"- Risk {r.number} ({r.severity}, {r.status}): {_cell(r.title)}" for r in open_risks]
    open_lines += [f"- Finding {f.number} ({f.priority}, {f.status}): {_cell(f.title)}"
                   for f in registers.list_entries(session, FINDING, engagement_id=eid) if f.status in FINDING.current]
    lines += open_lines or ["Nothing is open."]
    return "\n".join(lines) + "\n"
