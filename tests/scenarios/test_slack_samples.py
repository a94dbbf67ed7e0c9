"""Slack's own sample payloads (slackapi/java-slack-sdk json-logs/samples), replayed signed through the app.

Every event and app-backend sample is aimed at a linked channel (placeholder team, channel, user, app and ts
values are rewritten to a linked engagement's) and sent as Slack sends it: events as JSON, slash commands
form-encoded, interactivity as a ``payload=`` form. Each must be answered 2xx (Slack counts anything else
as a failure and, for events, retries it and eventually turns the subscription off), and the database must
hold exactly what the sample means: nothing, or for the few samples that do something, exactly that.

The samples are read from ``../shared/slack-samples`` relative to the repository root, or from
$CTOBOT_SLACK_SAMPLES; they are never copied into the repository. Missing samples fail the test in CI
(CI=true) and skip it elsewhere.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.services import artifacts
from bot.slack import ids
from tests.helpers.factories import add_engagement
from tests.helpers.slack_requests import FORM, VERIFICATION_TOKEN

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("CTOBOT_SLACK_SAMPLES") or ROOT.parent / "shared" / "slack-samples")
KINDS = ("events", "app-backend/slash-commands", "app-backend/interactive-components", "app-backend/views",
         "app-backend/dialogs")

TEAM, CHANNEL, FOUNDER, CTO, BOT, APP = "T_TEST", "C0ACME01", "U0FOUNDER", "U0CTO", "U_BOT", "A_TEST"
TS = "1763805600.000100"
QUESTION = "Can we move the payload service to a queue this week?"

TEAM_KEYS = {"team", "team_id", "context_team_id", "user_team", "source_team", "app_installed_team_id",
             "channel_team", "icon_team_id"}
CHANNEL_KEYS = {"channel", "channel_id"}
USER_KEYS = {"user", "user_id", "item_user", "parent_user_id", "inviter"}
APP_KEYS = {"api_app_id", "app_id"}
TS_KEYS = {"ts", "event_ts", "thread_ts", "message_ts", "action_ts", "deleted_ts", "latest_reply"}
ENTERPRISE_KEYS = {"enterprise", "enterprise_id", "enterprise_name", "context_enterprise_id"}
ABSENT_WHEN_EMPTY = {"subtype", "bot_id"}
ID_OWNERS = {"team": TEAM, "channel": CHANNEL, "user": FOUNDER, "app": APP}  # {"<key>": {"id": ""}}


def sample_files() -> list[Path | None]:
    found = sorted(p for kind in KINDS for p in (SAMPLES / kind).glob("*.json"))
    return found or [None]  # None: the samples are missing, and the one test case says so


def _id(path: Path | None) -> str:
    return "missing" if path is None else f"{path.parent.name}/{path.stem}"


def _placeholders(value: Any, key: str | None = None) -> Any:
    """The sample with its "" placeholders replaced by a linked engagement's ids, as Slack would fill them."""
    if isinstance(value, dict):
        if key in ENTERPRISE_KEYS:
            return None  # a workspace that is not on Enterprise Grid, as every engagement's is
        # A "" subtype or bot_id stands for a field Slack leaves out of a person's plain message.
        out = {k: _placeholders(v, k) for k, v in value.items() if not (k in ABSENT_WHEN_EMPTY and v == "")}
        if key in ID_OWNERS and out.get("id") == "":
            out["id"] = ID_OWNERS[key]
        return out
    if isinstance(value, list):
        if key == "authorizations":  # the app's own installation: the bot user of this workspace
            return [{**_placeholders(a), "team_id": TEAM, "user_id": BOT, "is_bot": True} for a in value]
        if key in ("authed_users", "bot"):
            return [BOT for _ in value]
        if key == "authed_teams":
            return [TEAM for _ in value]
        return [_placeholders(v, key if key in ("users", "oauth") else None) for v in value]
    if value != "":
        return value
    if key in ENTERPRISE_KEYS:
        return None
    return (TEAM if key in TEAM_KEYS else CHANNEL if key in CHANNEL_KEYS else FOUNDER if key in USER_KEYS
            else APP if key in APP_KEYS else TS if key in TS_KEYS else VERIFICATION_TOKEN if key == "token"
            else FOUNDER if key in ("users", "oauth") else value)


def snapshot(slack_app) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """Every row of every table."""
    with slack_app.runtime.deps.engine.connect() as conn:
        return {table: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table}"))), key=repr)
                for table in sorted(SQLModel.metadata.tables)}


def changes(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ: table -> (rows before, rows after)."""
    return {t: (len(before[t]), len(after[t])) for t in before if before[t] != after[t]}


@pytest.fixture
def linked(slack_app):  # type: ignore[no-untyped-def]
    add_engagement(slack_app.session_factory, name="acme", channel=CHANNEL, ctos=(CTO,), founder_user_ids=[FOUNDER])
    slack_app.fake.add_user(FOUNDER, name="fran")
    slack_app.fake.add_user(CTO, name="cto")
    return slack_app


Send = Callable[[], Any]


def deliveries(slack_app, path: Path, sample: dict[str, Any], n: int) -> list[tuple[str, Send]]:  # type: ignore[no-untyped-def]
    """What Slack would send for the sample: [(what it is, a function that sends it signed and answers)]."""
    sender = slack_app.slack
    kind = path.parent.name
    if kind == "events":
        body = _placeholders(sample)
        body["event_id"] = f"EvSAMPLE{n:04d}"
        if body["event"].get("type") == "app_rate_limited":
            body = body["event"]  # Slack sends this one bare, not in an event_callback envelope
        else:
            body["type"] = "event_callback"
        return [(str(body["type"]), lambda: sender.post_json(body))]
    if kind == "slash-commands":  # a command named "" is never sent: send the sample as each of ours

        def command(name: str) -> Send:
            def send() -> Any:
                fields = {**_placeholders(sample), "command": name, "trigger_id": sender.trigger_id(),
                          "response_url": slack_app.fake.response_url(f"sample-{name[1:]}")}
                response = sender.post(urlencode(fields).encode(), FORM)
                sender.check_answer(response, f"ack:{name}")  # what the app answers must be valid too
                return response
            return send

        return [(name, command(name)) for name in ids.ALL_COMMANDS]
    payload = _placeholders(sample)
    payload["trigger_id"] = sender.trigger_id()
    if "response_url" in payload:
        payload["response_url"] = slack_app.fake.response_url(f"sample-{n}")
    return [(str(payload.get("type")), lambda: sender.post_payload(payload))]


def with_a_question(sample: dict[str, Any]) -> dict[str, Any]:
    """The sample with its message text filled in with a founder's question."""
    sample = copy.deepcopy(sample)
    event = sample.get("event")
    for message in (event, (event or {}).get("message")):
        if isinstance(message, dict) and message.get("text") == "":
            message["text"] = QUESTION
    return sample


def drain(slack_app) -> None:  # type: ignore[no-untyped-def]
    """Wait for the event listeners Bolt runs after the ack, then for the work they queued."""
    executor = slack_app.runtime.app.listener_runner.listener_executor
    workers = executor._max_workers  # every worker at the barrier at once: all earlier listeners are done
    barrier = threading.Barrier(workers + 1)
    for _ in range(workers):
        executor.submit(barrier.wait, 10)
    barrier.wait(10)
    slack_app.settle()


# What a sample means for the linked engagement, when it means something. Every other sample must leave
# every table exactly as it was.
STOPS_THE_ENGAGEMENT = {"AppUninstalledPayload", "TokensRevokedPayload"}  # the bot's token is gone
# With its text filled in with a founder's question, a plain message in the channel (or a /me message, a
# thread broadcast, a message sharing a file, an @-mention, or an edit that turns a message into a
# question) is one question; deletions, reply notifications, bots' messages and channel notices are none.
ASKS = {"MessagePayload", "MessageMePayload", "MessageThreadBroadcastPayload", "MessageFileSharePayload",
        "AppMentionPayload", "MessageChangedPayload"}
MENTIONS_THE_BOT = {"AppMentionPayload"}  # a question whatever its text says (README: "a mention of the bot")
_numbers = itertools.count(1)


def expected_changes(stem: str, what: str, asked: bool) -> dict[str, tuple[int, int]]:
    if stem in STOPS_THE_ENGAGEMENT:
        return {"engagement": (1, 1)}
    if stem in ASKS and asked or stem in MENTIONS_THE_BOT:
        return {"question": (0, 1)}
    if what == ids.CMD_ARTIFACT:  # the first look at the deliverables creates their schedule, none done
        return {"artifact": (0, len(artifacts.KINDS))}
    return {}


@pytest.mark.parametrize("path", sample_files(), ids=_id)
def test_every_sample_is_answered_2xx_and_records_only_what_it_means(linked, path):
    if path is None:
        reason = (f"Slack's sample payloads are not at {SAMPLES} (put slackapi/java-slack-sdk's json-logs/samples "
                  f"there, or set CTOBOT_SLACK_SAMPLES)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    sample = json.loads(path.read_text())
    variants = [(sample, False)]
    if path.parent.name == "events" and isinstance(sample.get("event"), dict):
        variants.append((with_a_question(sample), True))
    for variant, asked in variants:
        for what, send in deliveries(linked, path, variant, next(_numbers)):
            before = snapshot(linked)
            response = send()
            assert 200 <= response.status < 300, (path.name, what, response.status, response.text)
            drain(linked)
            after = snapshot(linked)
            assert changes(before, after) == expected_changes(path.stem, what, asked), (path.name, what, asked)
            with linked.runtime.deps.engine.begin() as conn:
                if path.stem in STOPS_THE_ENGAGEMENT:
                    assert conn.execute(text("SELECT uninstalled_at FROM engagement")).scalar_one() is not None
                    conn.execute(text("UPDATE engagement SET uninstalled_at = NULL"))  # linked again
                elif path.stem in ASKS and asked or path.stem in MENTIONS_THE_BOT:
                    asker, said = conn.execute(text("SELECT asker_user_id, text FROM question")).one()
                    assert (asker, said) == (FOUNDER, QUESTION if asked else "")
                    conn.execute(text("DELETE FROM question"))
                elif what == ids.CMD_ARTIFACT:
                    assert conn.execute(text("SELECT COUNT(*) FROM artifact WHERE delivered_at IS NOT NULL "
                                             "OR skipped_at IS NOT NULL")).scalar_one() == 0
                    conn.execute(text("DELETE FROM artifact"))


def test_the_samples_cover_every_kind_slack_sends():
    if not SAMPLES.is_dir():
        pytest.skip(f"no samples at {SAMPLES}")  # the test above fails (CI) or skips with the reason
    for kind in KINDS:
        assert list((SAMPLES / kind).glob("*.json")), f"no samples in {SAMPLES / kind}"


def test_requests_no_listener_handles_are_answered_200_and_change_nothing(linked):
    """Without the samples, too: an event the app does not act on, app_rate_limited, a stale button."""
    before = snapshot(linked)
    sender = linked.slack
    created = {"type": "channel_created", "channel": {"id": "C0NEW", "name": "new", "created": 1}}
    assert sender.event(created).status == 200
    assert sender.post_json({"token": VERIFICATION_TOKEN, "type": "app_rate_limited", "team_id": TEAM,
                             "minute_rate_limited": 1518467820, "api_app_id": APP}).status == 200
    assert sender.block_action({"action_id": "a_button_of_an_older_version", "value": "1"},
                               channel_id=CHANNEL, user_id=FOUNDER).status == 200
    assert sender.view_submission({"callback_id": "an_old_form"}, user_id=FOUNDER).status == 200
    drain(linked)
    assert changes(before, snapshot(linked)) == {}
    assert [c.method for c in linked.fake.calls if c.method != "auth.test"] == []  # nothing posted
