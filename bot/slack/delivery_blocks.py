"""Block Kit for `/artifact`, and `/risk` as the register kind it is (bot/slack/register_blocks.py)."""

from __future__ import annotations

from bot.models import Engagement, Risk
from bot.services.artifacts import ArtifactState
from bot.services.register_kinds import RISK
from bot.slack.blocks import Blocks, context, section
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline, link
from bot.slack.register_blocks import entry_line, register_message

STATE_TEXT = {
    "delivered": ":white_check_mark: delivered",
    "skipped": ":fast_forward: skipped",
    "overdue": ":red_circle: *overdue*",
    "due-soon": ":large_orange_circle: due soon",
    "upcoming": ":white_circle: upcoming",
    "at-the-end": ":white_circle: at the end of the engagement",
}


def artifact_line(item: ArtifactState) -> str:
    """`• technical-audit — due Sep 30 — overdue`."""
    artifact = item.artifact
    due = "" if item.state == "at-the-end" else f" — due {artifact.due_date:%d %b %Y}"
    extra = ""
    if item.state == "delivered" and artifact.link:
        extra = f" — {link(artifact.link, 'link')}"
    elif item.state == "skipped" and artifact.skip_reason:
        extra = f" — {inline(artifact.skip_reason, 300)}"
    return f"• `{inline(artifact.kind)}`{due} — {STATE_TEXT[item.state]}{extra}"


def artifacts_message(states: list[ArtifactState], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/artifact`: the schedule with each artifact's state."""
    overdue = [s for s in states if s.state == "overdue"]
    name = escape(engagement.display_name)
    head = f"*{name}* — artifacts ({len(overdue)} overdue)"
    text = f"{name}: {len(states)} artifacts, {len(overdue)} overdue"
    return text, [section(head), section(list_text([artifact_line(s) for s in states], empty="No artifacts.")),
                  context(escape("`/artifact done <kind> [link]` · `/artifact skip <kind> <reason>` (CTO)"))]


def risk_line(risk: Risk) -> str:
    """`• *R3* :red_circle: high — Single point of failure — owner Dana` (the register's line for a risk)."""
    return entry_line(RISK, risk)


def risks_message(risks: list[Risk], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/risk`: the risk register, open risks highest first."""
    return register_message(RISK, risks, engagement=engagement)
