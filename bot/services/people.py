"""People by name: users.info answers stored per workspace, so that exports and drafts name people without Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.db.unique import insert_once
from bot.models import Person, utcnow
from bot.models.types import clean_text

REFRESH_AFTER = timedelta(days=30)  # a name is asked again after this long; an export never waits for it
NAME_LIMIT = 200


@dataclass(frozen=True)
class Profile:
    """What users.info says of a person (the Slack layer turns its answer into this)."""

    user_id: str
    display_name: str
    real_name: str
    timezone: str | None = None


def name_of(person: Person) -> str:
    """The name people know them by: the real name, else the display name, else the user id."""
    return person.real_name.strip() or person.display_name.strip() or person.user_id


def stored(session: Session, *, team_id: str, user_ids: set[str] | list[str]) -> dict[str, Person]:
    """The stored people among `user_ids`, by user id."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.exec(select(Person).where(Person.team_id == (team_id or ""), col(Person.user_id).in_(ids))).all()
    return {person.user_id: person for person in rows}


def names(session: Session, *, team_id: str, user_ids: set[str] | list[str]) -> dict[str, str]:
    """A name for every id: the stored name, or the id itself for someone users.info never described."""
    found = stored(session, team_id=team_id, user_ids=user_ids)
    return {user_id: name_of(found[user_id]) if user_id in found else user_id for user_id in user_ids}


def to_fetch(session: Session, *, team_id: str, user_ids: set[str] | list[str],
             now: datetime | None = None) -> list[str]:
    """The ids never fetched, or fetched longer ago than REFRESH_AFTER, in id order."""
    now = now or utcnow()
    found = stored(session, team_id=team_id, user_ids=user_ids)
    return sorted(u for u in set(user_ids) if u not in found or now - found[u].fetched_at > REFRESH_AFTER)


def remember(session: Session, *, team_id: str, profiles: list[Profile], now: datetime | None = None) -> None:
    """Store (or refresh) what users.info said; the caller made the Slack calls outside any transaction."""
    now = now or utcnow()
    found = stored(session, team_id=team_id, user_ids={p.user_id for p in profiles})
    for profile in profiles:
        person = found.get(profile.user_id)
        fresh = person is None
        if person is None:
            person = Person(team_id=team_id or "", user_id=profile.user_id)
        person.display_name = clean_text(" ".join(profile.display_name.split()), NAME_LIMIT)
        person.real_name = clean_text(" ".join(profile.real_name.split()), NAME_LIMIT)
        person.timezone = profile.timezone[:64] if profile.timezone else None
        person.fetched_at = now
        if fresh and not insert_once(session, person):  # another process stored them a moment ago: update that row
            remember(session, team_id=team_id, profiles=[profile], now=now)
            continue
        session.add(person)
    session.flush()
