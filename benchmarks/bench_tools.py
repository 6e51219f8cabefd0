"""What the benchmarks share: percentiles as the docs report them, and a cProfile printout."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from typing import Any


def percentile(values: list[float], pct: float) -> float:
    """The `pct`-th percentile, interpolated between the two nearest ranks."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def profile(run: Callable[[], Any], title: str, top: int = 15) -> None:
    """Run once under cProfile and print the `top` functions by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"--- profile: {title} ---")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
