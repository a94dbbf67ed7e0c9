"""The app manifest declares exactly what the app handles, so a user creates the app in one step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.slack import ids

yaml = pytest.importorskip("yaml")
MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text())


def test_every_command_is_declared():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == set(ids.ALL_COMMANDS)
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["url"].endswith("/slack/events") and command["description"]


def test_every_shortcut_is_declared():
    declared = {s["callback_id"] for s in MANIFEST["features"]["shortcuts"] if s["type"] == "message"}
    assert declared == set(ids.ALL_MESSAGE_SHORTCUTS)


def test_events_and_scopes_match():
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(ids.BOT_EVENTS)
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == set(ids.BOT_SCOPES)
    assert settings["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
