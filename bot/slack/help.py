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
                "`/cto close [YYYY-MM]` — close a month (default: last month) and send its statement (CTO only)",
                "`/cto handover` — the handover pack (Markdown) in your DM (CTO only)",
                "`/cto end [YYYY-MM-DD]` — set the engagement's last day: 30 days from today when no date is given; "
                "`/cto end none` removes it (CTO only). After it: no digests, the handover is due, check-ins",
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
            ("`/risk` — open risks, highest first, then mitigated and closed ones",
             "`/risk add <title> [high|medium|low]` — anyone in the channel",
             "`/risk edit N` — a form: title, owner, severity, mitigation, status (CTO)",
             "`/risk close N [note]` · `/risk mitigate N [note]` · `/risk set N open|mitigated|closed` (CTO)",
             "`/risk changes [YYYY-MM-DD]` — fixed, remaining and new since the day (default: since the "
             "immediate-risks document was delivered)"),
        ),
        CommandHelp(
            ids.CMD_FINDING,
            "The audit's findings: the interventions with the highest impact.",
            ("`/finding` — open findings by priority, then addressed and deprioritized ones",
             "`/finding add <title> [high|medium|low]` — anyone in the channel",
             "`/finding done N [note]` · `/finding drop N <rationale>` (a rationale is required) (CTO)",
             "`/finding edit N` — a form: owner, priority, effort, rationale, status (CTO) · "
             "`/finding changes [YYYY-MM-DD]`"),
        ),
        CommandHelp(
            ids.CMD_VENDOR,
            "Vendors: contract terms, renewal dates, notice, escalation contacts.",
            ("`/vendor` — active vendors, next renewal first, with the last day to give notice",
             "`/vendor add <name>` — a form: purpose, terms, cost, renewal date, notice days, contacts (CTO)",
             "`/vendor edit N` · `/vendor end N [note]` (CTO)"),
        ),
        CommandHelp(
            ids.CMD_ROADMAP,
            "The roadmap by quarter, each item with its commercial target.",
            ("`/roadmap` — items by quarter",
             "`/roadmap add <YYYY-Qn> <item> [target: <commercial target>]` (CTO)",
             "`/roadmap set N planned|in-progress|done|dropped` · `/roadmap edit N` (CTO)"),
        ),
        CommandHelp(
            ids.CMD_SYSTEM,
            "Systems built during the engagement, with their handover notes.",
            ("`/system` — live systems, then retired ones",
             "`/system add <name>` — a form: what it does, how it runs, what to do when it breaks, the metric (CTO)",
             "`/system edit N` · `/system retire N [note]` (CTO)"),
        ),
    )
}
