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

from tests.fakes.slack_api import FakeSlack
from tests.helpers.slack_requests import SlackSender, sign, view_state

SECRET = "fake-test-secret"


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
    view = {"type": "modal", "callback_id": "setup", "title": {"type": "plain_text", "text": "Setup"},
            "blocks": []}
    opened = client.views_open(trigger_id="trig", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "setup"
    updated = client.views_update(view_id=opened["id"], view={**view, "callback_id": "setup2"})["view"]
    assert updated["id"] == opened["id"] and fake.views[opened["id"]]["callback_id"] == "setup2"
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V404", view=view)
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
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


def test_apps_connections_open_needs_configuring(fake):
    app_client = WebClient(token="xapp-1-A-1-x", base_url=fake.url)
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        app_client.apps_connections_open(app_token="xapp-1-A-1-x")
    fake.socket_mode_url = "ws://127.0.0.1:9/link"
    assert app_client.apps_connections_open(app_token="xapp-1-A-1-x")["url"] == "ws://127.0.0.1:9/link"


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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sender = SlackSender(f"http://127.0.0.1:{server.server_address[1]}", SECRET)
        response = sender.post(b"{}", "application/json", signature="v0=bad")
        assert response.status == 401 and response.json() == {"error": "invalid signature"}
    finally:
        server.shutdown()
        server.server_close()


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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SlackSender(f"http://127.0.0.1:{server.server_address[1]}", SECRET, fake=fake), seen
    server.shutdown()
    server.server_close()


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
