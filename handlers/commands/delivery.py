"""`/artifact`: the deliverables schedule (`/risk` is a register: handlers/commands/registers.py)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.models import utcnow
from bot.services import artifacts, engagements
from bot.slack import blocks, delivery_blocks, ids
from handlers.context import team_of
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/artifact`."""

    @app.command(ids.CMD_ARTIFACT)
    @user_errors()
    def artifact_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        words = (command.get("text") or "").split()
        sub = words[0].lower() if words else ""
        if sub == "help":
            ack(text=blocks.command_usage(ids.CMD_ARTIFACT))
            return
        user_id = command["user_id"]
        with transaction(deps.session_factory) as session:
            engagement = engagements.require_engagement(session, team_id=team_of(context, body),
                                                        channel_id=command["channel_id"])
            today = utcnow().astimezone(ZoneInfo(engagement.timezone)).date()
            if sub in ("done", "skip"):
                if len(words) < 2:
                    raise InvalidInput(f"Name the artifact: `/artifact {sub} technical-audit …`. "
                                       f"Kinds: {', '.join(artifacts.KINDS)}.")
                if sub == "done":
                    artifacts.mark_delivered(session, engagement=engagement, kind=words[1], user_id=user_id,
                                             link=words[2] if len(words) > 2 else None)
                else:
                    artifacts.skip(session, engagement=engagement, kind=words[1], user_id=user_id,
                                   reason=" ".join(words[2:]))
            elif sub:
                raise InvalidInput(f"I don't know `/artifact {sub}`.\n{blocks.command_usage(ids.CMD_ARTIFACT)}")
            states = artifacts.schedule_states(session, engagement=engagement, today=today)
            text, message_blocks = delivery_blocks.artifacts_message(states, engagement=engagement)
        ack(text=text, blocks=message_blocks)
