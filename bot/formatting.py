"""How ctobot writes durations and hours, on every surface: one precision, never a tenth.

A duration is shown as `3h 15m`; decimal hours (CSV, JSON) carry two decimals, and a column of them is
rounded so that it sums exactly to its total (largest remainder), so no minute is lost or invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def duration(minutes: int) -> str:
    """`1h 30m`, `45m`, `2h`, `0m`, `-1h 15m`."""
    whole, rest = divmod(abs(int(minutes)), 60)
    sign = "-" if minutes < 0 else ""
    if whole and rest:
        return f"{sign}{whole}h {rest}m"
    return f"{sign}{whole}h" if whole else f"{sign}{rest}m"


def business_time(hours: float | None) -> str:
    """A wait in business hours to the minute: `3h 30m`, or `—` when there is none."""
    return "—" if hours is None else duration(round(hours * 60))


def signed_duration(minutes: int) -> str:
    """`+1h 45m`, `-30m`, `±0m`: a change."""
    if minutes == 0:
        return "±0m"
    return ("+" if minutes > 0 else "") + duration(minutes)


def hours_value(minutes: int) -> Decimal:
    """Minutes as decimal hours to the hundredth, half up: 90 -> 1.50, 20 -> 0.33, 25 -> 0.42."""
    return (Decimal(int(minutes)) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_hours(minutes: int) -> str:
    """`1.5`, `0.33`, `2`: a cell of decimal hours, trailing zeros dropped."""
    return _plain(hours_value(minutes))


def hours_column(minutes: Sequence[int]) -> list[str]:
    """Decimal hours for each row, rounded so that the column sums exactly to `decimal_hours(sum(minutes))`.

    Each row is first cut down to the hundredth; the hundredths still missing from the total go, one each, to
    the rows that lost the most in the cut (ties: the earlier row). Rows of whole quarter hours are exact.
    """
    exact = [Decimal(int(m)) / 60 for m in minutes]
    floors = [value.quantize(CENT, rounding="ROUND_FLOOR") for value in exact]
    missing = int((hours_value(sum(int(m) for m in minutes)) - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:max(missing, 0)]:
        floors[i] += CENT
    return [_plain(value) for value in floors]


def _plain(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def band(floor_minutes: int, top_minutes: int) -> str:
    """`20–25 h` for whole hours, else `15h 27m–19h 19m`."""
    if floor_minutes % 60 == 0 and top_minutes % 60 == 0:
        return f"{floor_minutes // 60}–{top_minutes // 60} h"
    return f"{duration(floor_minutes)}–{duration(top_minutes)}"


def whole_percents(shares: Sequence[Fraction]) -> list[int]:
    """Shares of one whole (summing to 1) as whole percents that sum exactly to 100, by the same largest-remainder
    rule as `hours_column`: each is cut down to the percent, and the percents still missing go, one each, to the
    shares that lost the most (ties: the earlier one). Shares summing to less than 1 sum to their own rounding."""
    exact = [Fraction(share) * 100 for share in shares]
    floors = [int(value) for value in exact]  # shares are never negative, so int() is the floor
    missing = round(sum(exact, Fraction(0))) - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:max(missing, 0)]:
        floors[i] += 1
    return floors
