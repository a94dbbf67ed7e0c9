"""What any HTTP client can send: Slack's handshake, forged or stale requests, junk, and health checks."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
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
    """Rows in every table but bot_identity (the app stores auth.test's answer there at start)."""
    with slack_app.runtime.deps.engine.connect() as conn:
        return sum(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                   for t in SQLModel.metadata.tables if t != "bot_identity")


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
    b'payload={"type":"view_submission"}',
    b'payload={"type":"view_submission","view":{"callback_id":"engagement_setup"}}',
    b'payload={"type":"block_actions","actions":[{}]}',
    b'payload={"type":"message_action","callback_id":"track_question"}',
    "payload=\u00ff\u00fe".encode("latin-1"), b"\xff\xfe\x00garbage",
    b'payload={"type":"","event":null}', b'payload={"type":"x","event":"text"}',  # found by hypothesis
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
                                 lambda inner: st.lists(inner, max_size=3)
                                 | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                                 max_leaves=8), max_size=6).map(lambda d: json.dumps(d).encode()),
), form=st.booleans())
def test_random_signed_payloads_never_get_a_5xx_or_write_a_row(slack_app, body, form):
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    if form and body.startswith(b"{"):
        body = b"payload=" + urllib.request.quote(body).encode()
    response = slack_app.slack.post(body, content_type)
    assert response.status < 500, (body, response.status, response.body)
    assert row_count(slack_app) == 0


# Signed, well-enveloped requests aimed at a linked channel, whose inner fields are junk: Slack never sends
# them, but nothing must break or be recorded if it did.

JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
NOT_A_TS = JUNK.filter(lambda v: not (isinstance(v, str) and v.replace(".", "", 1).isdigit()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["message", "app_mention", "reaction_added"]), ts=NOT_A_TS, user=JUNK, text_=JUNK,
       subtype=st.one_of(st.none(), st.sampled_from(["message_changed", "message_deleted", "thread_broadcast"]), JUNK),
       item=JUNK, message=st.one_of(JUNK, st.fixed_dictionaries({"ts": NOT_A_TS, "user": JUNK, "text": JUNK})))
def test_junk_inside_a_linked_channels_events_never_gets_a_5xx_or_writes_a_row(linked, kind, ts, user, text_,
                                                                                subtype, item, message):
    slack_app, before = linked
    event = {"type": kind, "channel": "C1", "channel_type": "channel", "ts": ts, "user": user, "text": text_,
             "subtype": subtype, "item": item, "message": message, "deleted_ts": ts, "reaction": text_,
             "event_ts": "1763805600.000100"}
    response = slack_app.slack.event(event)
    assert response.status < 500, (event, response.status, response.body)
    slack_app.settle()
    assert row_count(slack_app) == before, event


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["/logtime", "/review", "/cto", "/risk", "/artifact"]),
       words=st.text(max_size=200))
def test_random_command_text_in_a_linked_channel_never_gets_a_5xx(linked, command, words):
    slack_app, _ = linked
    response = slack_app.slack.command(command, words, channel_id="C1", user_id="U2")  # not the CTO
    assert response.status < 500, (command, words, response.status, response.body)


def test_oversized_fields_under_the_body_limit_are_answered_and_stored_bounded(linked):
    slack_app, before = linked
    huge = "Should we " + "really " * 120_000 + "?"  # ~840 kB, under the 1 MB body limit
    assert slack_app.slack.command("/logtime", "1h review " + huge, channel_id="C1", user_id="U2").status == 200
    assert slack_app.slack.command("/review", "https://github.com/a/b/pull/1 " + huge, channel_id="C1").status == 200
    event = {"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2", "text": huge,
             "ts": "1763805600.000100"}
    assert slack_app.slack.event(event).status == 200
    slack_app.settle()
    with slack_app.runtime.deps.engine.connect() as conn:
        lengths = [len(row[0]) for table in ("question", "review_request")
                   for row in conn.execute(text(f"SELECT {'text' if table == 'question' else 'note'} FROM {table}"))]
    assert lengths and max(lengths) <= 1000


@pytest.fixture
def linked(slack_app):
    from tests.helpers.factories import add_engagement

    if row_count(slack_app) == 0:
        add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    return slack_app, row_count(slack_app)


# --- the edge: malformed signature headers, unparseable bodies, words that look like field names -------------

HELP = urlencode({"command": "/cto", "text": "help", "user_id": "U1", "channel_id": "C1",
                  "team_id": "T_TEST"}).encode()


def malformed_headers(body: bytes) -> dict[str, dict[str, str]]:
    """Signature headers that are not the shape Slack sends; each must be 401, never a 5xx."""
    from tests.conftest import SIGNING_SECRET
    from tests.helpers.slack_requests import sign

    now = int(time.time())
    good = sign(SIGNING_SECRET, body, now)
    return {
        "no timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "no signature": {"X-Slack-Request-Timestamp": str(now)},
        "empty timestamp": {**good, "X-Slack-Request-Timestamp": ""},
        "non-numeric timestamp": {**good, "X-Slack-Request-Timestamp": "yesterday"},
        "fractional timestamp": {**good, "X-Slack-Request-Timestamp": f"{now}.5"},
        "400-digit timestamp": {**good, "X-Slack-Request-Timestamp": "9" * 400},
        "negative timestamp": {**good, "X-Slack-Request-Timestamp": f"-{now}"},
        "non-ASCII signature": {**good, "X-Slack-Signature": "v0=" + "\u00e9" * 64},
        "empty signature": {**good, "X-Slack-Signature": ""},
    }


MALFORMED = ["no timestamp", "no signature", "empty timestamp", "non-numeric timestamp", "fractional timestamp",
             "400-digit timestamp", "negative timestamp", "non-ASCII signature", "empty signature"]


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_signature_headers_are_401_without_a_traceback(slack_app, caplog, capfd, case):
    from tests.helpers.slack_requests import FORM, http_post

    headers = malformed_headers(HELP)[case]
    response = http_post(slack_app.url + "/slack/events", HELP, {"Content-Type": FORM, **headers})
    assert response.status == 401, (response.status, response.body)
    assert slack_app.fake.calls == []
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert not [r for r in caplog.records if r.exc_info or r.levelname in ("ERROR", "CRITICAL")]


def test_signed_json_nested_too_deep_to_parse_is_400(slack_app, capfd):
    deep = b"[" * 50_000 + b"]" * 50_000
    envelope = b'{"type": "event_callback", "team_id": "T_TEST", "event": {"type": "message", "x": ' + deep + b"}}"
    assert slack_app.slack.post(deep, "application/json").status == 400
    assert slack_app.slack.post(envelope, "application/json").status == 400
    form = b"payload=" + urllib.request.quote(b'{"type": "block_actions", "actions": ' + deep + b"}").encode()
    assert slack_app.slack.post(form, "application/x-www-form-urlencoded").status == 400
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_app_rate_limited_is_answered_200_and_logged(slack_app, caplog):
    from tests.helpers.slack_requests import VERIFICATION_TOKEN

    caplog.set_level("WARNING", logger="bot.web")
    response = slack_app.slack.post_json({"token": VERIFICATION_TOKEN, "type": "app_rate_limited",
                                          "team_id": "T_TEST", "minute_rate_limited": 1518467820,
                                          "api_app_id": "A_TEST"})
    assert response.status == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.web"]
    assert any("rate limit" in m and "T_TEST" in m and "1518467820" in m for m in logged), logged
    assert VERIFICATION_TOKEN not in " ".join(logged)
    assert row_count(slack_app) == 0


def test_the_word_payload_in_a_command_does_not_lose_it(linked):
    from sqlmodel import select

    from bot.models import Decision, TimeEntry

    slack_app, _ = linked
    logged = slack_app.slack.command("/logtime", "1h review payload service", channel_id="C1", user_id="U1")
    decided = slack_app.slack.command("/decision", "Move payload processing to a queue", channel_id="C1",
                                      user_id="U1")
    assert (logged.status, decided.status) == (200, 200), (logged.body, decided.body)
    slack_app.settle()
    with slack_app.session_factory() as session:
        [entry] = session.exec(select(TimeEntry)).all()
        [decision] = session.exec(select(Decision)).all()
    assert (entry.minutes, entry.category, entry.note) == (60, "review", "payload service")
    assert decision.title == "Move payload processing to a queue"


def test_healthz_is_503_when_the_database_takes_no_writes(slack_app, database_url):
    from sqlalchemy.engine import make_url

    from bot.db import make_engine
    from bot.web import create_wsgi_app
    from tests.conftest import SIGNING_SECRET
    from tests.helpers.wsgi_server import WsgiThread

    if database_url.startswith("sqlite"):  # the file opened read-only, as on a read-only mount
        read_only = make_engine(f"sqlite:///file:{make_url(database_url).database}?mode=ro&uri=true")
    else:  # a PostgreSQL session whose transactions are read-only (e.g. a standby, or a locked-down role)
        read_only = make_engine(database_url, connect_args={"options": "-c default_transaction_read_only=on"})
    try:
        app = create_wsgi_app(slack_app.runtime.app, engine=read_only, signing_secret=SIGNING_SECRET)
        with WsgiThread(app) as server:
            status, body = get(server.url + "/healthz")
        assert (status, json.loads(body)) == (503, {"ok": False, "database": "read-only"})
    finally:
        read_only.dispose()
    assert get(slack_app.url + "/healthz")[0] == 200  # the same database, writable
