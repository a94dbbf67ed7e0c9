"""The openai-backed drafter: any OpenAI-compatible server, JSON answers validated against AdrDraft."""

from __future__ import annotations

import json
import re
import threading
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.llm.draft import NOTHING_RECORDED, AdrDraft, DraftFailed, Recorded, ThreadMessage
from bot.settings import Settings

if TYPE_CHECKING:
    import openai  # imported where a draft is asked for: a web worker that never drafts never loads it (23 MB)
    from openai.types.chat import ChatCompletionMessageParam

DEFAULT_MODEL = "gpt-4o-mini"
TRANSCRIPT_LIMIT = 24_000
SYSTEM_PROMPT = """You write Architecture Decision Records (ADRs) in MADR form from a team's Slack discussion.
Answer with one JSON object and nothing else, with exactly these keys:
{"context": string, "options": [string, ...], "outcome": string, "consequences": string}
- context: the context and problem statement, two to five sentences.
- options: the options that were considered, one short phrase each.
- outcome: the option chosen and why; if nothing was decided, say so.
- consequences: what follows from the outcome, good and bad.
Use only what the discussion says. Do not invent facts. Do not address anyone. Plain text only."""


def transcript(title: str, messages: list[ThreadMessage], recorded: Recorded = NOTHING_RECORDED) -> str:
    """The prompt's user part: the title, what was recorded and the (redacted) messages, newest kept when too long."""
    lines = [f"{m.user_id}{' (CTO)' if m.by_cto else ''}: {m.text.strip()}" for m in messages if m.text.strip()]
    body = "\n".join(lines)
    if len(body) > TRANSCRIPT_LIMIT:
        body = "…\n" + body[-TRANSCRIPT_LIMIT:]
    notes = recorded.as_text()
    notes = f"Already recorded by the team:\n{notes}\n\n" if notes else ""
    return f"Decision title: {title}\n\n{notes}Discussion (oldest first):\n{body or '(no messages yet)'}"


def parse_answer(content: str | None) -> AdrDraft:
    """The model's answer as a validated draft; DraftFailed when it is not the JSON asked for."""
    text = (content or "").strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    try:
        return AdrDraft.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError, TypeError) as exc:
        raise DraftFailed(f"the model's answer was not a valid ADR JSON object ({type(exc).__name__})") from None


MAX_TOKENS = 700
ADR_SCHEMA = {
    "type": "object",
    "properties": {"context": {"type": "string"}, "options": {"type": "array", "items": {"type": "string"}},
                   "outcome": {"type": "string"}, "consequences": {"type": "string"}},
    "required": ["context", "options", "outcome", "consequences"],
    "additionalProperties": False,
}
# Best first: OpenAI's structured outputs (also vLLM, Ollama, llama.cpp's server), then JSON mode with a schema
# (llama-cpp-python, Anyscale), then plain JSON mode. A server that refuses one (400/422) is asked with the next.
RESPONSE_FORMATS: tuple[dict[str, object], ...] = (
    {"type": "json_schema", "json_schema": {"name": "adr_draft", "schema": ADR_SCHEMA, "strict": True}},
    {"type": "json_object", "schema": ADR_SCHEMA},
    {"type": "json_object"},
)


def refused_format(exc: openai.APIStatusError) -> bool:
    """Whether the server refused the request's response_format (llama-cpp-python answers that with a 500)."""
    return exc.status_code in (400, 422) or "response_format" in str(exc.message)


class OpenAIDrafter:
    """Drafts with the chat completions API; bounded time-out and retries, JSON only."""

    name = "llm"

    def __init__(self, *, api_key: str, base_url: str | None, model: str | None, timeout: float = 30.0,
                 max_retries: int = 2) -> None:
        self.model = model or DEFAULT_MODEL
        self._options: dict[str, Any] = {"api_key": api_key, "base_url": base_url, "timeout": timeout,
                                         "max_retries": max_retries}
        self._client: Any = None
        self._lock = threading.Lock()
        self._format = 0  # index into RESPONSE_FORMATS of the first one this server may take

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIDrafter | None:
        """The drafter OPENAI_* configure, or None without an API key."""
        if settings.openai_api_key is None:
            return None
        return cls(api_key=settings.openai_api_key.get_secret_value(), base_url=settings.openai_base_url,
                   model=settings.openai_model, timeout=settings.openai_timeout,
                   max_retries=settings.openai_max_retries)

    def _openai(self) -> Any:
        """The openai client, made (and the openai package imported) on the first draft."""
        with self._lock:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(**self._options)
            return self._client

    def draft(self, *, title: str, messages: list[ThreadMessage], recorded: Recorded = NOTHING_RECORDED) -> AdrDraft:
        """Ask the model for the draft as JSON and validate it."""
        import openai

        client = self._openai()
        prompt: list[ChatCompletionMessageParam] = [{"role": "system", "content": SYSTEM_PROMPT},
                                                     {"role": "user", "content": transcript(title, messages, recorded)}]
        formats = RESPONSE_FORMATS[self._format:]
        for offset, response_format in enumerate(formats):
            try:
                response = client.chat.completions.create(
                    model=self.model, temperature=0.2, max_tokens=MAX_TOKENS, response_format=response_format,
                    messages=prompt)
            except openai.APITimeoutError:
                raise DraftFailed("the LLM did not answer in time") from None
            except openai.APIStatusError as exc:
                if refused_format(exc) and offset + 1 < len(formats):  # try a simpler response_format
                    self._format += 1
                    continue
                raise DraftFailed(f"the LLM answered HTTP {exc.status_code}") from None
            except openai.APIError as exc:
                raise DraftFailed(f"the LLM could not be reached ({type(exc).__name__})") from None
            choices = getattr(response, "choices", None) or []
            if not choices:
                raise DraftFailed("the LLM answered without a choice")
            return parse_answer(choices[0].message.content)
        raise DraftFailed("the LLM refused every JSON format")
