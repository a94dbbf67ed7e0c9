"""ADR drafting through the openai SDK against a loopback fake server, and the template fallback."""

from __future__ import annotations

import time

import pytest

from bot.llm.draft import Recorded, ThreadMessage
from bot.llm.drafting import draft_adr
from bot.llm.openai_drafter import OpenAIDrafter
from bot.llm.template import UNDECIDED, TemplateDrafter
from tests.fakes.openai_api import GOOD_DRAFT, FakeOpenAI, delay, good, raw, status

SLACK_TOKEN = "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx"
API_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
THREAD = [
    ThreadMessage("U2", "Our events are in flat files and we lose them on restart. What should we use?", "1.1"),
    ThreadMessage("U3", "Options:\n- Postgres\n- Kafka\n2) SQS", "1.2"),
    ThreadMessage("U2", f"Option C: EventStoreDB. Our bot token is {SLACK_TOKEN} and the key {API_KEY}", "1.3"),
    ThreadMessage("U1", "Let's go with Postgres; we already run it.", "1.4", by_cto=True),
    ThreadMessage("U3", "ok", "1.5"),
]


def drafter(fake: FakeOpenAI, *, timeout: float = 2.0, retries: int = 0) -> OpenAIDrafter:
    return OpenAIDrafter(api_key="test-key", base_url=fake.url, model="smollm2", timeout=timeout,
                         max_retries=retries)


def test_a_good_answer_is_an_llm_draft_asked_for_as_json(fake_llm):
    result = draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm), consent=True)
    assert result.method == "llm" and result.why_template is None
    assert result.draft.options == GOOD_DRAFT["options"] and result.draft.outcome == GOOD_DRAFT["outcome"]
    (request,) = fake_llm.requests
    assert request["model"] == "smollm2" and request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["schema"]["required"] == ["context", "options", "outcome",
                                                                              "consequences"]
    prompt = request["messages"][-1]["content"]
    assert "Store events" in prompt and "Let's go with Postgres" in prompt and "U1 (CTO)" in prompt


def test_tokens_in_the_thread_never_reach_the_llm(fake_llm):
    draft_adr(title=f"Rotate {SLACK_TOKEN}", messages=THREAD, llm=drafter(fake_llm), consent=True,
              secrets=["my-configured-secret-value"])
    body = fake_llm.raw_bodies[0].decode()
    assert SLACK_TOKEN not in body and API_KEY not in body and "xoxb-" not in body and "sk-proj" not in body
    assert "[redacted]" in body


@pytest.mark.parametrize("answers, why", [
    ([status(500)], "HTTP 500"),
    ([status(429)], "HTTP 429"),
    ([raw("Sure! Here is your ADR: context is ...")], "not a valid ADR JSON"),
    ([raw('{"options": ["a"]}')], "not a valid ADR JSON"),
    ([raw('["context", "options"]')], "not a valid ADR JSON"),
])
def test_failures_and_invalid_json_fall_back_to_the_template(fake_llm, answers, why):
    fake_llm.answer(*answers)
    result = draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm, retries=1), consent=True)
    assert result.method == "template" and why in (result.why_template or "")
    assert result.draft.context.startswith("Our events are in flat files")
    assert result.draft.outcome == "Let's go with Postgres; we already run it."


def test_a_timeout_falls_back_to_the_template_within_the_bound(fake_llm):
    fake_llm.answer(delay(2.0))
    started = time.monotonic()
    result = draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm, timeout=0.3, retries=1),
                       consent=True)
    elapsed = time.monotonic() - started
    assert result.method == "template" and "in time" in (result.why_template or "")
    assert elapsed < 1.8 and len(fake_llm.requests) == 2  # one try and one bounded retry


def test_a_429_then_a_good_answer_is_retried_into_an_llm_draft(fake_llm):
    fake_llm.answer(status(429), good())
    result = draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm, retries=2), consent=True)
    assert result.method == "llm" and len(fake_llm.requests) == 2


def test_a_fenced_json_answer_is_accepted(fake_llm):
    fake_llm.answer(raw('```json\n{"context": "c", "options": "a\\nb", "outcome": "o", "consequences": "q"}\n```'))
    result = draft_adr(title="t", messages=THREAD, llm=drafter(fake_llm), consent=True)
    assert result.method == "llm" and result.draft.options == ["a", "b"]


def test_without_consent_or_without_an_llm_nothing_is_sent(fake_llm):
    no_consent = draft_adr(title="t", messages=THREAD, llm=drafter(fake_llm), consent=False)
    no_llm = draft_adr(title="t", messages=THREAD, llm=None, consent=True)
    assert fake_llm.requests == []
    assert no_consent.method == no_llm.method == "template"
    assert "consented" in (no_consent.why_template or "") and "no LLM" in (no_llm.why_template or "")


def test_the_template_takes_context_listed_options_and_the_last_cto_message():
    draft = TemplateDrafter().draft(title="Store events", messages=THREAD)
    assert draft.context.startswith("Our events are in flat files")
    assert draft.options[:4] == ["Postgres", "Kafka", "SQS", "EventStoreDB. Our bot token is " + SLACK_TOKEN +
                                 " and the key " + API_KEY]
    assert draft.outcome == "Let's go with Postgres; we already run it."


def test_the_template_without_a_cto_word_says_it_is_undecided_and_never_fails():
    assert TemplateDrafter().draft(title="Store events", messages=THREAD[:2]).outcome == UNDECIDED
    empty = TemplateDrafter().draft(title="Store events", messages=[])
    assert empty.context == "Store events" and empty.options == ["Store events"]  # the titled option was considered


def test_what_was_recorded_stays_in_a_template_draft_and_reaches_the_llm_redacted(fake_llm):
    recorded = Recorded(context="From the form: events vanish.", options=("SQLite",), outcome="",
                        consequences=f"Backups need the key {API_KEY}")
    template = draft_adr(title="Store events", messages=THREAD, llm=None, consent=True, recorded=recorded)
    assert template.draft.context.startswith("From the form: events vanish.\n\nDiscussion in the thread")
    assert template.draft.options[:3] == ["SQLite", "Postgres", "Kafka"]
    assert template.draft.consequences == "Backups need the key [redacted]"
    draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm), consent=True, recorded=recorded)
    body = fake_llm.raw_bodies[0].decode()
    assert "From the form: events vanish." in body and API_KEY not in body


def test_a_server_without_structured_outputs_is_asked_in_plain_json_mode_and_remembered(fake_llm):
    fake_llm.formats = {"json_object"}
    llm = drafter(fake_llm)
    first = draft_adr(title="Store events", messages=THREAD, llm=llm, consent=True)
    assert first.method == "llm"
    assert [r["response_format"] for r in fake_llm.requests][-1] == {"type": "json_object"}
    assert len(fake_llm.requests) == 3
    second = draft_adr(title="Store events", messages=THREAD, llm=llm, consent=True)
    assert second.method == "llm" and len(fake_llm.requests) == 4


def test_a_server_refusing_every_format_ends_in_a_template_draft(fake_llm):
    fake_llm.formats = set()
    result = draft_adr(title="Store events", messages=THREAD, llm=drafter(fake_llm), consent=True)
    assert result.method == "template" and "HTTP 500" in (result.why_template or "")
