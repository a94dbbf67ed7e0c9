"""Here the socket is the point: the app is served over a real loopback HTTP server."""

import pytest


@pytest.fixture
def app_over_http() -> bool:
    return True
