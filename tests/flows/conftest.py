"""What the flows' tests share: the injected collaborators a clock process builds."""

from __future__ import annotations

import pytest

from bot.background import Background
from bot.deps import Deps
from tests.conftest import make_settings


@pytest.fixture
def deps(session_factory, engine, database_url, fake_slack):
    """A clock's Deps against the test database and the fake Slack, with a one-thread background pool."""
    deps = Deps(settings=make_settings(database_url, fake_slack.url), engine=engine,
                session_factory=session_factory, background=Background(max_workers=1))
    yield deps
    deps.background.shutdown(wait=True)
