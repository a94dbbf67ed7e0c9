"""Redaction of secrets and tokens from text bound for logs, exports or an LLM."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote

REDACTED = "[redacted]"

_PATTERNS = [
    re.compile(r"xox[abposrecd]-[A-Za-z0-9_-]{8,}"),  # Slack bot/user/app-config/client tokens
    re.compile(r"xoxe\.xox[a-z]-[A-Za-z0-9-]{8,}"),  # Slack refresh tokens
    re.compile(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{8,}"),  # incoming webhooks
    re.compile(r"xapp-[A-Za-z0-9-]{8,}"),  # Slack app-level tokens
    re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}"),  # OpenAI-style API keys
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),  # GitHub tokens
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"),  # GitLab
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key ids
    re.compile(r"(?i)(aws_?secret_?(?:access_?)?key\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{30,}"),  # AWS secret keys
    re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),  # Stripe
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),  # Google API keys
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S),
    re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),  # user:password in URLs
    re.compile(r"([?&]ticket=)[^&\s\"']+"),  # Socket Mode connection tickets (apps.connections.open's URL)
    re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{12,}"),
    re.compile(r"(?i)(?<![A-Za-z0-9_])((?:api[_-]?key|secret|password|passwd|token)\s*[:=]\s*)[^\s\"']{6,}"),
]


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """`text` with tokens, keys, passwords in URLs and the given secrets replaced by [redacted]."""
    for secret in extra_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + REDACTED if m.group(1) else REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


# user[:password]@ right after the scheme. By hand rather than urllib.parse.urlsplit, which ends the host at the
# first "?" or "#" and so would print a password containing one; SQLAlchemy's URLs read the password up to "@".
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*://)(?P<user>[^:/?#@]*)(?::(?P<password>[^@]*))?@")
# Query (or fragment) parameters whose value is a credential: api_key, access_token, sslpassword, X-Amz-Signature, …
_SECRET_PARAM = re.compile(r"(?i)(key|token|secret|passw|pwd|auth|sig|credential|session)")
URL_MASK = "***"


def _split_url(url: str) -> tuple[re.Match[str] | None, str, str | None, str | None]:
    """(the user info match, the rest up to "?", the query, the fragment); None for a part the URL lacks."""
    info = _USERINFO.match(url)
    rest = url[info.end():] if info else url
    rest, hash_, fragment = rest.partition("#")
    rest, qmark, query = rest.partition("?")
    return info, rest, query if qmark else None, fragment if hash_ else None


def _userinfo_secret(info: re.Match[str] | None) -> str | None:
    """The secret in the user info: the password, or the bare user of an http(s) URL (that is a token)."""
    if info is None:
        return None
    if info["password"] is not None:
        return info["password"]
    return (info["user"] or None) if info["head"].lower().startswith(("http://", "https://")) else None


def _params(text: str) -> list[tuple[str, str | None]]:
    """`a=1&b` as [("a", "1"), ("b", None)], as written (not decoded)."""
    return [(name, value if sep else None) for name, sep, value in (p.partition("=") for p in text.split("&"))]


def _masked_params(text: str) -> str:
    return "&".join(name if value is None else f"{name}={URL_MASK if _SECRET_PARAM.search(name) else value}"
                    for name, value in _params(text))


def mask_url(url: str | None) -> str:
    """`url` fit to print: its password (or an http(s) URL's bare user, a token) and the values of credential-like
    query parameters (`api_key=`, `token=`, `sslpassword=`, …) replaced by ***. Any URL: database, Slack, LLM."""
    if not url:
        return ""
    info, rest, query, fragment = _split_url(url)
    head = info.group(0) if info else ""
    if info is not None and info["password"] is not None:
        head = f"{info['head']}{info['user']}:{URL_MASK}@"
    elif info is not None and _userinfo_secret(info) is not None:
        head = f"{info['head']}{URL_MASK}@"
    return (head + rest + ("" if query is None else f"?{_masked_params(query)}")
            + ("" if fragment is None else f"#{_masked_params(fragment)}"))


def url_secrets(url: str | None) -> list[str]:
    """The secrets mask_url hides in `url`, as written and decoded, for the log filter to redact as well."""
    if not url:
        return []
    info, _, query, fragment = _split_url(url)
    found = [_userinfo_secret(info)]
    found += [value for text in (query, fragment) if text for name, value in _params(text)
              if value and _SECRET_PARAM.search(name)]
    return [variant for value in found if value for variant in dict.fromkeys((value, unquote(value)))]


class RedactingFilter(logging.Filter):
    """Rewrites every log record so that no secret reaches a handler."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also redact `secrets` from now on."""
        self._secrets.extend(s for s in secrets if s and s not in self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(message, self._secrets)
        record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level`, with every record redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
