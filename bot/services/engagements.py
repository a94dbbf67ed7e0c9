"""Engagements: creating and updating them, linking channels, finding a channel's engagement, permissions."""

from __future__ import annotations

import enum
import re
import threading
import time as time_module
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import event, or_
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from bot import calendar
from bot.calendar import WEEKDAYS
from bot.errors import InvalidInput, NotAllowed, NotFound, NotLinked
from bot.models import ChannelLink, Engagement, utcnow
from bot.services.tiers import CUSTOM, TIER_NAMES, TIERS

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
USER_ID_RE = re.compile(r"^[UW][A-Z0-9]+$")
CHANNEL_ID_RE = re.compile(r"^[CGD][A-Z0-9]+$")
TEAM_ID_RE = re.compile(r"^[TE][A-Z0-9_]+$")
DECIDERS_MAX = 20  # the /cto setup picker's max_selected_items: a leadership team, not the whole company
CHECKIN_CADENCES = ("none", "monthly", "quarterly")


class Keep(enum.Enum):
    KEEP = "keep"


KEEP: Literal[Keep.KEEP] = Keep.KEEP  # "leave what is set": `ctobot client add` without --end or --owner


@dataclass
class EngagementInput:
    """What `/cto setup` and `ctobot client add` both ask for."""

    name: str
    tier: str
    start_date: date
    timezone: str
    display_name: str | None = None
    hours: tuple[int, int] | None = None
    response_target_hours: float | None = None
    digest_weekday: str = "fri"
    digest_time: time = field(default_factory=lambda: time(16, 0))
    cto_user_ids: list[str] = field(default_factory=list)
    founder_user_ids: list[str] = field(default_factory=list)
    decider_user_ids: list[str] | None = None  # None keeps what is set ([] for a new engagement: founders and CTOs)
    llm_consent: bool = False
    rollover_cap_hours: int | None = None  # None keeps what is set (0 for a new engagement)
    statement_grace_days: int | None = None  # None keeps what is set (2 for a new engagement)
    end_date: date | None | Literal[Keep.KEEP] = KEEP  # None: no end date (yet)
    internal_owner_id: str | None | Literal[Keep.KEEP] = KEEP  # None: nobody named
    checkin_cadence: str | None = None  # none, monthly, quarterly; None keeps what is set ("none" when new)


@dataclass(frozen=True)
class EngagementStatus:
    """What `/cto status` shows."""

    engagement: Engagement
    channels: list[str]
    primary_channel: str | None
    month_number: int


def slugify(text: str) -> str:
    """`Acme Corp.` -> `acme-corp`."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    return slug[:63].rstrip("-")


def parse_hours_band(text: str) -> tuple[int, int]:
    """`20-25` (or `20–25`, `20 to 25`, `30`) -> (20, 25)."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*(?:(?:-|–|to)\s*(\d{1,3}))?\s*h?\s*", text)
    if not match:
        raise InvalidInput("Hours must be a band such as `20-25` (hours a month).", field="hours")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if not 0 < low <= high <= 200:
        raise InvalidInput("Hours must be a band such as `20-25`, with 0 < low ≤ high ≤ 200.", field="hours")
    return low, high


def parse_digest_slot(text: str) -> tuple[str, time]:
    """`fri 16:00` -> ("fri", 16:00); full day names are accepted."""
    match = re.fullmatch(r"\s*([a-zA-Z]+)\s+(\d{1,2}):(\d{2})\s*", text)
    day = match and match.group(1).lower()[:3]
    if not match or day not in WEEKDAYS:
        raise InvalidInput('The digest slot must look like `fri 16:00` (a weekday and a 24-hour time).', field="digest")
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise InvalidInput(f"`{text.strip()}` is not a valid time of day; use 24-hour HH:MM.", field="digest")
    return day, time(hour, minute)


def validate_timezone(name: str) -> str:
    """The IANA zone name, or InvalidInput."""
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"`{name}` is not a time zone I know. Use an IANA name such as `Europe/London`.", field="timezone"
        ) from None
    return name


def validate_user_ids(ids: list[str], *, field: str) -> list[str]:
    """Slack user ids, deduplicated in order."""
    cleaned: list[str] = []
    for raw in ids:
        uid = raw.strip().lstrip("<@").rstrip(">").split("|")[0]
        if not USER_ID_RE.match(uid):
            raise InvalidInput(f"`{raw}` is not a Slack user id (they look like `U012AB3CD`).", field=field)
        if uid not in cleaned:
            cleaned.append(uid)
    return cleaned


def validate_cadence(text: str) -> str:
    """`monthly` (any case) -> "monthly"; InvalidInput unless it is none, monthly or quarterly."""
    cadence = text.strip().lower()
    if cadence not in CHECKIN_CADENCES:
        raise InvalidInput(f"`{text.strip()}` is not a check-in cadence: use {', '.join(CHECKIN_CADENCES)}.",
                           field="checkin")
    return cadence


def validate_end(start: date, end: date | None) -> None:
    """InvalidInput when the engagement would end before it starts."""
    if end is not None and end < start:
        raise InvalidInput(f"The end date {end.isoformat()} is before the start date {start.isoformat()}; "
                           "an engagement ends on or after the day it starts.", field="end")


def _validated(data: EngagementInput) -> EngagementInput:
    name = data.name.strip().lower()
    if not SLUG_RE.match(name):
        raise InvalidInput(
            f"`{data.name}` can't be a client name: use lowercase letters, digits and dashes, like `acme`.",
            field="name",
        )
    tier = data.tier.strip().lower()
    if tier not in TIER_NAMES:
        raise InvalidInput(f"Unknown tier `{data.tier}`. Choose one of: {', '.join(TIER_NAMES)}.", field="tier")
    if tier == CUSTOM and data.hours is None:
        raise InvalidInput("A custom tier needs its hours band, such as `12-15`.", field="hours")
    if data.digest_weekday not in WEEKDAYS:
        raise InvalidInput("The digest day must be a weekday name such as `fri`.", field="digest")
    target = data.response_target_hours
    if target is not None and not 0 < target <= 80:
        raise InvalidInput("The first-response target must be between 0 and 80 business hours.", field="target")
    display = (data.display_name or "").strip() or name.replace("-", " ").title()
    return EngagementInput(
        name=name,
        tier=tier,
        start_date=data.start_date,
        timezone=validate_timezone(data.timezone),
        display_name=display[:200],
        hours=data.hours,
        response_target_hours=target,
        digest_weekday=data.digest_weekday,
        digest_time=data.digest_time,
        cto_user_ids=validate_user_ids(data.cto_user_ids, field="ctos"),
        founder_user_ids=validate_user_ids(data.founder_user_ids, field="founders"),
        decider_user_ids=None if data.decider_user_ids is None else _deciders(data.decider_user_ids),
        llm_consent=data.llm_consent,
        rollover_cap_hours=data.rollover_cap_hours,
        statement_grace_days=data.statement_grace_days,
        end_date=data.end_date,
        internal_owner_id=(data.internal_owner_id if data.internal_owner_id in (None, KEEP)
                           else validate_user_ids([str(data.internal_owner_id)], field="owner")[0]),
        checkin_cadence=validate_cadence(data.checkin_cadence) if data.checkin_cadence is not None else None,
    )


def _deciders(ids: list[str]) -> list[str]:
    deciders = validate_user_ids(ids, field="deciders")
    if len(deciders) > DECIDERS_MAX:
        raise InvalidInput(f"Name at most {DECIDERS_MAX} deciders (the leadership team); "
                           f"leave it empty for the founders and the CTOs.", field="deciders")
    return deciders


def deciders_of(engagement: Engagement) -> list[str]:
    """Who may accept and reject decisions: the named deciders, or else the founders and the CTOs."""
    return list(engagement.decider_user_ids) or list(dict.fromkeys([*engagement.founder_user_ids,
                                                                    *engagement.cto_user_ids]))


def is_decider(engagement: Engagement, user_id: str) -> bool:
    """Whether `user_id` may accept and reject the engagement's decisions."""
    return user_id in deciders_of(engagement)


def require_decider(engagement: Engagement, user_id: str, *, to: str = "decide") -> None:
    """Raise NotAllowed unless `user_id` is one of the engagement's deciders."""
    if not is_decider(engagement, user_id):
        raise NotAllowed(f"Only {engagement.display_name}'s deciders can {to}; a CTO names them in `/cto setup` "
                         f"(by default the founders and the CTOs).")


def is_cto(engagement: Engagement, user_id: str) -> bool:
    """Whether `user_id` is one of the engagement's CTO users."""
    return user_id in engagement.cto_user_ids


def require_cto(engagement: Engagement, user_id: str, *, to: str = "do that") -> None:
    """Raise NotAllowed unless `user_id` is one of the engagement's CTO users."""
    if not is_cto(engagement, user_id):
        raise NotAllowed(f"Only {engagement.display_name}'s CTO can {to}.")


def find_link(session: Session, *, team_id: str, channel_id: str) -> ChannelLink | None:
    """The channel's link in this workspace, binding a CLI-made link (no team yet) on first use."""
    links = session.exec(
        select(ChannelLink).where(
            ChannelLink.channel_id == channel_id,
            or_(col(ChannelLink.team_id) == team_id, col(ChannelLink.team_id) == ""),
        )
    ).all()
    exact = [link for link in links if link.team_id == team_id]
    if exact:
        return exact[0]
    if not links or not team_id:
        return None
    link = links[0]
    link.team_id = team_id
    engagement = session.get(Engagement, link.engagement_id)
    if engagement is not None and engagement.team_id == "":
        engagement.team_id = team_id
        session.add(engagement)
    session.add(link)
    session.flush()
    return link


class ChannelCache:
    """Channel -> engagement id (or None: not linked), per process: ids only, never ORM objects.

    Any change to a channel link in this process empties it (on flush and again on commit, so that a reader
    between the two cannot keep the old answer); links changed by another process are seen within TTL seconds.
    """

    TTL = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[tuple[str, str], tuple[float, int | None]] = {}
        self._cleared_at = 0.0

    def get(self, team_id: str, channel_id: str) -> tuple[bool, int | None]:
        """(True, the engagement id or None) when known and fresh; (False, None) otherwise."""
        with self._lock:
            kept = self._ids.get((team_id, channel_id))
        if kept is not None and time_module.monotonic() - kept[0] < self.TTL:
            return True, kept[1]
        return False, None

    def put(self, team_id: str, channel_id: str, engagement_id: int | None, since: float) -> None:
        """Keep an answer read at `since` (monotonic), unless the links changed after that."""
        with self._lock:
            if since >= self._cleared_at:
                self._ids[(team_id, channel_id)] = (since, engagement_id)

    def clear(self) -> None:
        """Forget every answer (a link changed)."""
        with self._lock:
            self._ids.clear()
            self._cleared_at = time_module.monotonic()


channel_cache = ChannelCache()
_LINKS_CHANGED = "ctobot_channel_links_changed"


@event.listens_for(ChannelLink, "after_insert")
@event.listens_for(ChannelLink, "after_update")
@event.listens_for(ChannelLink, "after_delete")
def _link_changed(_mapper: Any, _connection: Any, link: ChannelLink) -> None:
    channel_cache.clear()
    found = object_session(link)
    if found is not None:
        found.info[_LINKS_CHANGED] = True


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_soft_rollback")
def _links_committed(session: OrmSession, *_: Any) -> None:
    if session.info.pop(_LINKS_CHANGED, False):
        channel_cache.clear()


def engagement_for_channel(session: Session, *, team_id: str, channel_id: str) -> Engagement | None:
    """The engagement linked to the channel, or None (the channel's engagement id is cached per process)."""
    known, engagement_id = channel_cache.get(team_id, channel_id)
    if known:
        if engagement_id is None:
            return None
        engagement = session.get(Engagement, engagement_id)
        if engagement is not None:
            return engagement
    since = time_module.monotonic()
    link = find_link(session, team_id=team_id, channel_id=channel_id)
    channel_cache.put(team_id, channel_id, link.engagement_id if link else None, since)
    return session.get(Engagement, link.engagement_id) if link else None


def require_engagement(session: Session, *, team_id: str, channel_id: str) -> Engagement:
    """The engagement linked to the channel, or NotLinked."""
    engagement = engagement_for_channel(session, team_id=team_id, channel_id=channel_id)
    if engagement is None or engagement.uninstalled_at is not None:
        raise NotLinked()
    return engagement


def get_by_name(session: Session, *, name: str, team_id: str | None = None) -> Engagement:
    """The engagement called `name` (in `team_id` when given), or NotFound."""
    query = select(Engagement).where(Engagement.name == name.strip().lower())
    if team_id is not None:
        query = query.where(or_(col(Engagement.team_id) == team_id, col(Engagement.team_id) == ""))
    found = session.exec(query).all()
    if not found:
        raise NotFound(f"No client called `{name}`. `ctobot client add` creates one.")
    if len(found) > 1:
        teams = ", ".join(sorted(e.team_id or "(unbound)" for e in found))
        raise InvalidInput(f"Several workspaces have a client called `{name}` ({teams}); name the workspace.")
    return found[0]


def list_engagements(session: Session, *, team_id: str | None = None) -> list[Engagement]:
    """Active engagements, by name."""
    query = select(Engagement).where(col(Engagement.uninstalled_at).is_(None))
    if team_id is not None:
        query = query.where(or_(col(Engagement.team_id) == team_id, col(Engagement.team_id) == ""))
    return list(session.exec(query.order_by(Engagement.name)).all())


def channels_of(session: Session, *, engagement_id: int) -> list[ChannelLink]:
    """The engagement's linked channels, primary first."""
    links = session.exec(select(ChannelLink).where(ChannelLink.engagement_id == engagement_id)).all()
    return sorted(links, key=lambda link: (not link.is_primary, link.linked_at))


def setup_engagement(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    data: EngagementInput,
    actor_id: str | None,
    default_cto_ids: list[str],
    make_primary: bool = True,
) -> Engagement:
    """Create or update an engagement and link the channel to it (actor None: the operator, via the CLI)."""
    if not CHANNEL_ID_RE.match(channel_id):
        raise InvalidInput(f"`{channel_id}` is not a Slack channel id (they look like `C012AB3CD`).", field="channel")
    if team_id and not TEAM_ID_RE.match(team_id):
        raise InvalidInput(f"`{team_id}` is not a Slack workspace id (they look like `T012AB3CD`).", field="team")
    data = _validated(data)
    link = find_link(session, team_id=team_id, channel_id=channel_id)
    linked = session.get(Engagement, link.engagement_id) if link else None
    named = session.exec(
        select(Engagement).where(Engagement.team_id == (linked.team_id if linked else team_id),
                                 Engagement.name == data.name)
    ).first()
    if linked is not None and named is not None and named.id != linked.id:
        raise InvalidInput(
            f"This channel belongs to `{linked.name}`; another client is already called `{data.name}`.", field="name"
        )
    engagement = linked or named
    if engagement is not None:
        if actor_id is not None:
            require_cto(engagement, actor_id, to="change its settings")
    elif actor_id is not None and default_cto_ids and actor_id not in default_cto_ids:
        raise NotAllowed("Only a CTO can set up a client engagement (see CTO_USER_IDS).")

    ctos = data.cto_user_ids or (engagement.cto_user_ids if engagement else []) or (
        [actor_id] if actor_id else list(default_cto_ids)
    )
    if not ctos:
        raise InvalidInput("Name at least one CTO user (e.g. `--cto U012AB3CD`).", field="ctos")
    if actor_id is not None and actor_id not in ctos:
        raise InvalidInput("Keep yourself among the CTO users, or you could not change this engagement again.",
                           field="ctos")

    tier = TIERS.get(data.tier)
    hours = data.hours or ((tier.hours_min, tier.hours_max) if tier else None)
    target = data.response_target_hours or (tier.response_target_hours if tier else 4.0)
    assert hours is not None  # a custom tier without hours was refused above
    now = utcnow()
    if engagement is None:
        engagement = Engagement(team_id=team_id, name=data.name, display_name=data.display_name or data.name,
                                tier=data.tier, hours_min=hours[0], hours_max=hours[1],
                                response_target_hours=target, start_date=data.start_date, timezone=data.timezone)
    engagement.display_name = data.display_name or engagement.display_name
    engagement.name = data.name
    engagement.tier = data.tier
    engagement.hours_min, engagement.hours_max = hours
    engagement.response_target_hours = target
    engagement.start_date = data.start_date
    engagement.timezone = data.timezone
    engagement.digest_weekday = data.digest_weekday
    engagement.digest_time = data.digest_time
    engagement.cto_user_ids = ctos
    engagement.founder_user_ids = data.founder_user_ids
    if data.decider_user_ids is not None:
        engagement.decider_user_ids = data.decider_user_ids
    engagement.llm_consent = data.llm_consent
    if data.rollover_cap_hours is not None:
        if not 0 <= data.rollover_cap_hours <= hours[1]:
            raise InvalidInput(f"A rollover cap is 0 to {hours[1]} hours (the band's top).", field="rollover")
        engagement.rollover_cap_hours = data.rollover_cap_hours
    if data.statement_grace_days is not None:
        if not 0 <= data.statement_grace_days <= 10:
            raise InvalidInput("The statement grace is 0 to 10 business days.", field="grace")
        engagement.statement_grace_days = data.statement_grace_days
    if data.end_date is not KEEP:
        engagement.end_date = data.end_date
    validate_end(engagement.start_date, engagement.end_date)
    if data.internal_owner_id is not KEEP:
        engagement.internal_owner_id = data.internal_owner_id
    if data.checkin_cadence is not None:
        engagement.checkin_cadence = data.checkin_cadence
    engagement.uninstalled_at = None
    engagement.updated_at = now
    session.add(engagement)
    session.flush()

    links = channels_of(session, engagement_id=engagement.id)  # type: ignore[arg-type]
    if link is None:
        link = ChannelLink(engagement_id=engagement.id, team_id=engagement.team_id or team_id,  # type: ignore[arg-type]
                           channel_id=channel_id, linked_by=actor_id)
        links.append(link)
    if make_primary or not any(other.is_primary for other in links):
        for other in links:
            other.is_primary = other is link
            session.add(other)
    session.add(link)
    session.flush()
    return engagement


def set_end_date(session: Session, *, engagement: Engagement, user_id: str, end: date | None) -> Engagement:
    """Set (or, with None, clear) the engagement's end date (CTO only)."""
    require_cto(engagement, user_id, to="set its end date")
    validate_end(engagement.start_date, end)
    engagement.end_date = end
    engagement.updated_at = utcnow()
    session.add(engagement)
    session.flush()
    return engagement


def engagement_status(session: Session, *, engagement: Engagement, today: date | None = None) -> EngagementStatus:
    """The engagement with its channels and which month of the engagement it is."""
    links = channels_of(session, engagement_id=engagement.id)  # type: ignore[arg-type]
    today = today or calendar.local_today(engagement)
    months = (today.year - engagement.start_date.year) * 12 + today.month - engagement.start_date.month
    if today.day < engagement.start_date.day:
        months -= 1
    return EngagementStatus(
        engagement=engagement,
        channels=[link.channel_id for link in links],
        primary_channel=next((link.channel_id for link in links if link.is_primary), None),
        month_number=max(months + 1, 0),
    )


def mark_team_uninstalled(session: Session, *, team_id: str) -> int:
    """Stop all work for a workspace that uninstalled the app; returns how many engagements it had."""
    engagements = session.exec(select(Engagement).where(Engagement.team_id == team_id)).all()
    now = utcnow()
    for engagement in engagements:
        engagement.uninstalled_at = now
        session.add(engagement)
    session.flush()
    return len(engagements)
