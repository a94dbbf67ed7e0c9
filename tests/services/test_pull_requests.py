"""Recognising the pull and merge requests a client asks the CTO to review, as Slack sends the text."""

from __future__ import annotations

import pytest

from bot.services.pull_requests import canonical_pull_request_url, find_pull_request_urls

GITHUB = "https://github.com/acme/api/pull/142"
GITLAB = "https://gitlab.com/acme/backend/api/-/merge_requests/17"
GITLAB_DEEP = "https://gitlab.com/acme/platform/backend/payments/-/merge_requests/3"
GITLAB_SELF_HOSTED = "https://gitlab.example.com/platform/api/-/merge_requests/88"
BITBUCKET = "https://bitbucket.org/acme/api/pull-requests/9"
AZURE = "https://dev.azure.com/acme/Platform/_git/api/pullrequest/1234"
AZURE_ENCODED = "https://dev.azure.com/acme/Customer%20Portal/_git/web-app/pullrequest/77"
VISUALSTUDIO = "https://acme.visualstudio.com/Platform/_git/api/pullrequest/55"
VISUALSTUDIO_COLLECTION = "https://acme.visualstudio.com/DefaultCollection/Platform/_git/api/pullrequest/56"

ALL = [GITHUB, GITLAB, GITLAB_DEEP, GITLAB_SELF_HOSTED, BITBUCKET, AZURE, AZURE_ENCODED, VISUALSTUDIO,
       VISUALSTUDIO_COLLECTION]


@pytest.mark.parametrize("url", ALL)
def test_a_plain_pull_request_url_is_found(url):
    assert find_pull_request_urls(f"could you look at {url} before Friday?") == [url]
    assert canonical_pull_request_url(url) == url


@pytest.mark.parametrize("url", ALL)
def test_a_url_in_slacks_link_markup_is_found_without_the_markup(url):
    assert find_pull_request_urls(f"could you look at <{url}|this one> please") == [url]
    assert find_pull_request_urls(f"<{url}>") == [url]
    assert find_pull_request_urls(f"<{url}|{url}>") == [url]


@pytest.mark.parametrize(("pasted", "canonical"), [
    (GITHUB + "/files", GITHUB),
    (GITHUB + "/files#diff-2f3a9c", GITHUB),
    (GITHUB + "/commits/9fceb02d0ae598e95dc970b74767f19372d61af8", GITHUB),
    (GITHUB + "?w=1", GITHUB),
    (GITHUB + "#issuecomment-1234567", GITHUB),
    (GITHUB + "/", GITHUB),
    (GITLAB + "/diffs", GITLAB),
    (GITLAB + "/diffs?commit_id=abc123#note_99", GITLAB),
    (GITLAB_SELF_HOSTED + "#note_1", GITLAB_SELF_HOSTED),
    (BITBUCKET + "/diff", BITBUCKET),
    (BITBUCKET + "/overview?w=1", BITBUCKET),
    (AZURE + "?_a=files&path=/src/app.py", AZURE),
    (VISUALSTUDIO + "?_a=overview", VISUALSTUDIO),
])
def test_views_of_a_pull_request_come_down_to_the_pull_request(pasted, canonical):
    assert find_pull_request_urls(f"review {pasted} please") == [canonical]
    assert find_pull_request_urls(f"review <{pasted}|the diff> please") == [canonical]


def test_a_url_at_the_end_of_a_sentence_loses_the_punctuation():
    assert find_pull_request_urls(f"Ready: {GITHUB}.") == [GITHUB]
    assert find_pull_request_urls(f"Is {GITLAB}, ready?") == [GITLAB]
    assert find_pull_request_urls(f"({BITBUCKET})") == [BITBUCKET]


def test_every_pull_request_in_a_message_is_found_in_the_order_written():
    text = f"three for you: {BITBUCKET}, <{GITHUB}|api#142> and {AZURE}"
    assert find_pull_request_urls(text) == [BITBUCKET, GITHUB, AZURE]
    assert canonical_pull_request_url(text) == BITBUCKET


def test_the_same_pull_request_twice_counts_once_where_it_first_appears():
    text = f"{GITLAB} then {GITHUB}, then {GITHUB}/files and <{GITLAB}|again> and {GITHUB}?w=1"
    assert find_pull_request_urls(text) == [GITLAB, GITHUB]


def test_order_of_appearance_when_one_url_begins_another():
    """Pull request 1 is written last, but its URL is the beginning of pull request 12's, written first."""
    pr12, pr13, pr1 = (f"https://github.com/acme/api/pull/{n}" for n in (12, 13, 1))
    assert find_pull_request_urls(f"first {pr12}, then {pr13}, last {pr1}") == [pr12, pr13, pr1]
    assert find_pull_request_urls(f"first {pr12}, then {GITLAB}, last {pr1}") == [pr12, GITLAB, pr1]


def test_different_pull_requests_of_one_repository_are_different():
    urls = [GITHUB, GITHUB[:-3] + "143", GITHUB[:-3] + "14", "https://github.com/acme/web/pull/142"]
    assert sorted(find_pull_request_urls(" ".join(urls))) == sorted(urls)


@pytest.mark.parametrize("url", [
    "https://github.com/acme/api",
    "https://github.com/acme/api/issues/142",
    "https://github.com/acme/api/commit/9fceb02d0ae598e95dc970b74767f19372d61af8",
    "https://github.com/acme/api/pulls",
    "https://github.com/acme/api/tree/main/src",
    "https://github.com/acme/api/blob/main/README.md",
    "https://github.com/acme/api/actions/runs/123",
    "https://gitlab.com/acme/backend/api/-/issues/17",
    "https://gitlab.com/acme/backend/api/-/merge_requests",
    "https://gitlab.example.com/platform/api/-/commit/abc123",
    "https://bitbucket.org/acme/api",
    "https://bitbucket.org/acme/api/pull-requests",
    "https://dev.azure.com/acme/Platform/_git/api",
    "https://dev.azure.com/acme/Platform/_workitems/edit/1234",
    "https://example.com/acme/api/pull/142",
    "https://notgithub.com/acme/api/pull/142",
])
def test_urls_that_are_not_pull_requests_are_ignored(url):
    assert find_pull_request_urls(f"see {url} and <{url}|this>") == []
    assert canonical_pull_request_url(url) is None


@pytest.mark.parametrize("text", ["", "no links here", "acme/api#142", "pull/142", "github.com/acme/api/pull/142?"])
def test_text_without_a_pull_request_url(text):
    assert find_pull_request_urls(text) == []
    assert canonical_pull_request_url(text) is None
