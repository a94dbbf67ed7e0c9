"""Recognising pull/merge request URLs from GitHub, GitLab, Bitbucket and Azure DevOps."""

from __future__ import annotations

import re

_PATTERNS = [
    re.compile(r"https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+/pull/\d+", re.I),
    re.compile(r"https?://[\w.-]*gitlab[\w.-]*/(?:[\w.-]+/)+-/merge_requests/\d+", re.I),
    re.compile(r"https?://(?:www\.)?bitbucket\.org/[\w.-]+/[\w.-]+/pull-requests/\d+", re.I),
    re.compile(r"https?://dev\.azure\.com/[\w.%-]+/[\w.%-]+/_git/[\w.%-]+/pullrequest/\d+", re.I),
    re.compile(r"https?://[\w-]+\.visualstudio\.com/(?:[\w.%-]+/)?[\w.%-]+/_git/[\w.%-]+/pullrequest/\d+", re.I),
]
MAX_URLS_PER_MESSAGE = 20


def find_pull_request_urls(text: str) -> list[str]:
    """The pull request URLs in `text` (Slack's `<url|label>` form included), canonical and deduplicated."""
    matches = sorted((match.start(), match.group(0)) for pattern in _PATTERNS for match in pattern.finditer(text or ""))
    found: list[str] = []
    for _, url in matches:
        if url not in found:
            found.append(url)
    return found[:MAX_URLS_PER_MESSAGE]


def canonical_pull_request_url(text: str) -> str | None:
    """The one PR URL in `text`, or None."""
    urls = find_pull_request_urls(text)
    return urls[0] if urls else None
