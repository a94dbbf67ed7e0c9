"""A Bolt app that only acks, served by the same waitress server as `ctobot serve`: the ack benchmark's baseline.

Run by bench/ack_latency.py as `python bench/bare_bolt.py` with the same environment as `ctobot serve`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import Settings  # noqa: E402


def load_wsgi(settings: Settings) -> Any:
    """A Bolt App with one acking listener per kind of request the benchmark sends."""
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.client import make_web_client

    assert settings.slack_signing_secret is not None
    app = App(signing_secret=settings.slack_signing_secret.get_secret_value(), client=make_web_client(settings),
              token_verification_enabled=False)

    @app.command("/logtime")
    @app.command("/cto")
    def command(ack: Any) -> None:
        ack(text="ok")

    @app.event("message")
    @app.event("app_mention")
    def event() -> None:
        pass

    return SlackRequestHandler(app, path="/slack/events")


def main() -> None:
    from bot.server import serve

    settings = Settings(_env_file=None)
    serve(settings, lambda: load_wsgi(settings))


if __name__ == "__main__":
    main()
