"""The one list cut: within the limits, whole items only, in order, and "and N more" with the exact N."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.lists import cut, list_sections, list_text


@given(lengths=st.lists(st.integers(min_value=1, max_value=400), max_size=300),
       limit=st.integers(min_value=40, max_value=3000), max_sections=st.integers(min_value=1, max_value=5),
       max_items=st.none() | st.integers(min_value=0, max_value=100), head=st.sampled_from([None, "*Head*"]))
def test_any_list_is_cut_between_items_with_the_exact_count(lengths, limit, max_sections, max_items, head):
    lines = [f"• {n}:" + "x" * length for n, length in enumerate(lengths)]
    texts = list_sections(lines, head=head, empty="none", max_items=max_items, max_sections=max_sections,
                          limit=limit)
    assert 1 <= len(texts) <= max_sections and all(len(text) <= limit for text in texts)
    body = "\n".join(texts).splitlines()
    if head:
        assert body[0] == head
    shown = [line for line in body if line.startswith("• ")]
    assert shown == lines[:len(shown)]  # whole lines, the first ones, in order
    more = [line for line in body if re.fullmatch(r"and \d+ more", line)]
    if len(shown) < len(lines):
        assert more == [f"and {len(lines) - len(shown)} more"] and body[-1] == more[0]
    else:
        assert more == []
    if max_items is not None:
        assert len(shown) <= max_items


def test_empty_lists_and_the_simple_cases():
    assert list_text([], head="*Open*", empty="none") == "*Open*\nnone"
    assert list_text([], empty="") == ""
    assert list_text(["• a", "• b", "• c"], max_items=2) == "• a\n• b\nand 1 more"
    assert list_text(["• a", "• b"], more="and {n} more engagements", max_items=1) == "• a\nand 1 more engagements"
    assert cut([1, 2, 3], 2) == ([1, 2], "and 1 more") and cut([1], 2) == ([1], None)
    assert list_text(["• " + "y" * 5000]) == "and 1 more"  # an item too long for any section is counted, not cut
