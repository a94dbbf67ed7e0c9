"""The primary key of a stored row, as the int it is once the row is flushed."""

from __future__ import annotations

from typing import Protocol


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """`row.id`; a row not yet flushed has none, and asking for it is a bug, not a value to pass on."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
