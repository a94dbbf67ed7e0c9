"""PNG charts for Slack, drawn with matplotlib's Agg backend (no display needed).

matplotlib is imported on first use: it costs ~50 MB and a second of CPU, which only the process that
posts digests (the clock) should pay, not the web workers that merely import the scheduler's modules.
"""

from __future__ import annotations

import io

from bot import formatting

WEEKS_PER_MONTH = 52 / 12


def _hm(hours: float) -> str:
    return formatting.duration(round(hours * 60))


def weekly_hours_png(*, labels: list[str], hours: list[float], band: tuple[float, float], title: str) -> bytes:
    """Bars of weekly hours over the monthly band spread evenly across weeks, as PNG bytes."""
    from matplotlib.figure import Figure  # a Figure, not pyplot: no global backend state, Agg renders savefig

    low, high = band[0] / WEEKS_PER_MONTH, band[1] / WEEKS_PER_MONTH
    figure = Figure(figsize=(8, 3.6), dpi=100)
    axes = figure.add_subplot()
    axes.axhspan(low, high, color="tab:green", alpha=0.15, label=f"band {_hm(low)}–{_hm(high)} a week")
    axes.bar(labels, hours, color=["tab:red" if h > high else "tab:blue" for h in hours])
    for x, value in enumerate(hours):
        axes.annotate(_hm(value), (x, value), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("hours")
    axes.set_title(title, fontsize=10)
    axes.set_ylim(0, max([high * 1.25, *[h * 1.15 for h in hours]]))
    axes.legend(loc="upper left", fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
