"""What a drafter reads (a redacted thread) and what it must return (an ADR's sections)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

SECTION_LIMIT = 3000  # what one Slack text input holds, so an edit round-trips the whole draft


class AdrDraft(BaseModel):
    """An ADR in MADR form; the JSON schema the LLM must answer in."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    context: str = Field(min_length=1, max_length=SECTION_LIMIT)
    options: list[str] = Field(default_factory=list, max_length=20)
    outcome: str = Field(default="", max_length=SECTION_LIMIT)
    consequences: str = Field(default="", max_length=SECTION_LIMIT)

    @field_validator("context", "outcome", "consequences", mode="before")
    @classmethod
    def _cut(cls, value: object) -> object:
        return value.strip()[:SECTION_LIMIT] if isinstance(value, str) else value

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: object) -> object:
        if isinstance(value, str):  # a model that answers one string: split it on lines
            value = value.splitlines()
        if isinstance(value, list):
            return [" ".join(str(v).split())[:300] for v in value if str(v).strip()]
        return value


@dataclass(frozen=True)
class ThreadMessage:
    """One message of a decision's discussion."""

    user_id: str
    text: str
    ts: str
    by_cto: bool = False
    name: str = ""  # the speaker's stored name (users.info); the template names people by it
    by_decider: bool = False  # one of the engagement's deciders (the CTOs among them)

    @property
    def speaker(self) -> str:
        """Who wrote it: their name, or their user id when Slack never told us."""
        return self.name.strip() or self.user_id


@dataclass(frozen=True)
class Recorded:
    """What people already wrote into the decision (the form, an earlier edit); a draft builds on it."""

    context: str = ""
    options: tuple[str, ...] = ()
    outcome: str = ""
    consequences: str = ""

    def as_text(self) -> str:
        """For a prompt: the non-empty parts, labelled."""
        parts = [("Context", self.context), ("Options", "; ".join(self.options)), ("Outcome", self.outcome),
                 ("Consequences", self.consequences)]
        return "\n".join(f"{name}: {value.strip()}" for name, value in parts if value.strip())


NOTHING_RECORDED = Recorded()


class Drafter(Protocol):
    """Anything that turns a decision's title and (already redacted) thread into an ADR draft."""

    name: str

    def draft(self, *, title: str, messages: list[ThreadMessage], recorded: Recorded = NOTHING_RECORDED) -> AdrDraft:
        """The draft; raises DraftFailed when it cannot produce a valid one."""


class DraftFailed(Exception):
    """The drafter gave no usable draft (time-out, HTTP error, invalid JSON); the message says which."""
