"""`/logtime` text: durations, categories and their aliases, date words, the note, and every refusal's reason."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.formatting import duration as format_minutes
from bot.services.categories import ALIASES, CATEGORIES, resolve_category, suggest_category
from bot.services.logtime_parser import (
    LogtimeRequest,
    parse_date_word,
    parse_duration,
    parse_logtime,
)

TODAY = date(2026, 11, 18)  # a Wednesday
# One "today" per weekday, so that weekday names are checked on every day of the week.
TODAYS = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]

WEEKDAY_SPELLINGS = {
    0: ["monday", "mon", "Monday"],
    1: ["tuesday", "tue", "tues", "Tuesday"],
    2: ["wednesday", "wed", "WEDNESDAY"],
    3: ["thursday", "thu", "thur", "thurs", "Thursday"],
    4: ["friday", "fri", "Friday"],
    5: ["saturday", "sat", "Saturday"],
    6: ["sunday", "sun", "Sunday"],
}


def _most_recent(weekday: int, today: date) -> date:
    """The latest day on or before `today` that falls on `weekday`, found by walking back."""
    day = today
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def _looks_like_a_date_word(word: str) -> bool:
    """Deliberately broader than the parser, so that generated notes never contain a date word."""
    key = word.lower().strip(",.")
    return (key in {"today", "yesterday"} or re.match(r"(mon|tue|wed|thu|fri|sat|sun)", key) is not None
            or re.fullmatch(r"\d{4}-\d{2}-\d{2}", key) is not None)


def _reason(text: str, today: date = TODAY) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        parse_logtime(text, today=today)
    assert refused.value.message.strip(), "a refusal must say why"
    return refused.value


# --- the issue's examples --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("1h30m architecture queue design", LogtimeRequest(90, "architecture", TODAY, "queue design")),
    ("45m review PR 142 yesterday", LogtimeRequest(45, "review", date(2026, 11, 17), "PR 142")),
    ("2h hiring 2026-11-10 interviews", LogtimeRequest(120, "hiring", date(2026, 11, 10), "interviews")),
    ("1h 30m arch queue design", LogtimeRequest(90, "architecture", TODAY, "queue design")),
    ("1.5h cr auth service", LogtimeRequest(90, "review", TODAY, "auth service")),
    ("90m 1:1 with Sam", LogtimeRequest(90, "one-on-one", TODAY, "with Sam")),
    ("1:30 1on1 with Sam", LogtimeRequest(90, "one-on-one", TODAY, "with Sam")),
    ("30m interview backend candidate", LogtimeRequest(30, "hiring", TODAY, "backend candidate")),
    ("2h build", LogtimeRequest(120, "build", TODAY, "")),
    ("1h ARCH Monday spike", LogtimeRequest(60, "architecture", date(2026, 11, 16), "spike")),
    ("1hr 15min standup daily sync", LogtimeRequest(75, "standup", TODAY, "daily sync")),
    ("1,5h vendor renewal", LogtimeRequest(90, "vendor", TODAY, "renewal")),
])
def test_the_documented_forms_parse(text, expected):
    assert parse_logtime(text, today=TODAY) == expected


def test_the_issues_iso_date_example_parses_once_that_date_has_come():
    assert parse_logtime("2h hiring 2026-11-20 interviews", today=date(2026, 11, 20)) == LogtimeRequest(
        120, "hiring", date(2026, 11, 20), "interviews")


def test_only_the_first_date_word_is_the_date_later_ones_stay_in_the_note():
    request = parse_logtime("1h review yesterday follow-up to today's call today", today=TODAY)
    assert request.work_date == date(2026, 11, 17)
    assert request.note == "follow-up to today's call today"


def test_a_date_word_with_trailing_punctuation_is_still_the_date():
    request = parse_logtime("1h review yesterday, auth PR", today=TODAY)
    assert (request.work_date, request.note) == (date(2026, 11, 17), "auth PR")


# --- parse_duration, parse_date_word, format_minutes -------------------------------------------------------------


@pytest.mark.parametrize(("text", "minutes"), [
    ("1h30m", 90), ("1h 30m", 90), ("1.5h", 90), ("90m", 90), ("1:30", 90), ("0:45", 45), ("12:00", 720),
    ("2h", 120), ("2H", 120), ("45min", 45), ("3 hours", 180), ("1.25h", 75), ("12h", 720), ("720m", 720),
])
def test_parse_duration(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(("word", "expected"), [
    ("today", TODAY), ("Today", TODAY), ("yesterday", date(2026, 11, 17)), ("2026-10-05", date(2026, 10, 5)),
    ("wednesday", TODAY),  # today is a Wednesday: the most recent Wednesday is today
    ("wed", TODAY),
    ("tuesday", date(2026, 11, 17)), ("monday", date(2026, 11, 16)),
    ("thursday", date(2026, 11, 12)),  # not tomorrow: last week's
    ("sunday", date(2026, 11, 15)), ("sat", date(2026, 11, 14)), ("fri", date(2026, 11, 13)),
    ("queue", None), ("design", None), ("142", None),
])
def test_parse_date_word(word, expected):
    assert parse_date_word(word, today=TODAY) == expected


@pytest.mark.parametrize("word", ["2026-02-30", "2026-13-01", "0000-01-01"])
def test_an_impossible_iso_date_is_refused_by_name(word):
    with pytest.raises(InvalidInput) as refused:
        parse_date_word(word, today=TODAY)
    assert word in refused.value.message and "not a real date" in refused.value.message


@given(today=st.sampled_from(TODAYS), weekday=st.integers(0, 6), data=st.data())
def test_weekday_names_mean_the_most_recent_one_today_included(today, weekday, data):
    spelling = data.draw(st.sampled_from(WEEKDAY_SPELLINGS[weekday]))
    resolved = parse_date_word(spelling, today=today)
    assert resolved == _most_recent(weekday, today)
    assert today - timedelta(days=6) <= resolved <= today


@pytest.mark.parametrize(("minutes", "text"), [(90, "1h 30m"), (45, "45m"), (120, "2h"), (0, "0m"), (-90, "-1h 30m"),
                                                (720, "12h"), (61, "1h 1m")])
def test_format_minutes(minutes, text):
    assert format_minutes(minutes) == text


@given(st.integers(1, 720))
def test_format_minutes_reads_back_as_the_same_duration(minutes):
    assert parse_duration(format_minutes(minutes)) == minutes


# --- categories ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "category"), [
    ("arch", "architecture"), ("1:1", "one-on-one"), ("1on1", "one-on-one"), ("cr", "review"),
    ("interview", "hiring"), ("Architecture", "architecture"), ("BUILD", "build"), (" review ", "review"),
])
def test_aliases_resolve(word, category):
    assert resolve_category(word) == category


def test_every_alias_points_at_a_real_category():
    assert set(ALIASES.values()) <= set(CATEGORIES)
    assert not set(ALIASES) & set(CATEGORIES)


def test_categories_have_the_modes_of_the_design():
    assert CATEGORIES == {
        "standup": "support", "review": "decide", "one-on-one": "decide", "hiring": "decide",
        "architecture": "decide", "roadmap": "decide", "async": "support", "build": "execute",
        "vendor": "decide", "audit": "decide"}


@pytest.mark.parametrize(("typo", "nearest"), [
    ("archtecture", "architecture"), ("hirng", "hiring"), ("reveiw", "review"), ("standpu", "standup"),
    ("roadmpa", "roadmap"),
])
def test_a_near_miss_suggests_the_nearest_category(typo, nearest):
    assert resolve_category(typo) is None
    assert suggest_category(typo) == nearest
    refused = _reason(f"1h {typo} queue design")
    assert f"`{typo}`" in refused.message
    assert f"Did you mean `{nearest}`" in refused.message
    assert refused.field == "category"


def test_a_word_far_from_every_category_is_refused_without_a_guess():
    refused = _reason("1h zzqxj queue design")
    assert "`zzqxj` is not a category" in refused.message
    assert "Did you mean" not in refused.message
    assert "architecture" in refused.message  # the list of categories is given instead


# --- (a) parse_logtime never raises anything but InvalidInput ----------------------------------------------------

DURATION_TOKENS = st.one_of(
    st.sampled_from(["1h30m", "1h", "30m", "1.5h", "90m", "1:30", "0h", "0m", "0:00", "-1h", "-30m", "13h", "721m",
                     "12:01", "99:99", "1:3", "1:60", "1,5h", "2 h", "h", "m", ":", "1.h", ".5h", "1..5h", "٣h",
                     "1h 30m", "+1h", "1e3h", "0.001h", "0.5m", "10000:00", "1hour", "1hours30mins"]),
    st.from_regex(r"-?\d{1,5}([.,]\d{1,3})?(h|m|hr|hrs|min|mins|hours|minutes)?", fullmatch=True),
    st.from_regex(r"\d{1,4}:\d{1,3}", fullmatch=True),
)
WORD_TOKENS = st.one_of(
    st.sampled_from([*CATEGORIES, *ALIASES, "archtecture", "PR", "142", "queue", "design", "", "  "]),
    st.sampled_from(["today", "yesterday", "monday", "tues", "thurs", "Sunday", "2026-11-20", "2026-02-30",
                     "2026-13-01", "9999-12-31", "0000-01-01", "2026-11-18,", "today.", "١٢٣٤-١١-١١"]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.text(max_size=12),
)


def _check_outcome(text: str, today: date) -> None:
    try:
        request = parse_logtime(text, today=today)
    except InvalidInput as refused:
        assert refused.message.strip()
        return
    assert 1 <= request.minutes <= 720
    assert request.category in CATEGORIES
    assert request.work_date <= today
    assert len(request.note) <= 2000


@given(text=st.text(), today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
@example(text="", today=TODAY)
@example(text="1h", today=TODAY)
@example(text="1h review 2026-02-30", today=TODAY)
def test_arbitrary_text_is_parsed_or_refused_never_crashes(text, today):
    _check_outcome(text, today)


@given(duration=DURATION_TOKENS, words=st.lists(WORD_TOKENS, max_size=6), today=st.sampled_from(TODAYS),
       separator=st.sampled_from([" ", "  ", "\t", " \n "]))
def test_plausible_text_is_parsed_or_refused_never_crashes(duration, words, today, separator):
    _check_outcome(separator.join([duration, *words]), today)


@pytest.mark.parametrize("text", [
    "9" * 400 + "h review",
    "9" * 400 + "m review",
    "1" + "0" * 400 + ":00 review",
    "9" * 400 + "h 30m review",
])
def test_absurdly_long_numbers_are_refused_not_crashed(text):
    """A duration too long for a float must be refused like any other over-long entry."""
    refused = _reason(text)
    assert "more than 12 h" in refused.message


# --- (b) accepted input round-trips ------------------------------------------------------------------------------


def _render_duration(minutes: int, form: str) -> str:
    hours, rest = divmod(minutes, 60)
    if form == "1h30m":
        return f"{hours}h{rest}m"
    if form == "1h 30m":
        return f"{hours}h {rest}m"
    if form == "1.5h":
        return f"{minutes / 60:.2f}".rstrip("0").rstrip(".") + "h"
    if form == "90m":
        return f"{minutes}m"
    return f"{hours}:{rest:02d}"


NOTE_WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#-_/(),.'?!", min_size=1,
            max_size=10).filter(lambda w: not _looks_like_a_date_word(w)),
    max_size=6)


@st.composite
def date_words(draw, today: date) -> tuple[str | None, date]:
    kind = draw(st.sampled_from(["none", "today", "yesterday", "weekday", "iso"]))
    if kind == "none":
        return None, today
    if kind == "today":
        return draw(st.sampled_from(["today", "Today"])), today
    if kind == "yesterday":
        return "yesterday", today - timedelta(days=1)
    if kind == "weekday":
        weekday = draw(st.integers(0, 6))
        return draw(st.sampled_from(WEEKDAY_SPELLINGS[weekday])), _most_recent(weekday, today)
    day = today - timedelta(days=draw(st.integers(0, 60)))
    return day.isoformat(), day


@given(minutes=st.integers(1, 720), form=st.sampled_from(["1h30m", "1h 30m", "1.5h", "90m", "1:30"]),
       category_word=st.sampled_from([*CATEGORIES, *ALIASES]), case=st.sampled_from([str, str.upper, str.title]),
       today=st.sampled_from(TODAYS), note=NOTE_WORDS, data=st.data())
def test_accepted_input_round_trips(minutes, form, category_word, case, today, note, data):
    if form == "1.5h" and minutes % 3:
        form = "90m"  # decimal hours are only exact for multiples of 3 minutes (0.05 h)
    date_word, expected_date = data.draw(date_words(today))
    rest = list(note)
    if date_word is not None:
        # A date word counts right after the category or as the last word.
        rest.insert(data.draw(st.sampled_from([0, len(rest)])), date_word)
    text = " ".join([_render_duration(minutes, form), case(category_word), *rest])

    request = parse_logtime(text, today=today)

    assert request == LogtimeRequest(minutes=minutes, category=resolve_category(category_word) or "",
                                     work_date=expected_date, note=" ".join(note))


# --- (c) every refusal names its reason -------------------------------------------------------------------------


@given(number=st.one_of(st.integers(0, 10**6).map(str),
                        st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False).map(str)),
       rest=st.sampled_from(["review", "architecture queue design", ""]))
def test_a_bare_number_is_refused_as_ambiguous(number, rest):
    refused = _reason(f"{number} {rest}")
    assert "ambiguous" in refused.message
    assert f"{number}h" in refused.message and f"{number}m" in refused.message  # and says how to fix it


@pytest.mark.parametrize("duration", ["0h", "0m", "0:00", "0h0m", "0h 0m", "0.0h", "0.001h", "0.4m"])
def test_zero_is_refused(duration):
    assert "longer than zero" in _reason(f"{duration} review").message


@given(minutes=st.integers(721, 10_000), form=st.sampled_from(["1h30m", "1h 30m", "90m", "1:30"]))
def test_more_than_twelve_hours_in_one_entry_is_refused(minutes, form):
    assert "more than 12 h" in _reason(f"{_render_duration(minutes, form)} build").message


@pytest.mark.parametrize("duration", ["12h1m", "12.5h", "721m", "12:01", "13h", "24h"])
def test_just_over_twelve_hours_is_refused(duration):
    assert "more than 12 h" in _reason(f"{duration} build").message


@given(days_ahead=st.integers(1, 800), today=st.sampled_from(TODAYS))
def test_a_future_date_is_refused(days_ahead, today):
    future = today + timedelta(days=days_ahead)
    refused = _reason(f"1h review {future.isoformat()} prep", today=today)
    assert "future" in refused.message and future.isoformat() in refused.message


@given(word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=14).filter(
    lambda w: resolve_category(w) is None))
def test_an_unknown_category_is_refused_by_name(word):
    refused = _reason(f"1h {word} notes here")
    assert f"`{word}` is not a category" in refused.message
    assert refused.field == "category"
    nearest = suggest_category(word)
    if nearest is None:
        assert "Did you mean" not in refused.message
    else:
        assert f"Did you mean `{nearest}`" in refused.message


@given(minutes=st.integers(1, 720), form=st.sampled_from(["1h30m", "90m", "1:30", "1.5h"]))
def test_a_negative_duration_is_refused_as_negative(minutes, form):
    refused = _reason(f"-{_render_duration(minutes, form)} review")
    assert "negative" in refused.message


def test_empty_text_and_a_missing_category_are_refused_with_an_example():
    assert "/logtime 1h30m" in _reason("").message
    assert "/logtime 1h30m" in _reason("   ").message
    missing = _reason("1h30m")
    assert "category" in missing.message.lower() and missing.field == "category"


@pytest.mark.parametrize("duration", ["1h30", "abc", "1:3", "1:75", "h", "1.h", "+1h", "1e3h"])
def test_an_unreadable_duration_is_refused_by_name(duration):
    refused = _reason(f"{duration} review")
    assert duration.split()[0] in refused.message
    assert "1h30m" in refused.message  # the forms that do work are named


def test_a_weekday_word_inside_the_note_stays_in_the_note():
    today = date(2026, 11, 22)
    request = parse_logtime("1h review with Bob sat here", today=today)
    assert (request.work_date, request.note) == (today, "with Bob sat here")
    assert parse_logtime("1h review sat with Bob", today=today).work_date == date(2026, 11, 21)


def test_spelled_out_units_are_one_duration():
    assert parse_logtime("2 hours review", today=date(2026, 11, 22)).minutes == 120
    assert parse_logtime("90 min standup", today=date(2026, 11, 22)).minutes == 90
