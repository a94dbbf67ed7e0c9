"""`/artifact` (the deliverables schedule) and `/risk` (the risk register)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext

from bot.db import transaction
from bot.deps import Deps
from bot.errors import InvalidInput
from bot.models import utcnow
from bot.services import artifacts, engagements, risks
from bot.slack import blocks, delivery_blocks, ids
from bot.slack.mrkdwn import escape
from handlers.context import team_of
from handlers.errors import user_errors


def register(app: App, deps: Deps) -> None:
    """Register `/artifact` and `/risk`."""

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

    @app.command(ids.CMD_RISK)
    @user_errors()
    def risk_command(ack: Ack, command: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        words = (command.get("text") or "").split()
        sub = words[0].lower() if words else ""
        if sub == "help":
            ack(text=blocks.command_usage(ids.CMD_RISK))
            return
        user_id = command["user_id"]
        with transaction(deps.session_factory) as session:
            engagement = engagements.require_engagement(session, team_id=team_of(context, body),
                                                        channel_id=command["channel_id"])
            prefix = ""
            if sub == "add":
                title, severity = risks.parse_add(" ".join(words[1:]))
                risk = risks.add_risk(session, engagement=engagement, title=title, severity=severity, user_id=user_id)
                prefix = f"Added risk R{risk.number} ({risk.severity}): {escape(risk.title)}\n"
            elif sub == "close":
                if len(words) < 2 or not words[1].lstrip("Rr").isdigit():
                    raise InvalidInput("Name the risk's number: `/risk close 3 mitigated by the new replica`.")
                risk = risks.close_risk(session, engagement=engagement, number=int(words[1].lstrip("Rr")),
                                        user_id=user_id, note=" ".join(words[2:]))
                prefix = f"Closed risk R{risk.number}: {escape(risk.title)}\n"
            elif sub:
                raise InvalidInput(f"I don't know `/risk {sub}`.\n{blocks.command_usage(ids.CMD_RISK)}")
            text, message_blocks = delivery_blocks.risks_message(
                risks.open_risks(session, engagement_id=engagement.id), engagement=engagement)  # type: ignore[arg-type]
        ack(text=prefix + text, blocks=[blocks.section(prefix.strip())] + message_blocks if prefix else message_blocks)
