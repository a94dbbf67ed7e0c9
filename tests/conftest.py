"""Shared fixtures: a migrated database, the fake Slack Web API, and the real app behind a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine

from bot.background import Background
from bot.db import make_engine, make_session_factory
from bot.db.engine import SessionFactory
from bot.deps import Deps
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from tests.helpers.database import drop_worker_database, empty_all_tables, test_database_url
from tests.helpers.wsgi_server import WsgiThread

if TYPE_CHECKING:
    from tests.fakes.openai_api import FakeOpenAI
    from tests.fakes.slack_api import FakeSlack
    from tests.helpers.slack_requests import SlackSender

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000000000-abcdefghijklmnop"
TEAM_ID = "T_TEST"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated once per session (per xdist worker, each with a database of its own); emptied per test."""
    url = test_database_url(tmp_path_factory.mktemp("db"))
    yield url
    drop_worker_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[SessionFactory]:
    empty_all_tables(engine)
    yield make_session_factory(engine)
    empty_all_tables(engine)


@pytest.fixture
def session(session_factory: SessionFactory) -> Iterator[Any]:
    with session_factory() as session:
        yield session


INVALID_PAYLOADS_MARK = "slack_refuses"


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.helpers import cli

    cli.close()  # the warm parent of the CLI tests' processes, if one was started


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{INVALID_PAYLOADS_MARK}: the test means to send payloads Slack refuses "
                                       "(the fake_slack fixture then does not fail it for them)")


@pytest.fixture
def fake_slack(request: pytest.FixtureRequest) -> Iterator[FakeSlack]:
    """The fake Slack Web API; a test during which it saw a payload real Slack refuses fails."""
    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack()
    fake.start()
    yield fake
    fake.stop()
    if fake.violations and request.node.get_closest_marker(INVALID_PAYLOADS_MARK) is None:
        report = "\n".join(f"  {v.where}: {message}" for v in fake.violations for message in v.messages)
        pytest.fail(f"the app sent Slack {len(fake.violations)} payload(s) real Slack refuses:\n{report}",
                    pytrace=False)


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    """A loopback OpenAI-compatible server that records what it was sent."""
    from tests.fakes.openai_api import FakeOpenAI

    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    """Settings for tests, independent of the environment and of any .env file."""
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
        "database_url": database_url,
        "cto_user_ids": [],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class SlackApp:
    """The real app behind a real HTTP server, the fake Slack it talks to, and a signed-request sender."""

    runtime: Runtime
    fake: FakeSlack
    slack: SlackSender
    url: str

    @property
    def session_factory(self) -> SessionFactory:
        return self.runtime.deps.session_factory

    def settle(self) -> None:
        """Wait until listeners that already acked, and the background work (posts, look-ups) they queued, are done."""
        deps = self.runtime.deps
        assert deps.listeners is None or deps.listeners.wait_idle(10), "a listener did not finish"
        assert deps.background.wait_idle(10), "background work did not finish"


@pytest.fixture
def deps(session_factory: SessionFactory, engine: Engine, database_url: str, fake_slack: FakeSlack) -> Iterator[Deps]:
    """A clock's (or the CLI's) Deps against the test database and the fake Slack, with a one-thread pool."""
    deps = Deps(settings=make_settings(database_url, fake_slack.url), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    yield deps
    deps.background.shutdown(wait=True)


@pytest.fixture
def app_settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def app_over_http() -> bool:
    """Whether `slack_app` serves over a real loopback socket. Listener tests hand signed requests to the WSGI app
    in-process (as bolt-python's scenario tests do); tests/scenarios and tests/reliability, where the socket is the
    point, override this with True."""
    return False


@pytest.fixture
def slack_app(database_url: str, engine: Engine, fake_slack: FakeSlack, app_settings_overrides: dict[str, Any],
              app_over_http: bool) -> Iterator[SlackApp]:
    from tests.helpers.slack_requests import SlackSender

    empty_all_tables(engine)
    settings = make_settings(database_url, fake_slack.url, **app_settings_overrides)
    runtime = build_runtime(settings)
    if runtime.deps.identity is not None:  # as after start-up: the bot's identity asked once and stored
        assert runtime.deps.identity.wait(), "the start-up auth.test did not answer"
        with fake_slack._cond:
            fake_slack.calls[:] = [call for call in fake_slack.calls if call.method != "auth.test"]
    if app_over_http:
        with WsgiThread(runtime.wsgi) as server:
            sender = SlackSender(server.url, SIGNING_SECRET, team_id=TEAM_ID, fake=fake_slack)
            yield SlackApp(runtime=runtime, fake=fake_slack, slack=sender, url=server.url)
    else:
        sender = SlackSender("http://in-process", SIGNING_SECRET, team_id=TEAM_ID, fake=fake_slack,
                             wsgi=runtime.wsgi)
        yield SlackApp(runtime=runtime, fake=fake_slack, slack=sender, url="http://in-process")
    runtime.close()
    empty_all_tables(engine)
