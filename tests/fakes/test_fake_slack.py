"""The fake Slack Web API, driven by the real slack_sdk WebClient, and the signed-request sender."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import SocketModeServer
from tests.helpers.servers import serve_in_thread, stop_server
from tests.helpers.slack_requests import SlackSender, sign, view_state

SECRET = "fake-test-secret"
pytest_plugins = ["pytester"]  # to prove that a test whose app sent an invalid payload fails


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_auth_test_describes_the_workspace(fake, client):
    response = client.auth_test()
    assert response["team_id"] == "T_TEST" and response["team"] == "Test Workspace"
    assert (response["user_id"], response["bot_id"]) == ("U_BOT", "B_BOT")
    assert response["url"] == "https://test.slack.com/" and response["is_enterprise_install"] is False
    [call] = fake.calls
    assert (call.method, call.token) == ("auth.test", "xoxb-test")
    assert call.headers["Authorization"] == "Bearer xoxb-test"


def test_unknown_tokens_and_methods_are_refused(fake, client):
    fake.valid_tokens = {"xoxb-other"}
    with pytest.raises(SlackApiError) as error:
        client.auth_test()
    assert error.value.response["error"] == "invalid_auth"
    assert WebClient(token="xoxb-other", base_url=fake.url).auth_test()["ok"]
    with pytest.raises(SlackApiError) as error:
        WebClient(token="xoxb-other", base_url=fake.url).api_call("no.such.method")
    assert error.value.response.status_code == 200 and error.value.response["error"] == "unknown_method"


def test_post_message_is_stored_and_replies_paginate(fake, client):
    fake.add_user("U2")
    parent = fake.add_message("C1", "Should we use Postgres?", user="U2")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*yes*"}}]
    posted = client.chat_postMessage(channel="C1", text="yes", blocks=blocks, thread_ts=parent)
    assert posted["channel"] == "C1" and posted["message"]["blocks"] == blocks
    assert float(posted["ts"]) > float(parent)
    for n in range(4):
        client.chat_postMessage(channel="C1", text=f"reply {n}", thread_ts=parent)
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == blocks

    first = client.conversations_replies(channel="C1", ts=parent, limit=2)
    assert [m["text"] for m in first["messages"]] == ["Should we use Postgres?", "yes"]
    assert first["has_more"] is True and first["response_metadata"]["next_cursor"]
    assert first["messages"][0]["reply_count"] == 5 and first["messages"][0]["thread_ts"] == parent
    # A SlackResponse iterates by fetching the next page into itself: copy each page's data as it comes.
    pages = [dict(page.data) for page in client.conversations_replies(channel="C1", ts=parent, limit=2)]
    assert [[m["text"] for m in page["messages"]] for page in pages] == [
        ["Should we use Postgres?", "yes"], ["reply 0", "reply 1"], ["reply 2", "reply 3"]]
    assert pages[-1]["has_more"] is False and pages[-1]["response_metadata"]["next_cursor"] == ""
    assert [m["text"] for m in fake.thread("C1", parent)][-1] == "reply 3"
    history = client.conversations_history(channel="C1")["messages"]
    assert [m["ts"] for m in history] == [parent]
    ts = [m["ts"] for m in fake.messages("C1")]
    assert ts == sorted(ts, key=float) and len(set(ts)) == 6

    with pytest.raises(SlackApiError, match="thread_not_found|message_not_found"):
        client.conversations_replies(channel="C1", ts="1.000001")


def test_update_delete_ephemeral_permalink(fake, client):
    ts = client.chat_postMessage(channel="C1", text="draft")["ts"]
    assert client.chat_update(channel="C1", ts=ts, text="final")["message"]["text"] == "final"
    link = client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"]
    assert link == f"https://test.slack.com/archives/C1/p{ts.replace('.', '')}"
    client.chat_postEphemeral(channel="C1", user="U2", text="only you")
    assert fake.ephemerals[0]["user"] == "U2" and fake.ephemerals[0]["text"] == "only you"
    assert fake.messages("C1")[0]["text"] == "final"
    client.chat_delete(channel="C1", ts=ts)
    assert fake.messages("C1") == []
    other = fake.add_message("C1", "someone else's", user="U2")
    with pytest.raises(SlackApiError, match="cant_update_message"):
        client.chat_update(channel="C1", ts=other, text="x")


def test_users_info_gives_the_time_zone_offset(fake, client):
    fake.add_user("U7", name="dana", real_name="Dana Scully", tz="America/New_York")
    user = client.users_info(user="U7")["user"]
    assert user["profile"]["first_name"] == "Dana" and user["profile"]["last_name"] == "Scully"
    assert user["tz"] == "America/New_York" and user["is_bot"] is False
    expected = datetime.now(ZoneInfo("America/New_York")).utcoffset().total_seconds()
    assert user["tz_offset"] == expected and user["tz_offset"] in (-18000, -14400)
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U404")


def test_conversations_members_open_and_info(fake, client):
    fake.set_members("C1", [f"U{n}" for n in range(5)])
    members = [m for page in client.conversations_members(channel="C1", limit=2) for m in page["members"]]
    assert members == ["U0", "U1", "U2", "U3", "U4"]
    assert client.conversations_open(users="U3")["channel"]["id"] == "DU3"
    client.chat_postMessage(channel="U3", text="budget alert")
    assert fake.messages("DU3")[0]["text"] == "budget alert"
    fake.add_channel("C2", "acme", is_ext_shared=True)
    info = client.conversations_info(channel="C2")["channel"]
    assert (info["name"], info["is_ext_shared"], info["is_member"]) == ("acme", True, True)


def test_views_open_update_publish(fake, client):
    divider = [{"type": "divider"}]
    view = {"type": "modal", "callback_id": "setup", "title": {"type": "plain_text", "text": "Setup"},
            "blocks": divider}
    opened = client.views_open(trigger_id="trig", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "setup"
    updated = client.views_update(view_id=opened["id"], view={**view, "callback_id": "setup2"})["view"]
    assert updated["id"] == opened["id"] and fake.views[opened["id"]]["callback_id"] == "setup2"
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V404", view=view)
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": divider})["view"]
    assert fake.home_views["U1"]["id"] == home["id"] and home["type"] == "home"
    assert fake.wait_for("views.publish")[0].args["user_id"] == "U1"


def test_rate_limit_is_retried_by_the_retry_handler(fake):
    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[RateLimitErrorRetryHandler()])
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 2 and len(fake.messages("C1")) == 1


def test_a_rate_limit_for_one_channel_lets_the_others_through(fake, client):
    fake.rate_limit("chat.postMessage", times=1, retry_after=30, channel="C1")
    assert client.chat_postMessage(channel="C2", text="hi")["ok"]
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C1", text="hi")
    assert error.value.response.status_code == 429 and error.value.response.headers["Retry-After"] == "30"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]  # `times` used up
    assert [len(fake.messages(c)) for c in ("C1", "C2")] == [1, 1]


def test_rate_limit_without_a_retry_handler_is_an_error(fake, client):
    fake.rate_limit("chat.postMessage", times=1, retry_after=7)
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C1", text="hi")
    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "7"
    assert error.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]


def test_fail_answers_a_server_error_then_recovers(fake, client):
    fake.fail("users.info", times=1, status=503)
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U_BOT")
    assert error.value.response.status_code == 503 and "oops" in error.value.response["error"]
    assert client.users_info(user="U_BOT")["ok"]
    fake.fail("*", body={"ok": False, "error": "not_in_channel"}, status=200)
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.chat_postMessage(channel="C1", text="x")


def test_files_upload_v2_stores_the_bytes_and_shares_them(fake, client):
    data = b"date,hours\n2026-11-02,1.5\n"
    response = client.files_upload_v2(channel="C1", content=data, filename="acme-2026-10.csv",
                                      title="October", initial_comment="Statement")
    assert response["file"]["title"] == "October"
    [upload] = fake.uploads
    assert (upload["data"], upload["filename"], upload["channel_id"]) == (data, "acme-2026-10.csv", "C1")
    assert [c.method for c in fake.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    [message] = fake.messages("C1")
    assert message["text"] == "Statement" and message["files"][0]["id"] == upload["file_id"]


def test_slow_delays_one_method_but_not_a_concurrent_call(fake, client):
    fake.slow("users.info", 1.0)
    done: dict[str, float] = {}
    started = time.monotonic()
    worker = threading.Thread(target=lambda: (client.users_info(user="U_BOT"),
                                              done.setdefault("slow", time.monotonic() - started)))
    worker.start()
    fake.wait_for("users.info")
    client.auth_test()
    done["fast"] = time.monotonic() - started
    worker.join(5)
    assert done["fast"] < 0.8 <= 1.0 <= done["slow"]


def test_wait_for_times_out_with_what_was_received(fake, client):
    client.auth_test()
    with pytest.raises(AssertionError, match=r"chat.postMessage.*got 0.*auth.test"):
        fake.wait_for("chat.postMessage", timeout=0.2)
    fake.reset()
    assert fake.calls == []


def test_response_url_posts_are_recorded(fake):
    WebhookClient(fake.response_url("cmd")).send(text="done", response_type="ephemeral")
    [response] = fake.wait_for_response()
    assert response["name"] == "cmd" and response["json"]["text"] == "done"


def test_oauth_v2_access_installs_a_workspace(fake):
    fake.oauth_codes["code-1"] = {"team": {"id": "T2", "name": "Globex"}}
    client = WebClient(base_url=fake.url)
    install = client.oauth_v2_access(client_id="111.222", client_secret="s3cret", code="code-1")
    assert install["team"]["id"] == "T2" and install["token_type"] == "bot"
    assert install["access_token"].startswith("xoxb-") and install["bot_user_id"] == "U_BOT"
    assert fake.calls[0].args["client_id"] == "111.222" and fake.calls[0].args["code"] == "code-1"
    auth = WebClient(token=install["access_token"], base_url=fake.url).auth_test()
    assert auth["team_id"] == "T2" and auth["bot_id"] == "B_T2"
    with pytest.raises(SlackApiError, match="invalid_code"):
        client.oauth_v2_access(client_id="111.222", client_secret="s3cret", code="code-1")


def test_apps_connections_open_hands_out_single_use_urls_for_an_app_token(fake):
    app_client = WebClient(base_url=fake.url)
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        app_client.apps_connections_open(app_token="xapp-1-A-1-x")
    with SocketModeServer() as server:
        fake.socket_mode = server
        first = app_client.apps_connections_open(app_token="xapp-1-A-1-x")["url"]
        second = app_client.apps_connections_open(app_token="xapp-1-A-1-x")["url"]
        assert first.startswith(f"ws://127.0.0.1:{server.port}/link/?ticket=") and first != second
        with pytest.raises(SlackApiError, match="not_allowed_token_type"):
            app_client.apps_connections_open(app_token="xoxb-test")
        fake.valid_app_tokens = {"xapp-1-A-1-good"}
        with pytest.raises(SlackApiError, match="invalid_auth"):
            app_client.apps_connections_open(app_token="xapp-1-A-1-x")


def test_socket_mode_tickets_open_one_connection_once():
    with SocketModeServer() as server:
        url = server.open_url()
        with connect(url) as ws:
            assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        with pytest.raises(InvalidStatus, match="401"):
            connect(url)
        with pytest.raises(InvalidStatus, match="401"):
            connect(url.replace("ticket=", "ticket=x"))
    assert len(server.links) == 1 and len(server.problems) == 2


def test_socket_mode_acks_are_checked_as_slack_would():
    with SocketModeServer() as server, connect(server.open_url()) as ws:
        ws.recv(timeout=5)
        command = server.send("slash_commands", {"command": "/cto", "text": "help"})
        event = server.send("events_api", {"type": "event_callback", "event": {"type": "message"}})
        assert json.loads(ws.recv(timeout=5))["accepts_response_payload"] is True
        delivered = json.loads(ws.recv(timeout=5))
        assert (delivered["accepts_response_payload"], delivered["retry_attempt"]) == (False, 0)
        ws.send(json.dumps({"envelope_id": command, "payload": {"text": "hi"}}))
        assert server.wait_for_ack(command).response_payload == {"text": "hi"}
        ws.send(json.dumps({"envelope_id": event, "payload": {"text": "lost"}}))
        ws.send(json.dumps({"envelope_id": event}))
        ws.send(json.dumps({"envelope_id": "nope"}))
        ws.send("not json")
        server.wait_for_ack(event)
        deadline = time.monotonic() + 5
        while len(server.problems) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert ["does not accept" in p for p in server.problems] == [True, False, False, False]
    assert "second ack" in server.problems[1] and "unknown envelope" in server.problems[2]


# ---------------------------------------------------------------------- the sender


def test_sign_matches_slack_sdk_signature_verifier():
    body = b"token=x&team_id=T_TEST&command=%2Fcto&text=help"
    now = int(time.time())
    headers = sign(SECRET, body, now)
    verifier = SignatureVerifier(SECRET)
    assert headers["X-Slack-Request-Timestamp"] == str(now)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(body, str(now), headers["X-Slack-Signature"])


class _Refuse(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"error": "invalid signature"}'
        self.send_response(401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_sender_returns_non_2xx_responses():
    server = HTTPServer(("127.0.0.1", 0), _Refuse)
    thread = serve_in_thread(server, "refuse")
    try:
        sender = SlackSender(f"http://127.0.0.1:{server.server_address[1]}", SECRET)
        response = sender.post(b"{}", "application/json", signature="v0=bad")
        assert response.status == 401 and response.json() == {"error": "invalid signature"}
    finally:
        stop_server(server, thread)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[tuple[SlackSender, list[dict[str, Any]]]]:
    """A Bolt app behind a real HTTP server: it verifies signatures and parses payloads as in production."""
    seen: list[dict[str, Any]] = []
    app = App(signing_secret=SECRET, client=WebClient(token="xoxb-test", base_url=fake.url),
              token_verification_enabled=False, process_before_response=True)

    @app.command("/cto")
    def cto(ack, body, respond):
        ack(f"got {body['text']}")
        respond("later")
        seen.append(body)

    @app.event("app_mention")
    def mention(body, event, say):
        say(text="hi", thread_ts=event["ts"])
        seen.append(body)

    @app.view("setup")
    def submitted(ack, body, view):
        ack()
        seen.append(body)

    @app.action("approve")
    def approve(ack, body, respond):
        ack()
        respond("approved")
        seen.append(body)

    @app.shortcut("track_question")
    def track(ack, body):
        ack()
        seen.append(body)

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), server_class=_ThreadingWSGIServer,
                         handler_class=_Quiet)
    thread = serve_in_thread(server, "bolt")
    yield SlackSender(f"http://127.0.0.1:{server.server_address[1]}", SECRET, fake=fake), seen
    stop_server(server, thread)


def test_bolt_accepts_what_the_sender_sends(fake, bolt):
    sender, seen = bolt
    assert sender.url_verification("abc").json() == {"challenge": "abc"}

    response = sender.command("/cto", "status", user_id="U9", channel_id="C7")
    assert response.status == 200 and response.text == "got status"
    assert (seen[-1]["user_id"], seen[-1]["channel_id"], seen[-1]["team_id"]) == ("U9", "C7", "T_TEST")
    assert fake.wait_for_response()[-1]["json"]["text"] == "later"

    assert sender.event({"type": "app_mention", "user": "U2", "channel": "C1", "text": "<@U_BOT> hi",
                         "ts": "1763800000.000100"}, retry_num=1).status == 200
    assert seen[-1]["event"]["text"] == "<@U_BOT> hi"
    [post] = fake.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1763800000.000100"

    state = view_state({"name": {"name_input": "Acme"}})
    assert sender.view_submission({"callback_id": "setup", "state": state}).status == 200
    assert seen[-1]["view"]["state"]["values"]["name"]["name_input"]["value"] == "Acme"

    assert sender.block_action({"action_id": "approve", "value": "7"}).status == 200
    assert seen[-1]["actions"][0]["value"] == "7"
    assert fake.wait_for_response(2)[-1]["json"]["text"] == "approved"

    message = {"ts": "1763800000.000200", "text": "How do we deploy?", "user": "U5"}
    assert sender.message_shortcut("track_question", message).status == 200
    assert seen[-1]["message"]["text"] == "How do we deploy?" and seen[-1]["channel"]["id"] == "C1"

    assert sender.command("/unknown").status == 404
    assert sender.post(b"command=%2Fcto&text=x", "application/x-www-form-urlencoded",
                       signature="v0=" + "0" * 64).status == 401
    stale = sender.post(b"command=%2Fcto&text=x", "application/x-www-form-urlencoded",
                        timestamp=int(time.time()) - 600)
    assert stale.status == 401
    assert json.loads(json.dumps(seen))  # every payload was plain JSON


# ---------------------------------------------------------------- payloads real Slack refuses

def _section(text: str, **fields: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **fields}


def _button(action_id: str, text: str = "Go", **fields: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, **fields}


def _option(text: str, value: str = "v") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _modal(*blocks: dict[str, Any], title: str = "Client engagement", **fields: Any) -> dict[str, Any]:
    return {"type": "modal", "callback_id": "setup", "title": {"type": "plain_text", "text": title},
            "submit": {"type": "plain_text", "text": "Save"}, "blocks": list(blocks), **fields}


def _checkboxes(*options: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": "opts", "optional": True, "label": {"type": "plain_text", "text": "Options"},
            "element": {"type": "checkboxes", "action_id": "options", "options": list(options)}}


def _refused(call) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as error:
        call()
    return error.value.response.data


def test_a_76_character_option_is_refused_and_75_taken(fake, client):
    refused = _refused(lambda: client.views_open(trigger_id="t", view=_modal(_checkboxes(_option("x" * 76)))))
    assert refused["error"] == "invalid_arguments"
    assert any("/view/blocks/0/element/options/0/text/text" in m for m in refused["response_metadata"]["messages"])
    assert fake.views == {} and [v.where for v in fake.violations] == ["views.open"]
    fake.violations.clear()
    assert client.views_open(trigger_id="t", view=_modal(_checkboxes(_option("x" * 75))))["ok"]
    assert fake.violations == []


def test_a_76_character_option_in_a_select_is_refused_though_slack_sdk_lets_it_pass(fake, client):
    select = {"type": "static_select", "action_id": "tier", "options": [_option("x" * 76)]}
    blocks = [_section("x", accessory=select)]
    refused = _refused(lambda: client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert refused["error"] == "invalid_blocks"
    assert refused["response_metadata"]["messages"] == refused["errors"]
    assert any("/blocks/0/accessory/options/0/text/text" in m for m in refused["errors"])
    assert fake.messages("C1") == [] and fake.violations


def test_51_blocks_are_refused_in_a_message_and_101_in_a_view(fake, client):
    blocks = [_section(f"line {n}") for n in range(51)]
    refused = _refused(lambda: client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert refused["error"] == "invalid_blocks" and "no more than 50 items" in refused["errors"][0]
    assert fake.messages("C1") == []
    assert client.chat_postMessage(channel="C1", text="t", blocks=blocks[:50])["ok"]
    assert _refused(lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks * 2}))
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks + blocks[:49]})["ok"]
    assert [v.where for v in fake.violations] == ["chat.postMessage", "views.publish"]


def test_duplicate_action_ids_in_a_block_and_duplicate_block_ids_are_refused(fake, client):
    twice = [{"type": "actions", "block_id": "b", "elements": [_button("delete"), _button("delete")]}]
    refused = _refused(lambda: client.chat_postMessage(channel="C1", text="t", blocks=twice))
    assert any("duplicate action_id 'delete'" in m for m in refused["errors"])
    same_block = [_section("a", block_id="x"), _section("b", block_id="x")]
    refused = _refused(lambda: client.chat_update(channel="C1", ts=fake.add_message("C1", "m", user="U_BOT"),
                                                  text="t", blocks=same_block))
    assert any("duplicate block_id 'x'" in m for m in refused["errors"])
    refused = _refused(lambda: client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=twice))
    assert refused["error"] == "invalid_blocks" and fake.ephemerals == []
    assert len(fake.violations) == 3


@pytest.mark.parametrize(("what", "view", "pointer"), [
    ("title over 24", _modal(_section("x"), title="x" * 25), "/view"),
    ("submit over 24", _modal(_section("x"), submit={"type": "plain_text", "text": "x" * 25}), "/view/submit/text"),
    ("inputs without submit", {**_modal(_checkboxes(_option("a"))), "submit": None}, "/view/submit"),
    ("private_metadata over 3000", _modal(_section("x"), private_metadata="m" * 3001), "/view"),
    ("callback_id over 255", _modal(_section("x"), callback_id="c" * 256), "/view"),
    ("section over 3000", _modal(_section("x" * 3001)), "/view/blocks/0/text/text"),
    ("empty section text", _modal(_section("")), "/view/blocks/0/text/text"),
    ("header over 150", _modal({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}),
     "/view/blocks/0"),
    ("mrkdwn header", _modal({"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}),
     "/view/blocks/0/text/type"),
    ("11 context elements", _modal({"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}),
     "/view/blocks/0"),
    ("26 actions", _modal({"type": "actions", "elements": [_button(f"a{n}") for n in range(26)]}),
     "/view/blocks/0"),
    ("button text over 75", _modal({"type": "actions", "elements": [_button("a", "b" * 76)]}),
     "/view/blocks/0/elements/0/text/text"),
    ("button value over 2000", _modal({"type": "actions", "elements": [_button("a", value="v" * 2001)]}),
     "/view/blocks/0/elements/0/value"),
    ("action_id over 255", _modal({"type": "actions", "elements": [_button("a" * 256)]}),
     "/view/blocks/0/elements/0/action_id"),
    ("block_id over 255", _modal(_section("x", block_id="b" * 256)), "/view/blocks/0"),
    ("option value over 150", _modal(_checkboxes(_option("a", "v" * 151))), "/view/blocks/0/element/options/0/value"),
    ("initial option not offered", _modal({**_checkboxes(_option("a")), "element": {
        **_checkboxes(_option("a"))["element"], "initial_options": [_option("b")]}}),
     "/view/blocks/0/element/initial_options/0"),
    ("unknown block type", _modal({"type": "sectoin", "text": {"type": "mrkdwn", "text": "x"}}), "/view/blocks/0"),
])
def test_a_view_breaking_a_documented_limit_is_refused(fake, client, what, view, pointer):
    refused = _refused(lambda: client.views_open(trigger_id="t", view=view))
    assert refused["error"] == "invalid_arguments", what
    assert any(f"[json-pointer:{pointer}]" in m for m in refused["response_metadata"]["messages"]), \
        (what, refused["response_metadata"]["messages"])
    assert fake.views == {} and len(fake.violations) == 1


def test_text_over_40000_characters_is_refused(fake, client):
    assert _refused(lambda: client.chat_postMessage(channel="C1", text="x" * 40_001))["error"] == "msg_too_long"
    assert client.chat_postMessage(channel="C1", text="x" * 40_000)["ok"]


def test_a_valid_message_and_the_apps_own_setup_modal_are_accepted(fake, client):
    from datetime import date

    from bot.slack.blocks import setup_modal

    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest"}},
        _section("*Acme* · 12 h of 20–25 h", fields=[{"type": "mrkdwn", "text": "*Questions*\n3"}],
                 accessory=_button("open", "Open", url="https://example.com", style="primary")),
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "ctobot"}]},
        {"type": "actions", "block_id": "decision_card_1", "elements": [
            _button("accept", "Accept", value="1", style="primary",
                    confirm={"title": {"type": "plain_text", "text": "Sure?"},
                             "text": {"type": "mrkdwn", "text": "Accept *ADR-0001*?"},
                             "confirm": {"type": "plain_text", "text": "Accept"},
                             "deny": {"type": "plain_text", "text": "Cancel"}}),
            _button("reject", "Reject", value="1", style="danger")]},
        {"type": "actions", "block_id": "decision_card_2", "elements": [_button("accept", "Accept", value="2")]},
    ]
    assert client.chat_postMessage(channel="C1", text="Weekly digest", blocks=blocks)["ok"]
    modal = setup_modal(channel_id="C1", team_id="T_TEST", user_id="U1", engagement=None, today=date(2026, 11, 2))
    assert client.views_open(trigger_id="t", view=modal)["ok"]
    assert fake.violations == []


def test_response_urls_refuse_invalid_blocks(fake):
    hook = WebhookClient(fake.response_url("r1"))
    assert hook.send(text="ok", blocks=[_section("fine")]).status_code == 200
    refused = hook.send(text="t", blocks=[_section("x")] * 51)
    assert (refused.status_code, refused.body) == (400, "invalid_blocks")
    assert [v.where for v in fake.violations] == ["response_url"]


def test_the_sender_checks_what_the_app_answers(fake, bolt):
    sender, _ = bolt
    response = sender.command("/cto", "status")
    assert response.status == 200 and fake.violations == []  # a plain-text answer
    sender.check_answer(_json_response({"text": "t", "blocks": [_section("x")] * 51}), "ack:/cto")
    sender.check_answer(_json_response({"response_action": "update", "view": _modal(title="x" * 25)}),
                        "ack:view_submission", view=True)
    sender.check_answer(_json_response({"response_action": "errors", "errors": {"name": ""}}),
                        "ack:view_submission", view=True)
    sender.check_answer(_json_response({"response_action": "errors", "errors": {"name": "Too long"}}),
                        "ack:view_submission", view=True)
    assert [v.where for v in fake.violations] == ["ack:/cto", "ack:view_submission", "ack:view_submission"]


def _json_response(payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    from tests.helpers.slack_requests import Response

    return Response(200, {"content-type": "application/json"}, json.dumps(payload).encode())


def test_a_test_during_which_the_app_sent_an_invalid_payload_fails(pytester):
    pytester.makeconftest("from tests.conftest import fake_slack, pytest_configure  # noqa: F401\n")
    pytester.makepyfile(test_sample='''
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51


def post(fake):  # an app that logs Slack's refusal and carries on, as ctobot's listeners do
    try:
        WebClient(token="xoxb-t", base_url=fake.url).chat_postMessage(channel="C1", text="t", blocks=BLOCKS)
    except SlackApiError:
        pass


def test_careless(fake_slack):
    post(fake_slack)


@pytest.mark.slack_refuses
def test_on_purpose(fake_slack):
    post(fake_slack)
''')
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_careless*",
                                 "*chat.postMessage: [[]ERROR[]] no more than 50 items allowed*"])
