"""No Slack Web API call before an ack: a fresh app, nothing stored about its users, Slack asked only afterwards.

Each ack is timestamped as Bolt's `ack()` is called, and every Web API call as the app's WebClient makes it,
with the thread that makes it; response_url posts are timestamped by the fake Slack as they arrive. Nothing may
call Slack before the request's ack: not what the request runs (Bolt's middleware, our capture, the listener), nor
the work it queues for the background pool (the user's time zone, looked up with users.info, is queued only once
the listener has acked). Only the start-up's identity thread, which no request waits for, is exempt.
"""

from __future__ import annotations

import threading
import time

import pytest
from slack_bolt.context.ack.ack import Ack
from slack_sdk.web.base_client import BaseClient
from sqlmodel import select

from bot.db import transaction
from bot.models import BotIdentity, Person
from bot.runtime import build_runtime
from bot.services import timelog
from bot.services.logtime_parser import LogtimeRequest
from bot.slack import ids
from tests.conftest import SIGNING_SECRET, make_settings
from tests.handlers.commands.test_logtime import NOW, modal
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement
from tests.helpers.slack_requests import SlackSender
from tests.helpers.wsgi_server import WsgiThread


@pytest.fixture(autouse=True)
def chosen_day():
    with clock_at(NOW):
        yield


@pytest.fixture
def acks(monkeypatch) -> list[float]:
    """When each ack() was called (time.time(), as the fake Slack records its calls)."""
    times: list[float] = []
    original = Ack.__call__

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        times.append(time.time())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Ack, "__call__", recording)
    return times


BACKGROUND_THREADS = ("ctobot-identity",)


@pytest.fixture
def api_calls(monkeypatch) -> list[tuple[float, str, str]]:
    """(time, method, thread name) of every Web API call the app makes."""
    calls: list[tuple[float, str, str]] = []
    original = BaseClient.api_call

    def recording(self, api_method, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((time.time(), api_method, threading.current_thread().name))
        return original(self, api_method, *args, **kwargs)

    monkeypatch.setattr(BaseClient, "api_call", recording)
    return calls


@pytest.fixture
def acme(slack_app):
    slack_app.fake.add_user("U1", real_name="Ada Lovelace", tz="America/New_York")
    slack_app.fake.add_user("U2", real_name="Grace Hopper", tz="Europe/Paris")
    return add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))


def slack_after_ack(slack_app, acks: list[float], api_calls: list[tuple[float, str, str]]) -> list[str]:
    """Once background work is done: every Web API method the app called; fails on a call the request made before
    its one ack."""
    slack_app.settle()
    [acked] = acks
    seen = [(at, method, thread) for at, method, thread in api_calls]
    seen += [(response["at"], "response_url", "") for response in slack_app.fake.responses]
    before = [(method, thread) for at, method, thread in seen if at <= acked and not thread.startswith(
        BACKGROUND_THREADS)]
    assert before == [], f"Slack was called before the ack: {before}"
    assert len(slack_app.fake.calls) == len(api_calls)  # every call the fake saw was recorded here
    return [method for _, method, _ in sorted(seen)]


def nobody_stored(slack_app) -> None:
    with slack_app.session_factory() as session:
        assert session.exec(select(Person)).all() == []


def test_logtime_inline(slack_app, acme, acks, api_calls):
    nobody_stored(slack_app)
    response = slack_app.slack.command("/logtime", "1h review", user_id="U1", channel_id="C1")
    assert response.status == 200 and "Logged" in response.json()["text"]
    assert "users.info" in slack_after_ack(slack_app, acks, api_calls)  # the user's zone, asked afterwards, stored
    with slack_app.session_factory() as session:
        assert session.exec(select(Person.timezone)).all() == ["America/New_York"]


def test_logtime_modal_opens_after_the_ack(slack_app, acme, acks, api_calls):
    nobody_stored(slack_app)
    response = slack_app.slack.command("/logtime", "", user_id="U1", channel_id="C1", trigger_id="trig-1")
    assert response.status == 200
    slack_app.fake.wait_for("views.open")  # made by the listener once it has acked
    assert "views.open" in slack_after_ack(slack_app, acks, api_calls)


def test_logtime_modal_submission(slack_app, acme, acks, api_calls):
    nobody_stored(slack_app)
    response = slack_app.slack.view_submission(modal(acme.id), user_id="U1")
    assert response.status == 200
    slack_app.fake.wait_for("chat.postEphemeral")
    assert "chat.postEphemeral" in slack_after_ack(slack_app, acks, api_calls)  # the confirmation


def test_question_message(slack_app, acme, acks, api_calls):
    nobody_stored(slack_app)
    response = slack_app.slack.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2",
                                      "text": "Should we shard the events table?", "ts": "1763560000.000100"})
    assert response.status == 200
    slack_after_ack(slack_app, acks, api_calls)
    with slack_app.session_factory() as session:
        from bot.models import Question

        assert [q.asker_user_id for q in session.exec(select(Question)).all()] == ["U2"]


def test_delete_button(slack_app, acme, acks, api_calls):
    with transaction(slack_app.session_factory) as session:
        logged = timelog.log_time(session, engagement=acme, user_id="U1", today=NOW.date(),
                                  request=LogtimeRequest(minutes=60, category="review", work_date=NOW.date(),
                                                         note=""))
        entry_id = logged.entry.id
    nobody_stored(slack_app)
    response = slack_app.slack.block_action({"action_id": ids.ACTION_LOGTIME_DELETE, "value": str(entry_id)},
                                            user_id="U1")
    assert response.status == 200
    slack_app.fake.wait_for_response()  # the week's list, redrawn without the entry, through the response_url
    assert "response_url" in slack_after_ack(slack_app, acks, api_calls)


def test_a_fresh_app_serves_while_auth_test_is_unanswered_and_stores_the_identity(database_url, engine, fake_slack):
    from tests.helpers.database import empty_all_tables

    empty_all_tables(engine)
    fake_slack.slow("auth.test", 3)
    runtime = build_runtime(make_settings(database_url, fake_slack.url))
    try:
        with WsgiThread(runtime.wsgi) as server:
            sender = SlackSender(server.url, SIGNING_SECRET, fake=fake_slack)
            response = sender.command("/cto", "help", user_id="U1", channel_id="C1")
            assert response.status == 200 and "/logtime" in response.text
            assert runtime.deps.identity.identity is None  # answered without waiting for auth.test
            assert runtime.deps.identity.wait(10)
            assert len(fake_slack.calls_to("auth.test")) == 1  # once, not once per request
    finally:
        runtime.close()
    with engine.connect() as conn:
        [(team, bot_user)] = conn.execute(select(BotIdentity.team_id, BotIdentity.bot_user_id)).all()
    assert (team, bot_user) == ("T_TEST", "U_BOT")
    fake_slack.reset()
    again = build_runtime(make_settings(database_url, fake_slack.url))  # a restart: the stored identity is used
    try:
        assert again.deps.identity.identity is not None and again.deps.identity.identity.bot_id == "B_BOT"
        assert fake_slack.calls_to("auth.test") == []
    finally:
        again.close()
