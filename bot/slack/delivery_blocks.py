"""Block Kit for `/artifact` and `/risk`."""

from __future__ import annotations

from bot.models import Engagement, Risk
from bot.services.artifacts import ArtifactState
from bot.slack.blocks import Blocks, context, section
from bot.slack.lists import list_text
from bot.slack.mrkdwn import escape, inline, link

STATE_TEXT = {
    "delivered": ":white_check_mark: delivered",
    "skipped": ":fast_forward: skipped",
    "overdue": ":red_circle: *overdue*",
    "due-soon": ":large_orange_circle: due soon",
    "upcoming": ":white_circle: upcoming",
    "at-the-end": ":white_circle: at the end of the engagement",
}
MAX_RISKS = 40
SEVERITY_TEXT = {"high": ":red_circle: high", "medium": ":large_orange_circle: medium", "low": ":white_circle: low"}


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
    """`• R3 high — Single point of failure (owner)`."""
    owner = f" — owner {inline(risk.owner)}" if risk.owner else ""
    return f"• *R{risk.number}* {SEVERITY_TEXT.get(risk.severity, risk.severity)} — {inline(risk.title)}{owner}"


def risks_message(risks: list[Risk], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/risk`: open risks, highest first."""
    name = escape(engagement.display_name)
    head = f"*{name}* — {len(risks)} open risk{'s' if len(risks) != 1 else ''}"
    body = list_text([risk_line(r) for r in risks], empty="No open risks.", max_items=MAX_RISKS)
    return f"{name}: {len(risks)} open risks", [
        section(head), section(body), context(escape("`/risk add <title> [high|medium|low]` · `/risk close N [note]`"))]
