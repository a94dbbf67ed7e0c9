"""What any HTTP client can send: Slack's handshake, forged or stale requests, junk, and health checks."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import SQLModel


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def row_count(slack_app) -> int:
    with slack_app.runtime.deps.engine.connect() as conn:
        return sum(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                   for t in SQLModel.metadata.tables)


def test_url_verification_echoes_the_challenge(slack_app):
    response = slack_app.slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status == 200
    assert response.json()["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


def test_wrong_signature_is_refused_with_401(slack_app):
    body = urlencode({"command": "/cto", "text": "help", "user_id": "U1", "channel_id": "C1",
                      "team_id": "T_TEST"}).encode()
    response = slack_app.slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert response.status == 401
    assert slack_app.fake.calls == []


def test_signature_made_with_another_secret_is_refused(slack_app):
    from tests.helpers.slack_requests import SlackSender

    forger = SlackSender(slack_app.url, "not-the-signing-secret", fake=slack_app.fake)
    assert forger.command("/cto", "help").status == 401


def test_request_older_than_five_minutes_is_refused_with_401(slack_app):
    body = urlencode({"command": "/cto", "text": "help", "user_id": "U1", "channel_id": "C1"}).encode()
    response = slack_app.slack.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401


def test_healthz_reports_the_database(slack_app):
    status, body = get(slack_app.url + "/healthz")
    assert status == 200 and json.loads(body) == {"ok": True, "database": "ok"}


def test_unknown_paths_are_404(slack_app):
    assert get(slack_app.url + "/admin")[0] == 404
    assert get(slack_app.url + "/slack/install")[0] == 404  # OAuth is off in single-workspace mode


def test_oversized_body_is_refused_before_it_is_read(slack_app):
    response = slack_app.slack.post(b"x" * 1_100_000, "application/json")
    assert response.status == 413


JUNK_BODIES = [
    b"", b"{", b"null", b"[]", b"{}", b"payload=", b"payload=%7B", b"payload=null", b"payload=[]",
    b'{"type": "event_callback"}', b'{"type": "event_callback", "event": null}',
    b'{"type": "event_callback", "event": {"type": "message"}}', b'{"type": "url_verification"}',
    b"command=%2Fcto", b"command=%2Fcto&text=status", b"command=%2Fnope&text=x",
    b'payload={"type":"view_submission"}', b'payload={"type":"view_submission","view":{"callback_id":"engagement_setup"}}',
    b'payload={"type":"block_actions","actions":[{}]}', b'payload={"type":"message_action","callback_id":"track_question"}',
    "payload=\u00ff\u00fe".encode("latin-1"), b"\xff\xfe\x00garbage",
]


def test_junk_bodies_never_get_a_5xx_or_write_a_row(slack_app):
    for body in JUNK_BODIES:
        for content_type in ("application/json", "application/x-www-form-urlencoded"):
            response = slack_app.slack.post(body, content_type)
            assert response.status < 500, (body, content_type, response.status, response.body)
    slack_app.settle()
    assert row_count(slack_app) == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=300),
    st.dictionaries(st.sampled_from(["type", "event", "command", "text", "payload", "view", "actions", "team_id",
                                     "user_id", "channel_id", "challenge", "callback_id"]),
                    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                                 max_leaves=8), max_size=6).map(lambda d: json.dumps(d).encode()),
), form=st.booleans())
def test_random_signed_payloads_never_get_a_5xx_or_write_a_row(slack_app, body, form):
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    if form and body.startswith(b"{"):
        body = b"payload=" + urllib.request.quote(body).encode()
    response = slack_app.slack.post(body, content_type)
    assert response.status < 500, (body, response.status, response.body)
    assert row_count(slack_app) == 0
