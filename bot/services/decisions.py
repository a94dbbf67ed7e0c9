"""The decision log: numbered per engagement (ADR-0001, …), proposed by anyone, accepted or rejected by a decider."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.db.unique import insert_once
from bot.errors import InvalidInput, NotFound
from bot.models import Decision, Engagement, id_of, utcnow
from bot.redact import redact
from bot.services.engagements import require_cto, require_decider

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
DECIDED = {"accept": "accepted", "reject": "rejected"}
DRAFT_METHODS = ("llm", "template")
TITLE_LIMIT = 300
TEXT_LIMIT = 3000  # one Slack text input: the Edit form shows and saves every character
DRAFT_LIMIT = 20_000
EXAMPLE = "`/decision Use Postgres for events`"


@dataclass(frozen=True)
class DecisionFields:
    """What a person or a draft says about a decision besides its title."""

    context: str = ""
    options: tuple[str, ...] = ()
    outcome: str = ""
    consequences: str = ""


def label(number: int) -> str:
    """`ADR-0007`."""
    return f"ADR-{number:04d}"


def require_thread(decision: Decision) -> None:
    """InvalidInput unless the decision has (or can get, by posting its card) a thread to draft from."""
    if not decision.channel_id:
        raise InvalidInput(f"{label(decision.number)} was not recorded in a channel, so it has no "
                           f"thread to draft from.")


def parse_number(text: str) -> int:
    """`7`, `ADR-0007`, `adr-7` or `#7` -> 7; InvalidInput otherwise."""
    match = re.fullmatch(r"(?i)\s*(?:adr-?|#)?0*(\d{1,6})\s*", text or "")
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(f"`{text}` is not a decision number; `/decision list` shows them (e.g. `3` or `ADR-0003`).")
    return int(match.group(1))


def clean_title(title: str) -> str:
    """The title, redacted and on one line; InvalidInput when empty."""
    title = " ".join(redact(title or "").split())
    if not title:
        raise InvalidInput(f"Give the decision a title, e.g. {EXAMPLE}.")
    return title[:TITLE_LIMIT]


def options_list(text: str) -> list[str]:
    """A decision's stored options (one per line) as a list."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _text(value: str) -> str:
    return redact((value or "").strip())[:TEXT_LIMIT]


def _options_text(options: tuple[str, ...] | list[str]) -> str:
    cleaned = [" ".join(redact(option).split()) for option in options]
    return "\n".join(option for option in cleaned if option)[:TEXT_LIMIT]


def record_decision(session: Session, *, engagement: Engagement, title: str, user_id: str,
                    fields: DecisionFields = DecisionFields(), deciders: list[str] | None = None,
                    channel_id: str | None = None, thread_ts: str | None = None,
                    supersedes_id: int | None = None) -> Decision:
    """Record a proposed decision with the engagement's next number."""
    title = clean_title(title)
    for _ in range(8):  # two people recording at once: the loser takes the next number
        number = (session.exec(select(func.max(Decision.number))
                               .where(Decision.engagement_id == engagement.id)).one() or 0) + 1
        decision = Decision(
            engagement_id=id_of(engagement), number=number, title=title, proposer_user_id=user_id,
            context=_text(fields.context), options=_options_text(fields.options), outcome=_text(fields.outcome),
            consequences=_text(fields.consequences), deciders=list(dict.fromkeys(deciders or [])),
            channel_id=channel_id, thread_ts=thread_ts, supersedes_id=supersedes_id)
        if insert_once(session, decision):
            return decision
    raise InvalidInput("Several decisions were recorded at the same moment; please try again.")


def get_decision(session: Session, *, engagement: Engagement, number: int) -> Decision:
    """Decision N of the engagement, or NotFound."""
    decision = session.exec(select(Decision).where(Decision.engagement_id == engagement.id,
                                                   Decision.number == number)).first()
    if decision is None:
        raise NotFound(f"There is no decision {label(number)} in {engagement.display_name}. "
                       f"`/decision list` shows them.")
    return decision


def get_by_id(session: Session, *, decision_id: int) -> tuple[Decision, Engagement]:
    """A decision and its engagement by id (from a button or a modal), or NotFound."""
    decision = session.get(Decision, decision_id)
    engagement = session.get(Engagement, decision.engagement_id) if decision else None
    if decision is None or engagement is None:
        raise NotFound("That decision no longer exists.")
    return decision, engagement


def list_decisions(session: Session, *, engagement_id: int) -> list[Decision]:
    """Every decision of the engagement, by number."""
    return list(session.exec(select(Decision).where(Decision.engagement_id == engagement_id)
                             .order_by(col(Decision.number))).all())


def decide(session: Session, *, engagement: Engagement, decision: Decision, user_id: str,
           verb: str) -> tuple[Decision, bool]:
    """Accept or reject a proposed decision (the engagement's deciders only); (decision, whether this call changed it).

    Who decided is kept (`decided_by`, `verdict`), so the digest can count the decisions taken without the CTO.
    """
    status = DECIDED[verb]
    require_decider(engagement, user_id, to=f"{verb} decisions")
    if decision.status == status:
        return decision, False
    if decision.status != "proposed":
        raise InvalidInput(f"{label(decision.number)} is already {decision.status}; "
                           f"`/decision supersede {decision.number} <title>` records a new one in its place.")
    now = utcnow()
    deciders = list(dict.fromkeys([*decision.deciders, user_id]))
    # Conditional on the status read above, so that of two concurrent clicks exactly one makes the transition.
    changed = session.exec(
        update(Decision).where(col(Decision.id) == decision.id, col(Decision.status) == "proposed")
        .values(status=status, decided_at=now, updated_at=now, deciders=deciders, decided_by=user_id,
                verdict=status)).rowcount == 1
    session.refresh(decision)
    if not changed and decision.status != status:
        raise InvalidInput(f"{label(decision.number)} was just {decision.status} by someone else.")
    return decision, changed


def decisions_without_cto(session: Session, engagement: Engagement, start: datetime,
                          end: datetime) -> list[Decision]:
    """The decisions accepted in [start, end) by a decider who is not one of the engagement's CTOs, by number.

    The sources' second sign of a working engagement: the team deciding without waiting for the CTO. A decision
    accepted then superseded still counts for the week it was accepted.
    """
    rows = session.exec(select(Decision).where(
        Decision.engagement_id == engagement.id, Decision.verdict == "accepted",
        col(Decision.decided_by).is_not(None), col(Decision.decided_at) >= start, col(Decision.decided_at) < end)
        .order_by(col(Decision.number))).all()
    return [d for d in rows if taken_without_cto(engagement, d)]


def taken_without_cto(engagement: Engagement, decision: Decision) -> bool:
    """Whether an accepted decision was taken by a decider who is not one of the engagement's CTOs."""
    return (decision.verdict == "accepted" and decision.decided_by is not None
            and decision.decided_by not in engagement.cto_user_ids)


def supersede(session: Session, *, engagement: Engagement, number: int, title: str, user_id: str,
              channel_id: str | None = None) -> tuple[Decision, Decision]:
    """Record a new decision that supersedes N, linking both ways (CTO only); (new, old)."""
    require_cto(engagement, user_id, to="supersede decisions")
    old = get_decision(session, engagement=engagement, number=number)
    if old.status == "superseded":
        raise InvalidInput(f"{label(old.number)} is already superseded.")
    new = record_decision(session, engagement=engagement, title=title, user_id=user_id, channel_id=channel_id,
                          supersedes_id=old.id)
    now = utcnow()
    changed = session.exec(
        update(Decision).where(col(Decision.id) == old.id, col(Decision.status) != "superseded")
        .values(status="superseded", superseded_by_id=new.id, updated_at=now)).rowcount == 1
    if not changed:
        raise InvalidInput(f"{label(old.number)} was just superseded by someone else.")
    session.refresh(old)
    return new, old


def set_fields(session: Session, *, decision: Decision, fields: DecisionFields, draft_text: str | None = None,
               draft_method: str | None = None) -> Decision:
    """Save a draft's (or an edit's) sections, and the draft's text and how it was made."""
    if draft_method is not None and draft_method not in DRAFT_METHODS:
        raise InvalidInput(f"A draft is made by {' or '.join(DRAFT_METHODS)}.")
    decision.context, decision.options = _text(fields.context), _options_text(fields.options)
    decision.outcome, decision.consequences = _text(fields.outcome), _text(fields.consequences)
    if draft_text is not None:
        decision.draft_text = redact(draft_text.strip())[:DRAFT_LIMIT]
    if draft_method is not None:
        decision.draft_method = draft_method
    decision.updated_at = utcnow()
    session.add(decision)
    session.flush()
    return decision


def set_card(session: Session, *, decision_id: int, channel_id: str, card_ts: str, thread_ts: str | None = None,
             permalink: str | None = None) -> Decision:
    """Remember where the decision's card is; its thread is the discussion."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("That decision no longer exists.")
    decision.channel_id, decision.card_ts = channel_id, card_ts
    decision.thread_ts = thread_ts or decision.thread_ts or card_ts
    if permalink:
        decision.permalink = permalink[:500]
    session.add(decision)
    session.flush()
    return decision


def numbers_by_id(session: Session, *, ids: set[int]) -> dict[int, int]:
    """Decision numbers for ids (for supersedes links)."""
    if not ids:
        return {}
    rows = session.exec(select(col(Decision.id), Decision.number).where(col(Decision.id).in_(ids))).all()
    return {id_: number for id_, number in rows if id_ is not None}  # only narrows the type: a stored id is set


def save_draft(session: Session, *, engagement: Engagement, decision: Decision, fields: DecisionFields,
               method: str | None, user_id: str | None = None, why_template: str | None = None) -> Decision:
    """Store a draft (method "llm"/"template") or a person's edit of it (method None); once decided, CTO only."""
    from bot.services.adr import draft_markdown

    if method is None and decision.status != "proposed" and user_id is not None:
        require_cto(engagement, user_id, to=f"edit a {decision.status} decision")
    set_fields(session, decision=decision, fields=fields, draft_method=method)
    decision.draft_text = redact(draft_markdown(decision, method=decision.draft_method or "template",
                                               why_template=why_template))[:DRAFT_LIMIT]
    session.add(decision)
    session.flush()
    return decision
