"""DMs sent exactly once per (claim, person): claim in digest_run, send outside any transaction, record or release.

Each DM is a claim in digest_run under its own (kind, period), committed before Slack is called; Slack is called
outside any transaction, and the claim is marked sent only when Slack took the DM. A DM Slack refused releases its
claim, so the next run retries it; a timeout keeps the claim until its lease runs out (the DM may have gone
through). One claim per person: a DM refused for one recipient is retried without sending the others a second
copy. Used by the post-handover check-ins (bot/flows/checkins.py) and the reminders (bot/flows/reminders.py:
vendor notices, the systems nudge, first-response reminders).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.db import transaction
from bot.deps import Deps
from bot.services import runs
from bot.slack.blocks import Blocks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedDm:
    """One claimed DM to one person."""

    period: str  # the claim's period in digest_run, e.g. `2027-02/U123`
    user_id: str
    text: str
    blocks: Blocks | None = None


def person_period(period: str, user_id: str) -> str:
    """The period of one person's copy: `2027-02/U123`."""
    return f"{period}/{user_id}"


def claim_each(session: Session, *, engagement_id: int, kind: str, period: str, user_ids: Sequence[str],
               claimed_by: str, now: datetime) -> list[str]:
    """Claim one person's copy of (kind, period) for each of `user_ids`; the ids whose copy this call claimed."""
    return [user_id for user_id in user_ids
            if runs.claim_run(session, engagement_id=engagement_id, kind=kind, period=person_period(period, user_id),
                              claimed_by=claimed_by, now=now)]


def send_claimed(deps: Deps, *, engagement_id: int, kind: str, team_id: str,
                 dms: Sequence[ClaimedDm]) -> int:
    """Send DMs already claimed (and committed); returns how many Slack took. Call outside any transaction."""
    return len(send_each(deps, engagement_id=engagement_id, kind=kind, team_id=team_id, dms=dms))


def send_each(deps: Deps, *, engagement_id: int, kind: str, team_id: str,
              dms: Sequence[ClaimedDm]) -> list[ClaimedDm]:
    """Send DMs already claimed (and committed); returns those Slack took. Call outside any transaction."""
    if not dms:
        return []
    client = deps.slack_client(team_id)
    if client is None:
        for dm in dms:
            release(deps, engagement_id, kind, dm.period, reason="no Slack token for the workspace")
        return []
    sent: list[ClaimedDm] = []
    for dm in dms:
        try:
            response = client.chat_postMessage(channel=dm.user_id, text=dm.text, blocks=dm.blocks)
        except SlackApiError as exc:  # Slack answered: the DM surely did not go
            release(deps, engagement_id, kind, dm.period, reason=f"Slack said {exc.response.get('error') or 'no'}")
            continue
        except Exception as exc:  # no answer: it may have gone through, so the claim waits out its lease
            release(deps, engagement_id, kind, dm.period, reason=f"{type(exc).__name__}", now=False)
            continue
        with transaction(deps.session_factory) as session:
            run = runs.find_run(session, engagement_id=engagement_id, kind=kind, period=dm.period)
            if run is not None:
                runs.mark_posted(session, run=run, channel_id=str(response.get("channel") or "")[:32] or None,
                                 message_ts=str(response.get("ts") or "") or None)
        sent.append(dm)
    return sent


def all_sent(session: Session, *, engagement_id: int, kind: str, period: str, user_ids: Sequence[str]) -> bool:
    """Whether every one of `user_ids` has had their copy of (kind, period)."""
    return all((run := runs.find_run(session, engagement_id=engagement_id, kind=kind,
                                     period=person_period(period, user_id))) is not None and run.posted_at is not None
               for user_id in user_ids)


def release(deps: Deps, engagement_id: int, kind: str, period: str, *, reason: str, now: bool = True) -> None:
    """Record why a DM did not go; `now`: release the claim for the next run, else keep it until its lease ends."""
    logger.warning("%s DM %s of engagement %s not sent (%s); %s", kind, period, engagement_id, reason,
                   "it will be retried" if now else "retried once its claim's lease has run out")
    with transaction(deps.session_factory) as session:
        run = runs.find_run(session, engagement_id=engagement_id, kind=kind, period=period)
        if run is not None:
            runs.mark_failed(session, run=run, error=reason, release=now)
