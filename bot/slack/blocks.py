"""Block Kit builders: every message and modal ctobot shows, kept out of the listeners."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot import formatting
from bot.calendar import DAY_NAMES
from bot.models import Engagement
from bot.services.engagements import CHECKIN_CADENCES, DECIDERS_MAX, WEEKDAYS, EngagementStatus
from bot.services.retainer import MonthSummary
from bot.services.tiers import CUSTOM, TIERS
from bot.slack import ids
from bot.slack.help import CATALOGUE, CommandHelp
from bot.slack.lists import SECTION_LIMIT
from bot.slack.mrkdwn import escape

Blocks = list[dict[str, Any]]
CHECKIN_TEXT = {"none": "None", "monthly": "Monthly", "quarterly": "Quarterly"}


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section, cut to Slack's 3,000-character limit (a last resort: lists are cut by bot.slack.lists)."""
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    """A small grey line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def band_text(engagement: Engagement) -> str:
    """`20–25 h a month`."""
    if engagement.hours_min == engagement.hours_max:
        return f"{engagement.hours_max} h a month"
    return f"{engagement.hours_min}–{engagement.hours_max} h a month"


def hours_text(value: float) -> str:
    """`4`, `4.5`, `8 h` style numbers without trailing zeros."""
    return f"{value:g}"


def help_message() -> tuple[str, Blocks]:
    """The full command list, for `/cto help`."""
    blocks: Blocks = [section("*ctobot* keeps your fractional CTO's time, questions and decisions in one place.")]
    blocks += [section(_entry_text(entry)) for entry in CATALOGUE.values()]
    text = "ctobot commands: " + ", ".join(CATALOGUE)
    return text, blocks


def _entry_text(entry: CommandHelp) -> str:
    """The entry as mrkdwn: its `<title>`-style placeholders escaped, or Slack would read them as links."""
    return escape(f"*{entry.command}* — {entry.summary}\n" + "\n".join(f"• {line}" for line in entry.usage))


def command_usage(command: str) -> str:
    """One command's usage, for `<command> help`."""
    entry = CATALOGUE[command]
    return _entry_text(entry)



def status_message(status: EngagementStatus, summary: MonthSummary | None = None) -> tuple[str, Blocks]:
    """`/cto status`: the client, tier, band and calendar."""
    e = status.engagement
    tier = e.tier if e.tier != CUSTOM else "custom"
    headline = f"*{escape(e.display_name)}* · {tier} tier · {band_text(e)}"
    lines = [
        headline,
        f"First response within {hours_text(e.response_target_hours)} business hours "
        f"({_business_hours_text(e)}, {e.timezone}).",
        f"Started {e.start_date.isoformat()} (month {status.month_number}) · weekly digest "
        f"{DAY_NAMES[e.digest_weekday]}s {e.digest_time.strftime('%H:%M')}.",
        "CTO: " + (", ".join(f"<@{u}>" for u in e.cto_user_ids) or "—")
        + " · Founders: " + (", ".join(f"<@{u}>" for u in e.founder_user_ids) or "—")
        + " · Deciders: " + (", ".join(f"<@{u}>" for u in e.decider_user_ids) or "the founders and the CTOs"),
        "Channels: " + ", ".join(
            f"<#{c}>" + (" (digest)" if c == status.primary_channel else "") for c in status.channels
        ),
    ]
    if e.end_date is not None or e.internal_owner_id or e.checkin_cadence != "none":
        lines.append(lifecycle_line(e))
    if summary is not None:
        lines.append(month_line(summary, e))
    if e.llm_consent:
        lines.append("ADR drafts may use the LLM (the client consented).")
    text = f"{escape(e.display_name)}: {tier} tier, {band_text(e)}"
    return text, [section("\n".join(lines))]


def lifecycle_line(e: Engagement) -> str:
    """`Ends Fri 15 Jan 2027 (handover due) · internal owner @Dana · check-ins monthly after the end`."""
    end = f"Ends {e.end_date:%a %d %b %Y} (the handover is due then)" if e.end_date else "No end date yet"
    owner = f"internal owner <@{e.internal_owner_id}>" if e.internal_owner_id else "no internal owner named"
    checkins = "no check-ins after the end" if e.checkin_cadence == "none" else f"{e.checkin_cadence} check-ins " \
        "after the end"
    return f"{end} · {owner} · {checkins}."


def _business_hours_text(e: Engagement) -> str:
    days = e.business_days.split(",")
    span = f"{DAY_NAMES[days[0]][:3]}–{DAY_NAMES[days[-1]][:3]}" if len(days) > 1 else DAY_NAMES[days[0]][:3]
    return f"{span} {e.business_start.strftime('%H:%M')}–{e.business_end.strftime('%H:%M')}"


def setup_confirmation(status: EngagementStatus, *, actor_id: str | None, created: bool) -> str:
    """What the channel is told once `/cto setup` is saved."""
    e = status.engagement
    verb = "linked this channel to" if created else "updated"
    who = f"<@{actor_id}> " if actor_id else ""
    return (f"{who}{verb} *{escape(e.display_name)}* ({e.tier} tier, {band_text(e)}). Weekly digest "
            f"{DAY_NAMES[e.digest_weekday]}s {e.digest_time.strftime('%H:%M')} {e.timezone}. "
            "`/cto help` lists what I can do.")


def _option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": {"type": "plain_text", "text": text}, "value": value}
    if description:
        option["description"] = {"type": "plain_text", "text": description}
    return option


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:
    """A modal input block."""
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "optional": optional,
                             "label": {"type": "plain_text", "text": label}, "element": element}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def setup_modal(*, channel_id: str, team_id: str, user_id: str, engagement: Engagement | None,
                today: date) -> dict[str, Any]:
    """The `/cto setup` modal, prefilled from the channel's engagement when there is one."""
    e = engagement
    tier_options = [
        _option(name.title(), name,
                f"{t.hours_min}–{t.hours_max} h/month, reply within {hours_text(t.response_target_hours)} h")
        for name, t in TIERS.items()
    ] + [_option("Custom", CUSTOM, "Set the hours band below")]
    tier_value = e.tier if e else "active"
    day_options = [_option(DAY_NAMES[d], d) for d in WEEKDAYS]
    checkin_options = [_option(CHECKIN_TEXT[c], c) for c in CHECKIN_CADENCES]
    day_value = e.digest_weekday if e else "fri"
    name_element: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.ACTION_SETUP_NAME, "max_length": 200}
    if e:
        name_element["initial_value"] = e.display_name
    hours_element: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.ACTION_SETUP_HOURS,
                                     "placeholder": {"type": "plain_text", "text": "e.g. 12-15"}}
    if e and (e.tier == CUSTOM or (e.hours_min, e.hours_max) != (TIERS[e.tier].hours_min, TIERS[e.tier].hours_max)):
        hours_element["initial_value"] = f"{e.hours_min}-{e.hours_max}"
    # An option's text is at most 75 characters in Slack; the detail goes in its description (also 75).
    options = [_option("ADR drafts may use the LLM", ids.OPTION_LLM_CONSENT,
                       "The client consents to sending decision threads to it"),
               _option("Post the weekly digest in this channel", ids.OPTION_PRIMARY_CHANNEL)]
    initial_options = [options[1]]
    if e and e.llm_consent:
        initial_options.insert(0, options[0])
    blocks = [
        input_block(ids.BLOCK_SETUP_NAME, "Client name", name_element,
                    hint="Shown in digests; its short name is derived from it."),
        input_block(ids.BLOCK_SETUP_TIER, "Retainer tier", {
            "type": "static_select", "action_id": ids.ACTION_SETUP_TIER, "options": tier_options,
            "initial_option": next(o for o in tier_options if o["value"] == tier_value)}),
        input_block(ids.BLOCK_SETUP_HOURS, "Hours band (custom tier, or to override the tier's)", hours_element,
               optional=True),
        input_block(ids.BLOCK_SETUP_START, "Engagement start date", {
            "type": "datepicker", "action_id": ids.ACTION_SETUP_START,
            "initial_date": (e.start_date if e else today).isoformat()}),
        input_block(ids.BLOCK_SETUP_TIMEZONE, "Client time zone", {
            "type": "plain_text_input", "action_id": ids.ACTION_SETUP_TIMEZONE,
            "initial_value": e.timezone if e else "Europe/London"},
            hint="An IANA name, e.g. Europe/London or America/New_York."),
        input_block(ids.BLOCK_SETUP_DIGEST_DAY, "Weekly digest day", {
            "type": "static_select", "action_id": ids.ACTION_SETUP_DIGEST_DAY, "options": day_options,
            "initial_option": next(o for o in day_options if o["value"] == day_value)}),
        input_block(ids.BLOCK_SETUP_DIGEST_TIME, "Weekly digest time (client's time zone)", {
            "type": "timepicker", "action_id": ids.ACTION_SETUP_DIGEST_TIME,
            "initial_time": (e.digest_time.strftime("%H:%M") if e else "16:00")}),
        input_block(ids.BLOCK_SETUP_CTOS, "CTO users (may log time and change settings)", {
            "type": "multi_users_select", "action_id": ids.ACTION_SETUP_CTOS,
            "initial_users": list(e.cto_user_ids) if e else [user_id]}),
        input_block(ids.BLOCK_SETUP_FOUNDERS, "Founders", {
            "type": "multi_users_select", "action_id": ids.ACTION_SETUP_FOUNDERS,
            **({"initial_users": list(e.founder_user_ids)} if e and e.founder_user_ids else {})}, optional=True),
        input_block(ids.BLOCK_SETUP_DECIDERS, "Deciders (may accept and reject decisions)", {
            "type": "multi_users_select", "action_id": ids.ACTION_SETUP_DECIDERS, "max_selected_items": DECIDERS_MAX,
            **({"initial_users": list(e.decider_user_ids)[:DECIDERS_MAX]} if e and e.decider_user_ids else {})},
            optional=True, hint="Leave empty for the founders and the CTOs: you and your leadership team decide."),
        input_block(ids.BLOCK_SETUP_END, "Engagement end date (its last day)", {
            "type": "datepicker", "action_id": ids.ACTION_SETUP_END,
            **({"initial_date": e.end_date.isoformat()} if e and e.end_date else {})}, optional=True,
            hint="Set when notice is given. /cto end gives 30 days' notice; /cto end none removes it."),
        input_block(ids.BLOCK_SETUP_OWNER, "Internal owner (inherits the systems and the handover)", {
            "type": "users_select", "action_id": ids.ACTION_SETUP_OWNER,
            **({"initial_user": e.internal_owner_id} if e and e.internal_owner_id else {})}, optional=True),
        input_block(ids.BLOCK_SETUP_CHECKIN, "Check-in after the handover", {
            "type": "static_select", "action_id": ids.ACTION_SETUP_CHECKIN, "options": checkin_options,
            "initial_option": next(o for o in checkin_options if o["value"] == (e.checkin_cadence if e else "none"))},
            hint="Reminds the CTO and the internal owner of what is still open, after the end date."),
        input_block(ids.BLOCK_SETUP_OPTIONS, "Options", {
            "type": "checkboxes", "action_id": ids.ACTION_SETUP_OPTIONS, "options": options,
            "initial_options": initial_options}, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_ENGAGEMENT_SETUP,
        "private_metadata": json.dumps({"channel_id": channel_id, "team_id": team_id}),
        "title": {"type": "plain_text", "text": "Client engagement"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


SETUP_FIELD_BLOCKS = {
    "name": ids.BLOCK_SETUP_NAME,
    "tier": ids.BLOCK_SETUP_TIER,
    "hours": ids.BLOCK_SETUP_HOURS,
    "target": ids.BLOCK_SETUP_HOURS,
    "start": ids.BLOCK_SETUP_START,
    "timezone": ids.BLOCK_SETUP_TIMEZONE,
    "digest": ids.BLOCK_SETUP_DIGEST_DAY,
    "ctos": ids.BLOCK_SETUP_CTOS,
    "founders": ids.BLOCK_SETUP_FOUNDERS,
    "deciders": ids.BLOCK_SETUP_DECIDERS,
    "end": ids.BLOCK_SETUP_END,
    "owner": ids.BLOCK_SETUP_OWNER,
    "checkin": ids.BLOCK_SETUP_CHECKIN,
}


def month_line(summary: MonthSummary, engagement: Engagement) -> str:
    """`Month to date: 12h 30m of 20–25 h · on pace for about 22–24 h (within the band) · executor share 10 %`."""
    band = formatting.band(summary.band.floor_minutes, summary.band.top_minutes)
    notes = summary.band.notes()
    line = (f"Month to date: *{formatting.duration(summary.minutes)}* of {band}"
            + (f" ({'; '.join(notes)})" if notes else "") + f" · {summary.pace_text()}"
            + (f" ({summary.pace_word} the band)" if summary.pace_word and not summary.complete else ""))
    share = summary.executor_share
    if share is not None:
        line += f" · executor share {round(share * 100)} %"
    return line
