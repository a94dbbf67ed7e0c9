"""The command catalogue that `/cto help` and each command's `help` print."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack import ids


@dataclass(frozen=True)
class CommandHelp:
    """One slash command: what it does and how to call it."""

    command: str
    summary: str
    usage: tuple[str, ...]


CATALOGUE: dict[str, CommandHelp] = {
    entry.command: entry
    for entry in (
        CommandHelp(
            ids.CMD_CTO,
            "Set up and inspect this channel's client engagement.",
            (
                "`/cto help` — this list",
                "`/cto setup` — link this channel to a client engagement (CTO only)",
                "`/cto status` — the engagement's client, tier, hours band and month to date; in a DM, every client "
                "of yours: hours to the floor and the top, overdue artifacts, high risks",
                "`/cto questions` — open questions, oldest first, with how long each has waited",
                "`/cto digest` — this week's digest, shown only to you",
                "`/cto handover` — the handover pack (Markdown) in your DM (CTO only)",
            ),
        ),
        CommandHelp(
            ids.CMD_LOGTIME,
            "Log retainer time.",
            (
                "`/logtime 1h30m architecture queue design`",
                "`/logtime 45m review PR 142 yesterday` · `/logtime 2h hiring 2026-11-20 interviews`",
                "`/logtime` — a form · `/logtime list` · `/logtime undo` · `/logtime export [YYYY-MM]`",
                "Durations: `1h30m`, `1.5h`, `90m`, `1:30`. Dates: `today`, `yesterday`, a weekday, `2026-11-20`.",
                "In a DM, name the client first: `/logtime acme 1h review`.",
                "Categories: standup, review, one-on-one, hiring, architecture, roadmap, async, build, vendor, audit.",
            ),
        ),
        CommandHelp(
            ids.CMD_DECISION,
            "Record and draft architecture decisions (ADRs).",
            (
                "`/decision Use Postgres for events` — records a proposal and posts its card; discuss in its thread",
                "`/decision` — a form (title, context, options, outcome, consequences, deciders)",
                "`/decision list` · `/decision draft N` — an ADR draft from the card's thread",
                "`/decision accept N` · `/decision reject N` (CTO) · `/decision supersede N <title>` (CTO)",
                "Shortcut “Record decision from thread” on any message. `ctobot export adr` writes MADR files.",
            ),
        ),
        CommandHelp(
            ids.CMD_REVIEW,
            "Ask the CTO to review a pull request.",
            ("`/review <PR URL> [note]` — GitHub, GitLab, Bitbucket or Azure DevOps",
             "`/review list` — open requests, oldest first",
             "Links posted in the channel are recorded too. From the CTO: 👀 in review, 🔁 changes requested, "
             "✅ approved."),
        ),
        CommandHelp(
            ids.CMD_ARTIFACT,
            "The engagement's deliverables and their due dates.",
            ("`/artifact` — the schedule: due dates from the start, delivered, overdue",
             "`/artifact done <kind> [link]` · `/artifact skip <kind> <reason>` (CTO)",
             "Kinds: technical-audit, immediate-risks, ninety-day-plan (month 1); roadmap, adrs, review-norms, "
             "hiring-kit (month 2); roadmap-progress, skills-assessment, risk-register, next-phase-recommendation "
             "(month 3); handover (at the end)."),
        ),
        CommandHelp(
            ids.CMD_RISK,
            "The risk register.",
            ("`/risk` — open risks, highest first",
             "`/risk add <title> [high|medium|low]` · `/risk close N [note]` (CTO)"),
        ),
    )
}
