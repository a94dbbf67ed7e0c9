"""Column types shared by the models."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field

from bot import clock

_SURROGATE = re.compile("[\ud800-\udfff]")


def utcnow() -> datetime:
    """The current time of the process's clock (bot.clock), timezone-aware in UTC."""
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def clean_text(value: str, max_len: int | None = None) -> str:
    """`value` as every database can store it: lone surrogates (JSON's `"\\ud83d"` decodes to one) become U+FFFD,
    NUL characters (PostgreSQL's text refuses them) are removed, and it is cut to `max_len` characters."""
    if _SURROGATE.search(value):
        # UTF-16 with surrogatepass joins a pair split into two code points and replaces the lone ones.
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    value = value.replace("\x00", "")
    return value if max_len is None else value[:max_len]


class StoredText(TypeDecorator[str]):
    """VARCHAR(length), or TEXT without one, that stores any str through clean_text.

    It cleans every value bound to the column, in a WHERE clause as in an INSERT or UPDATE, so a retried request
    looks up exactly what its first delivery stored, and no text a person or Slack sends is refused forever.
    """

    impl: TypeEngine[Any] | type[TypeEngine[Any]] = String
    cache_ok = True

    def __init__(self, length: int | None = None) -> None:
        super().__init__(length)
        if length is None:
            self.impl = Text()

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else clean_text(str(value), self.length)


def text_field(max_length: int, **kwargs: Any) -> Any:
    """A VARCHAR(max_length) model field for text from outside (people, Slack, an LLM): see StoredText."""
    return Field(max_length=max_length, sa_type=StoredText(max_length), **kwargs)
