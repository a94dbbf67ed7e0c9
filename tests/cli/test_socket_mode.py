"""`ctobot run` with SLACK_APP_TOKEN: Bolt's real Socket Mode client, in its own process, against the loopback
stand-in of Slack's Socket Mode endpoint (tests/fakes/socket_mode.py) and the fake Web API."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from bot.models import Question, TimeEntry
from bot.slack import ids
from tests.cli.test_cli import clean_env
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.socket_mode import SocketModeServer
from tests.helpers.factories import add_engagement
from tests.helpers.slack_requests import SlackSender
from tests.helpers.waiting import eventually

APP_TOKEN = "xapp-1-A_TEST-1234567890-0123456789abcdef0123456789abcdef"
ASKED = "1763805600.000100"


@pytest.fixture
def socket_mode(fake_slack) -> Iterator[SocketModeServer]:  # type: ignore[no-untyped-def]
    with SocketModeServer() as server:
        fake_slack.socket_mode = server
        fake_slack.valid_app_tokens = {APP_TOKEN}
        fake_slack.add_user("U1", name="cto")
        fake_slack.add_user("U2", name="founder")
        yield server


def start_run(tmp_path, fake_slack, database_url: str, **env: str) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    values = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": fake_slack.url,
              "DATABASE_URL": database_url, "LOG_LEVEL": "DEBUG", **env}
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=clean_env(**values),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError("ctobot run did not stop within 30s of SIGTERM:\n" + output[-3000:]) from None
    return output


def stored(session_factory, model: type, record_id: int) -> Any:  # type: ignore[no-untyped-def]
    with session_factory() as session:
        return session.get(model, record_id)


def button(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """The block id and the element of the button `action_id` in `blocks`."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    raise AssertionError(f"no {action_id} button in {blocks}")


def test_run_in_socket_mode_round_trips_commands_events_and_clicks_across_a_refresh(
        tmp_path, fake_slack, socket_mode, database_url, session_factory):
    add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), founder_user_ids=["U2"])
    slack = SlackSender("", SIGNING_SECRET, fake=fake_slack)  # builds the payloads; the envelopes carry them
    process = start_run(tmp_path, fake_slack, database_url)
    try:
        first = socket_mode.wait_for_links(1, timeout=30)[0]
        assert [c.token for c in fake_slack.calls_to("apps.connections.open")] == [APP_TOKEN]

        # A slash command: acked on the same envelope with the confirmation, the entry committed before that.
        logged = socket_mode.round_trip("slash_commands", dict(slack.command_fields("/logtime", "1h review")))
        assert logged.link is first and "Logged 1h of review" in logged.response_payload["text"]
        with session_factory() as session:
            [entry] = session.exec(select(TimeEntry)).all()
        assert (entry.minutes, entry.category, entry.user_id, entry.deleted_at) == (60, "review", "U1", None)

        # An event: a founder's question is recorded before the ack; its permalink is fetched afterwards.
        asked = slack.event_callback({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2",
                                      "text": "Should we move the queue to Kafka?", "ts": ASKED})
        event = socket_mode.round_trip("events_api", asked)
        assert event.ack == {"envelope_id": event.envelope_id}
        with session_factory() as session:
            [question] = session.exec(select(Question)).all()
        assert (question.asker_user_id, question.text, question.status) == (
            "U2", "Should we move the queue to Kafka?", "open")
        assert eventually(lambda: stored(session_factory, Question, question.id).permalink)

        # A click on the Undo button that the command's ack carried.
        block_id, undo = button(logged.response_payload["blocks"], ids.ACTION_LOGTIME_UNDO)
        click = slack.block_actions_payload(
            {"action_id": undo["action_id"], "value": undo["value"], "block_id": block_id},
            container={"type": "message", "message_ts": slack._ts(), "channel_id": "C1", "is_ephemeral": True})
        clicked = socket_mode.round_trip("interactive", click)
        assert clicked.ack == {"envelope_id": clicked.envelope_id}
        [reply] = fake_slack.wait_for_response()
        assert "Undone: 1h of review" in reply["json"]["text"] and reply["json"]["replace_original"] is True
        assert eventually(lambda: stored(session_factory, TimeEntry, entry.id).deleted_at)

        # Slack asks for a refresh: the app opens a new connection through apps.connections.open and leaves
        # the old one; an envelope sent on the new connection at once is acked within Slack's 3 seconds.
        socket_mode.refresh()
        second = socket_mode.wait_for_links(2)[1]
        assert len(fake_slack.wait_for("apps.connections.open", 2)) == 2
        again = socket_mode.round_trip("slash_commands", dict(slack.command_fields("/logtime", "2h build")))
        assert again.link is second and "Logged 2h of build" in again.response_payload["text"]
        assert socket_mode.problems == []  # no late ack
        socket_mode.wait_closed(first)
        with session_factory() as session:
            live = session.exec(select(TimeEntry).where(TimeEntry.deleted_at.is_(None))).all()  # type: ignore[union-attr]
        assert [(e.minutes, e.category) for e in live] == [(120, "build")]

        # An envelope no listener handles is still acknowledged, so Slack does not redeliver it.
        joined = socket_mode.round_trip("events_api", slack.event_callback(
            {"type": "member_joined_channel", "user": "U3", "channel": "C1", "channel_type": "C", "team": "T_TEST"}))
        assert joined.ack == {"envelope_id": joined.envelope_id}
    finally:
        output = stop(process)

    assert process.returncode == 0, output[-3000:]
    # Not "ctobot running…": CI's database password is "ctobot", and the log filter redacts every secret.
    assert "running in Socket Mode" in output and "ctobot: stopped" in output
    socket_mode.wait_closed(second)  # the app closed its connection on the way out
    assert socket_mode.problems == []
    # Even at DEBUG, neither token nor a connection ticket reaches the log.
    for secret in (APP_TOKEN, BOT_TOKEN, *(link.ticket for link in socket_mode.links)):
        assert secret not in output


def test_run_with_an_app_token_slack_refuses_says_so_and_exits(tmp_path, fake_slack, socket_mode, database_url,
                                                               session_factory):
    wrong = "xapp-1-A_TEST-1234567890-ffffffffffffffffffffffffffffffff"
    process = start_run(tmp_path, fake_slack, database_url, SLACK_APP_TOKEN=wrong, LOG_LEVEL="INFO")
    try:
        process.wait(timeout=30)
    finally:
        output = stop(process)
    assert process.returncode == 2, output[-3000:]
    assert "Slack refused SLACK_APP_TOKEN: apps.connections.open answered 'invalid_auth'" in output
    assert "Traceback" not in output and wrong not in output
    assert socket_mode.links == []
