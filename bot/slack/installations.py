"""Where OAuth installations live: Bolt's SQLAlchemy store on our database, tokens encrypted when a key is set."""

from __future__ import annotations

import copy
import logging
from logging import Logger
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.models.slack_oauth import BOTS_TABLE, INSTALLATIONS_TABLE
from bot.settings import Settings

logger = logging.getLogger(__name__)

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp, base64-encoded
Record = TypeVar("Record", Installation, Bot)


def token_cipher(keys: str) -> MultiFernet:
    """A cipher from comma-separated Fernet keys: the first encrypts, any of them decrypts (for key rotation)."""
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


class EncryptedInstallationStore(InstallationStore):
    """Wraps an installation store so that tokens are encrypted on save and decrypted on find.

    Tokens stored in clear before a key was configured are still read, and encrypted when next saved.
    """

    def __init__(self, inner: InstallationStore, cipher: MultiFernet) -> None:
        self._inner, self._cipher = inner, cipher

    @property
    def logger(self) -> Logger:
        return self._inner.logger

    def _seal(self, record: Record) -> Record:
        sealed = copy.copy(record)
        for name in TOKEN_FIELDS:
            value = getattr(sealed, name, None)
            if value:
                setattr(sealed, name, self._cipher.encrypt(value.encode()).decode())
        return sealed

    def _open(self, record: Record | None) -> Record | None:
        if record is None:
            return None
        for name in TOKEN_FIELDS:
            value = getattr(record, name, None)
            if value and value.startswith(FERNET_PREFIX):
                try:
                    setattr(record, name, self._cipher.decrypt(value.encode()).decode())
                except InvalidToken:
                    logger.error("cannot decrypt the stored %s of workspace %s: was TOKEN_ENCRYPTION_KEY changed? "
                                 "Keep the old key after the new one until the workspace reinstalls",
                                 name, getattr(record, "team_id", "?"))
                    return None
        return record

    def save(self, installation: Installation) -> None:
        self._inner.save(self._seal(installation))

    def save_bot(self, bot: Bot) -> None:
        self._inner.save_bot(self._seal(bot))

    def find_bot(self, **kwargs: Any) -> Bot | None:
        return self._open(self._inner.find_bot(**kwargs))

    def find_installation(self, **kwargs: Any) -> Installation | None:
        return self._open(self._inner.find_installation(**kwargs))

    def delete_bot(self, **kwargs: Any) -> None:
        self._inner.delete_bot(**kwargs)

    def delete_installation(self, **kwargs: Any) -> None:
        self._inner.delete_installation(**kwargs)

    def delete_all(self, **kwargs: Any) -> None:
        self._inner.delete_all(**kwargs)


def installation_store(settings: Settings, engine: Engine) -> InstallationStore:
    """The installation store for OAuth mode, encrypting tokens when TOKEN_ENCRYPTION_KEY is set."""
    store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine,
                                        bots_table_name=BOTS_TABLE, installations_table_name=INSTALLATIONS_TABLE)
    if settings.token_encryption_key is None:
        return store
    return EncryptedInstallationStore(store, token_cipher(settings.token_encryption_key.get_secret_value()))
