"""Secrets never reach the logs."""

from __future__ import annotations

import logging

import pytest

from bot.redact import REDACTED, RedactingFilter, mask_url, redact


def test_tokens_keys_and_passwords_are_redacted():
    text = ("bot xoxb-1234567890-abcdefghij app xapp-1-A111-222-abc123def key sk-proj-abcdefghijklmnop1234 "
            "db postgresql://ctobot:hunter2@db/prod gh ghp_abcdefghijklmnopqrstuvwxyz012345 password=s3cretvalue "
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----")
    cleaned = redact(text)
    for secret in ("xoxb-1234567890", "xapp-1-A111", "sk-proj-abc", "hunter2", "ghp_abc", "s3cretvalue", "MIIEow"):
        assert secret not in cleaned
    assert cleaned.count(REDACTED) == 7
    assert "postgresql://" in cleaned and "@db/prod" in cleaned


def test_configured_secrets_are_redacted_even_without_a_known_shape():
    assert redact("signing secret is 8f14e45fceea167a", ["8f14e45fceea167a"]) == f"signing secret is {REDACTED}"


def test_log_records_and_tracebacks_are_redacted(caplog):
    logger = logging.getLogger("ctobot.test")
    logger.addFilter(RedactingFilter(["my-signing-secret"]))
    try:
        with caplog.at_level(logging.INFO, logger="ctobot.test"):
            logger.info("calling with %s and %s", "xoxb-1234567890-abcdefghij", "my-signing-secret")
            try:
                raise RuntimeError("token xoxp-9999999999-zzzzzzzzzz refused")
            except RuntimeError:
                logger.exception("failed")
    finally:
        logger.filters.clear()
    text = caplog.text
    assert "xoxb-1234567890" not in text and "my-signing-secret" not in text and "xoxp-9999" not in text
    assert "calling with" in text and "refused" in text


@pytest.mark.parametrize("secret", [
    "xoxc-1234567890-abcdefghijkl",
    "xoxe.xoxp-1-abcdefghijklmnop",
    "https://hooks.slack.com/services/T0000/B0000/abcdefghijklmnop",
    "ASIAABCDEFGHIJKLMNOP",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_live_abcdefghijklmnop1234",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n(the message was cut here)",
])
def test_more_secret_shapes_are_redacted(secret):
    cleaned = redact(f"before {secret} after")
    assert "[redacted]" in cleaned and cleaned.startswith("before")
    assert not any(part in cleaned for part in ("abcdefghijkl", "ABCDEFGHIJKLMNOP", "wJalrXUtnFEMI", "b3BlbnNzaC1"))


def test_socket_mode_connection_tickets_are_redacted():
    body = '{"ok": true, "url": "wss://wss-primary.slack.com/link/?ticket=9f8e7d6c-5b4a-3210&app_id=A0123"}'
    cleaned = redact(body)
    assert "9f8e7d6c" not in cleaned and "ticket=[redacted]&app_id=A0123" in cleaned


@pytest.mark.parametrize(("url", "shown"), [
    ("https://user:s3cret@llm.example/v1", "https://user:***@llm.example/v1"),
    ("https://ghp-like-token@llm.example/v1", "https://***@llm.example/v1"),  # a bare http(s) user is a token
    ("postgresql+psycopg://app:pa?ss#wd@db:5432/ctobot", "postgresql+psycopg://app:***@db:5432/ctobot"),
    ("postgresql://app:p%40ss@db/ctobot?sslmode=require&sslpassword=k3y",
     "postgresql://app:***@db/ctobot?sslmode=require&sslpassword=***"),
    ("https://llm.example/v1?api_key=abc123&model=x#access_token=zzz",
     "https://llm.example/v1?api_key=***&model=x#access_token=***"),
    ("postgresql://app@db/ctobot", "postgresql://app@db/ctobot"),  # a database user alone is no secret
    ("sqlite:////var/lib/ctobot/ctobot.db", "sqlite:////var/lib/ctobot/ctobot.db"),
    ("https://slack.com/api/", "https://slack.com/api/"),
])
def test_urls_are_printed_without_their_credentials(url, shown):
    assert mask_url(url) == shown
