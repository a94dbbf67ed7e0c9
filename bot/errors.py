"""Typed domain errors; the entry points turn them into messages for the user."""

from __future__ import annotations


class DomainError(Exception):
    """An error the user caused and can fix; its message is shown to them as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The input could not be understood or is out of range."""


class NotAllowed(DomainError):
    """The user may not do this."""


class NotFound(DomainError):
    """The thing named does not exist."""


class NotLinked(DomainError):
    """The channel is not linked to an engagement."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "This channel isn't linked to a client engagement yet. "
            "A CTO can link it with `/cto setup`."
        )


class Conflict(DomainError):
    """The change clashes with something already recorded."""
