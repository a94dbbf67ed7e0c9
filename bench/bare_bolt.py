"""A Bolt app that only acks, served by the same waitress server as `ctobot serve`: the ack benchmark's baseline.

Run by bench/ack_latency.py as `python bench/bare_bolt.py` with the same environment as `ctobot serve`. Its
authorize returns a fixed result (no auth.test, no database), and it answers /healthz itself, so it is the floor:
Bolt's own dispatch and ack on the same server, nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import Settings  # noqa: E402


def load_wsgi(settings: Settings) -> Any:
    """A Bolt App with one acking listener per kind of request the benchmark sends, and /healthz."""
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_bolt.authorization import AuthorizeResult

    from bot.slack.client import make_web_client

    assert settings.slack_signing_secret is not None
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else "xoxb-bare"

    def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=token,
                               bot_id="B_BOT", bot_user_id="U_BOT")

    client = make_web_client(settings, token=None)
    app = App(signing_secret=settings.slack_signing_secret.get_secret_value(), client=client, authorize=authorize)

    @app.command("/logtime")
    @app.command("/cto")
    def command(ack: Any) -> None:
        ack(text="ok")

    @app.event("message")
    @app.event("app_mention")
    def event() -> None:
        pass

    bolt = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
            return [b'{"ok":true}']
        return bolt(environ, start_response)

    return wsgi


def main() -> None:
    from bot.server import serve

    settings = Settings(_env_file=None)
    serve(settings, lambda: load_wsgi(settings))


if __name__ == "__main__":
    main()
