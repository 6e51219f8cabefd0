"""The manager's charts as PNG bytes, sized for Slack's preview (800 by 450 pixels): open cases
by stage and age, applications received per week by program, clock compliance per month.

matplotlib is imported and its Agg canvas attached inside `_render`: importing it costs
the command line half a second, and a canvas of our own leaves pyplot's global state alone
(the scheduler and the Slack app may draw in threads).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cases.calendar import BusinessCalendar
from cases.reports.days import BusinessDayCounter
from cases.reports.records import CaseReceipt, ClockOutcome
from cases.stages import PROCESS_ORDER, Stage

WIDTH_PX, HEIGHT_PX, DPI = 800, 450, 100
AGE_BANDS = ("0–5", "6–10", "11–20", ">20")
_AGE_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")
_PROGRAM_COLOURS = {"net_metering": "#1f77b4", "small_generator": "#ff7f0e"}
_STAGE_ORDER = [*PROCESS_ORDER, Stage.DENIED]


@dataclass(frozen=True)
class Series:
    """Bars to stack: one label per bar, one list of values per named series."""

    labels: tuple[str, ...]
    values: dict[str, list[int]]


def _band(days: int) -> int:
    return 0 if days <= 5 else 1 if days <= 10 else 2 if days <= 20 else 3


def stage_age_series(receipts: Sequence[CaseReceipt], calendar: BusinessCalendar, today: date) -> Series:
    """Open cases per stage (process order) split by business days since receipt (the receipt
    day as the clocks count it: after 17:00 or on a holiday it is the next business day)."""
    counts: Counter[tuple[str, int]] = Counter()
    anchors = [(r.stage, calendar.receipt_day(r.received_at)) for r in receipts]
    days = BusinessDayCounter(calendar, min([today, *(a for _, a in anchors)]), today)
    for stage, anchor in anchors:
        counts[stage, _band(max(days.between(anchor, today), 0))] += 1
    stages = [s.value for s in _STAGE_ORDER if any(counts[s.value, b] for b in range(4))]
    return Series(tuple(s.replace("_", " ") for s in stages),
                  {band: [counts[s, i] for s in stages] for i, band in enumerate(AGE_BANDS)})


def weekly_series(receipts: Sequence[CaseReceipt], calendar: BusinessCalendar, start: date, end: date) -> Series:
    """Applications received per week (weeks start on Monday, Pacific dates) by program."""
    first = start - timedelta(days=start.weekday())
    weeks = [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]
    counts = Counter((r.program, (d := calendar.local_date(r.received_at)) - timedelta(days=d.weekday()))
                     for r in receipts)
    programs = sorted({r.program for r in receipts}) or ["net_metering", "small_generator"]
    return Series(tuple(w.strftime("%b %d") for w in weeks),
                  {p: [counts[p, w] for w in weeks] for p in programs})


def monthly_series(outcomes: Sequence[ClockOutcome], start: date, end: date) -> Series:
    """Clocks met and lapsed per month of the day they stopped."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    counts = Counter((o.status, o.stopped_on.replace(day=1)) for o in outcomes if o.stopped_on is not None)
    return Series(tuple(m.strftime("%b\n%Y") if m.month == 1 or m == months[0] else m.strftime("%b") for m in months),
                  {status: [counts[status, m] for m in months] for status in ("met", "lapsed")})


def _render(draw: Callable[[Any], None]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 - see the module docstring
    from matplotlib.figure import Figure  # noqa: PLC0415 - see the module docstring

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.tick_params(labelsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    draw(axes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _stack(axes: Any, series: Series, colours: Sequence[str], *, horizontal: bool, totals: bool = True) -> list[int]:
    """Stacked bars of `series`; returns each bar's total. Totals are written at the bar ends
    when asked (and when there are few enough bars for the numbers to fit)."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - see the module docstring

    base = [0] * len(series.labels)
    positions = range(len(series.labels))
    for (name, values), colour in zip(series.values.items(), colours, strict=False):
        if horizontal:
            axes.barh(positions, values, left=base, color=colour, label=name.replace("_", " "))
        else:
            axes.bar(positions, values, bottom=base, color=colour, label=name.replace("_", " "), width=0.8)
        base = [b + v for b, v in zip(base, values, strict=True)]
    for position, total in zip(positions, base, strict=True):
        if totals and total and horizontal:
            axes.text(total, position, f" {total}", va="center", fontsize=10)
        elif totals and total and len(series.labels) <= 16:
            axes.text(position, total, str(total), ha="center", va="bottom", fontsize=9)
    # Headroom above the tallest bar for the legend and the numbers; whole cases on the count axis.
    (axes.set_xlim if horizontal else axes.set_ylim)(0, max([*base, 1]) * (1.1 if horizontal else 1.2))
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    return base


def stage_age_png(series: Series, today: date) -> bytes:
    """Open cases by stage, each bar split by age band (business days since receipt)."""
    def draw(axes: Any) -> None:
        _stack(axes, series, _AGE_COLOURS, horizontal=True)
        axes.set_yticks(range(len(series.labels)), series.labels)
        axes.invert_yaxis()
        total = sum(sum(v) for v in series.values.values())
        axes.set_title(f"Open cases by stage and age · {total} open · {today.isoformat()}", fontsize=14)
        axes.legend(title="business days since receipt:", fontsize=10, title_fontsize=10, ncols=5,
                    loc="upper center", bbox_to_anchor=(0.4, -0.12), frameon=False, alignment="left")
    return _render(draw)


def _columns(axes: Any, series: Series, every: int) -> None:
    axes.set_xticks(range(len(series.labels))[::every], series.labels[::every], rotation=0)
    axes.set_xlim(-0.6, len(series.labels) - 0.4)


def weekly_png(series: Series, start: date, end: date) -> bytes:
    """Applications received per week, stacked by program."""
    def draw(axes: Any) -> None:
        _stack(axes, series, [_PROGRAM_COLOURS.get(p, "#7f7f7f") for p in series.values], horizontal=False)
        _columns(axes, series, max(1, -(-len(series.labels) // 9)))
        total = sum(sum(v) for v in series.values.values())
        axes.set_title(f"Applications received per week · {total} from {start.isoformat()} to {end.isoformat()}",
                       fontsize=14)
        axes.set_ylabel("applications", fontsize=11)
        axes.legend(fontsize=10, loc="upper left", ncols=2)
    return _render(draw)


def compliance_png(series: Series, start: date, end: date) -> bytes:
    """Clocks met (green) and lapsed (red) per month."""
    def draw(axes: Any) -> None:
        totals = _stack(axes, series, ("#2e7d32", "#c62828"), horizontal=False, totals=False)
        for position, (total, lapsed) in enumerate(zip(totals, series.values["lapsed"], strict=True)):
            if lapsed and len(series.labels) <= 16:
                axes.text(position, total, f"{lapsed} lapsed", ha="center", va="bottom", fontsize=9, color="#c62828")
        _columns(axes, series, max(1, len(series.labels) // 12))
        met, lapsed = (sum(series.values[s]) for s in ("met", "lapsed"))
        share = f"{100 * met / (met + lapsed):.1f}% met" if met + lapsed else "no clocks stopped"
        axes.set_title(f"Clock compliance per month · {share} · {start:%b %Y}–{end:%b %Y}", fontsize=14)
        axes.set_ylabel("clocks stopped", fontsize=11)
        axes.legend(fontsize=10, loc="upper left", ncols=2)
    return _render(draw)
