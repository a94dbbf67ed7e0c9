"""The app factory: a Bolt App wired to our database, Slack client and handlers; nothing global."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.background import ListenerPool
from bot.deps import Deps
from bot.models.slack_oauth import OAUTH_STATES_TABLE
from bot.settings import Settings
from bot.slack.client import make_web_client
from bot.slack.identity import BotIdentityKeeper, StoredInstallationAuthorize
from bot.slack.ids import BOT_SCOPES
from bot.slack.installations import installation_store

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
OAUTH_STATE_SECONDS = 600


class SettingsError(Exception):
    """The settings cannot run the app; the message names what is missing."""


def create_app(settings: Settings, *, deps: Deps, client: WebClient | None = None,
               listener_threads: int | None = None) -> App:
    """A Bolt App for `settings` (single-workspace or OAuth mode) with every handler registered."""
    from handlers import register_handlers  # handlers import bot; only the factory imports handlers

    if settings.slack_signing_secret is None and not settings.socket_mode:
        raise SettingsError("SLACK_SIGNING_SECRET is not set")
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    executor = ListenerPool(max_workers=listener_threads or settings.web_threads)
    deps.listeners = executor
    if settings.oauth_enabled:
        assert settings.slack_client_secret is not None
        store = installation_store(settings, deps.engine)
        deps.installations = StoredInstallationAuthorize(store)
        oauth_settings = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            installation_store=store,
            state_store=SQLAlchemyOAuthStateStore(expiration_seconds=OAUTH_STATE_SECONDS, engine=deps.engine,
                                                  table_name=OAUTH_STATES_TABLE),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
        )
        app = App(
            name="ctobot",  # given, so that Bolt does not walk the call stack for one (75 ms)
            signing_secret=signing_secret,
            client=client or make_web_client(settings, token=None),
            oauth_settings=oauth_settings,
            authorize=deps.installations,  # the stored installation, kept briefly: no auth.test per request
            listener_executor=executor,
            raise_error_for_unhandled_request=True,  # answered 200 in handlers/errors.py, not 404
            request_verification_enabled=not settings.socket_mode or signing_secret is not None,
        )
    else:
        if settings.slack_bot_token is None:
            raise SettingsError("SLACK_BOT_TOKEN is not set (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)")
        web_client = client or make_web_client(settings)
        token = web_client.token or settings.slack_bot_token.get_secret_value()
        web_client.token = None  # the token comes from `authorize` (Bolt refuses a token and an authorize both)
        # Who the bot is comes from the database (auth.test once, in the background, when nothing is stored), so
        # no request waits for Slack and a slow Slack never stops the app from starting.
        deps.identity = BotIdentityKeeper(deps.session_factory, web_client, token)
        deps.identity.start()
        app = App(
            name="ctobot",  # given, so that Bolt does not walk the call stack for one (75 ms)
            signing_secret=signing_secret,
            client=web_client,
            authorize=deps.identity,
            listener_executor=executor,
            raise_error_for_unhandled_request=True,  # answered 200 in handlers/errors.py, not 404
            request_verification_enabled=signing_secret is not None,
        )
        web_client.token = token  # app.client, for work outside a request, keeps the bot token
    register_handlers(app, deps)
    return app
