"""Parsing `/logtime` text: a duration, a category, an optional date word, and the rest as the note.

Written here rather than taken from a library: pytimeparse reads `1:30` as 90 seconds and takes a bare
`2` as seconds, and dateparser would accept far more than we want to (and guess); the grammar is small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.calendar import DAY_INDEX
from bot.errors import InvalidInput
from bot.formatting import duration
from bot.services.categories import CATEGORIES, resolve_category, suggest_category

MAX_ENTRY_MINUTES = 12 * 60
EXAMPLE = "`/logtime 1h30m architecture queue design`"
_WEEKDAY_RE = re.compile(
    r"^(mon(?:day)?|tue(?:s|sday)?|wed(?:s|nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)$")

_H = r"([0-9]{1,6}(?:[.,][0-9]{1,6})?)\s*(?:h|hr|hrs|hour|hours)"
_M = r"([0-9]{1,6})\s*(?:m|min|mins|minute|minutes)"
_DURATION_RES = [
    (re.compile(rf"^{_H}\s*{_M}$"), "hm"),
    (re.compile(rf"^{_H}$"), "h"),
    (re.compile(r"^([0-9]{1,6}(?:[.,][0-9]{1,6})?)\s*(?:m|min|mins|minute|minutes)$"), "m"),
    (re.compile(r"^([0-9]{1,6}):([0-5][0-9])$"), "colon"),
]
_NUMBER_RE = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")
_NEGATIVE_RE = re.compile(r"^-\s*[0-9]")
_TOO_LONG_RE = re.compile(r"[0-9]{7,}")
_HOURS_WORD_RE = re.compile(r"^[0-9]+(?:[.,][0-9]+)?\s*(?:h|hr|hrs|hour|hours)$")
_MINUTES_WORD_RE = re.compile(r"^[0-9]+\s*(?:m|min|mins|minute|minutes)$")
_UNIT_WORD_RE = re.compile(r"^(?:h|hr|hrs|hour|hours|m|min|mins|minute|minutes)$")


@dataclass(frozen=True)
class LogtimeRequest:
    """What `/logtime` text asks for."""

    minutes: int
    category: str
    work_date: date
    note: str


def parse_duration(text: str) -> int:
    """Minutes in `1h30m`, `1h 30m`, `1.5h`, `90m` or `1:30`; InvalidInput for anything else."""
    raw = text.strip().lower()
    if _NEGATIVE_RE.match(raw):
        raise InvalidInput(f"`{text.strip()}` is negative: log the time you worked, e.g. {EXAMPLE}.", field="duration")
    if _NUMBER_RE.match(raw):
        raise InvalidInput(
            f"`{raw}` is ambiguous: say `{raw}h` or `{raw}m`, e.g. {EXAMPLE}.", field="duration")
    if _TOO_LONG_RE.search(raw):
        raise InvalidInput(f"`{raw[:12]}…` is more than 12 h in one entry: split it over the days you worked, "
                           "e.g. `/logtime 6h build yesterday`.", field="duration")
    for pattern, kind in _DURATION_RES:
        match = pattern.match(raw)
        if not match:
            continue
        if kind == "hm":
            minutes = round(float(match.group(1).replace(",", ".")) * 60) + int(match.group(2))
        elif kind == "h":
            minutes = round(float(match.group(1).replace(",", ".")) * 60)
        elif kind == "m":
            minutes = round(float(match.group(1).replace(",", ".")))
        else:
            minutes = int(match.group(1)) * 60 + int(match.group(2))
        return check_minutes(minutes)
    raise InvalidInput(f"I can't read `{text.strip()}` as a duration: use `1h30m`, `1.5h`, `90m` or `1:30`, "
                       f"e.g. {EXAMPLE}.", field="duration")


def check_minutes(minutes: int) -> int:
    """`minutes` if it is a loggable amount, else InvalidInput."""
    if minutes <= 0:
        raise InvalidInput(f"A time entry must be longer than zero minutes, e.g. {EXAMPLE}.", field="duration")
    if minutes > MAX_ENTRY_MINUTES:
        raise InvalidInput(f"{duration(minutes)} is more than 12 h in one entry: split it over the days you "
                           f"worked, e.g. `/logtime 6h build yesterday`.", field="duration")
    return minutes


def parse_date_word(word: str, *, today: date) -> date | None:
    """`today`, `yesterday`, a weekday (its latest occurrence, today included) or YYYY-MM-DD; else None."""
    key = word.strip().lower().rstrip(",.")
    if key == "today":
        return today
    if key == "yesterday":
        return today - timedelta(days=1)
    weekday = _WEEKDAY_RE.match(key)
    if weekday:
        target = DAY_INDEX[weekday.group(1)[:3]]
        return today - timedelta(days=(today.weekday() - target) % 7)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", key):
        try:
            return date.fromisoformat(key)
        except ValueError:
            raise InvalidInput(f"`{key}` is not a real date; dates look like `2026-11-20`.", field="date") from None
    return None


def check_work_date(work_date: date, *, today: date) -> date:
    """`work_date` unless it is in the future (in the user's time zone)."""
    if work_date > today:
        raise InvalidInput(f"{work_date.isoformat()} is in the future (today is {today.isoformat()} for you): "
                           "log time once it is worked.", field="date")
    return work_date


def resolve_or_refuse(word: str) -> str:
    """The category `word` names, or InvalidInput suggesting the nearest one."""
    category = resolve_category(word)
    if category:
        return category
    nearest = suggest_category(word)
    hint = f" Did you mean `{nearest}`?" if nearest else ""
    raise InvalidInput(f"`{word}` is not a category.{hint} Categories: {', '.join(CATEGORIES)}.", field="category")


def parse_logtime(text: str, *, today: date) -> LogtimeRequest:
    """Parse `1h30m architecture queue design yesterday` against the user's `today`."""
    words = text.split()
    if not words:
        raise InvalidInput(f"Say how long and on what, e.g. {EXAMPLE}.")
    # `2 hours review` and `1h 30m review`: a duration may take two words.
    if len(words) >= 2 and _NUMBER_RE.match(words[0]) and _UNIT_WORD_RE.match(words[1].lower()):
        words = [words[0] + words[1], *words[2:]]
    if len(words) >= 2 and _HOURS_WORD_RE.match(words[0].lower()) and _MINUTES_WORD_RE.match(words[1].lower()):
        duration_text, rest = f"{words[0]}{words[1]}", words[2:]
    else:
        duration_text, rest = words[0], words[1:]
    minutes = parse_duration(duration_text)
    if not rest:
        raise InvalidInput(f"Name a category after the duration, e.g. {EXAMPLE}. "
                           f"Categories: {', '.join(CATEGORIES)}.", field="category")
    category = resolve_or_refuse(rest[0])
    # A date word counts right after the category or as the very last word, so that a note such as
    # "sat with Bob about the roadmap" keeps its words.
    note_words = rest[1:]
    work_date = today
    for index in ((0, -1) if len(note_words) > 1 else (0,)) if note_words else ():
        parsed = parse_date_word(note_words[index], today=today)
        if parsed is not None:
            work_date = parsed
            note_words = note_words[:index] + note_words[index + 1:] if index == 0 else note_words[:-1]
            break
    return LogtimeRequest(minutes=minutes, category=category, work_date=check_work_date(work_date, today=today),
                          note=" ".join(note_words)[:2000])
