"""Bolt's OAuth installation and state tables, declared here so that Alembic creates them."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Text
from sqlmodel import SQLModel

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

installations = SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, INSTALLATIONS_TABLE)
bots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, OAUTH_STATES_TABLE)


def _widen_token_columns() -> None:
    """Bolt declares tokens as String(200); an encrypted (TOKEN_ENCRYPTION_KEY) or rotating token is longer."""
    for table in (installations, bots):
        for name in ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"):
            if name in table.c:
                table.c[name].type = Text()


_widen_token_columns()
