"""Block Kit for `/artifact` and `/risk`."""

from __future__ import annotations

from bot.models import Engagement, Risk
from bot.services.artifacts import ArtifactState
from bot.slack.blocks import Blocks, context, section

STATE_TEXT = {
    "delivered": ":white_check_mark: delivered",
    "skipped": ":fast_forward: skipped",
    "overdue": ":red_circle: *overdue*",
    "due-soon": ":large_orange_circle: due soon",
    "upcoming": ":white_circle: upcoming",
    "at-the-end": ":white_circle: at the end of the engagement",
}
SEVERITY_TEXT = {"high": ":red_circle: high", "medium": ":large_orange_circle: medium", "low": ":white_circle: low"}


def artifact_line(item: ArtifactState) -> str:
    """`• technical-audit — due Sep 30 — overdue`."""
    artifact = item.artifact
    due = "" if item.state == "at-the-end" else f" — due {artifact.due_date:%d %b %Y}"
    extra = ""
    if item.state == "delivered" and artifact.link:
        extra = f" — <{artifact.link}|link>"
    elif item.state == "skipped" and artifact.skip_reason:
        extra = f" — {artifact.skip_reason}"
    return f"• `{artifact.kind}`{due} — {STATE_TEXT[item.state]}{extra}"


def artifacts_message(states: list[ArtifactState], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/artifact`: the schedule with each artifact's state."""
    overdue = [s for s in states if s.state == "overdue"]
    head = f"*{engagement.display_name}* — artifacts ({len(overdue)} overdue)"
    text = f"{engagement.display_name}: {len(states)} artifacts, {len(overdue)} overdue"
    return text, [section(head), section("\n".join(artifact_line(s) for s in states)),
                  context("`/artifact done <kind> [link]` · `/artifact skip <kind> <reason>` (CTO)")]


def risk_line(risk: Risk) -> str:
    """`• R3 high — Single point of failure (owner)`."""
    owner = f" — owner {risk.owner}" if risk.owner else ""
    return f"• *R{risk.number}* {SEVERITY_TEXT.get(risk.severity, risk.severity)} — {risk.title}{owner}"


def risks_message(risks: list[Risk], *, engagement: Engagement) -> tuple[str, Blocks]:
    """`/risk`: open risks, highest first."""
    head = f"*{engagement.display_name}* — {len(risks)} open risk{'s' if len(risks) != 1 else ''}"
    body = "\n".join(risk_line(r) for r in risks[:40]) or "No open risks."
    if len(risks) > 40:
        body += f"\nand {len(risks) - 40} more"
    return f"{engagement.display_name}: {len(risks)} open risks", [
        section(head), section(body), context("`/risk add <title> [high|medium|low]` · `/risk close N [note]`")]
