"""The manager digest's chart as outbox data: the scheduler queues the figures (stage, age band,
count) with the digest's text, and whichever process delivers the digest draws the PNG from
them. The figures are those of the morning the digest was made, so a digest delivered late
still shows the desk as its text describes it, and the outbox row stays small JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.reports import charts

STAGE_AGE = "stage-age"


@dataclass(frozen=True)
class ChartFile:
    """A drawn chart: its file name (unique per day, so a delivery can find an earlier upload of
    the same chart by name), a title, and the PNG bytes."""

    filename: str
    title: str
    data: bytes


def stage_age_chart(series: charts.Series, today: date) -> dict[str, Any]:
    """The payload of the open-cases-by-stage-and-age chart of `today`."""
    return {"name": STAGE_AGE, "day": today.isoformat(), "labels": list(series.labels),
            "values": {band: list(counts) for band, counts in series.values.items()}}


def _series(payload: Mapping[str, Any]) -> charts.Series:
    labels, values = payload.get("labels"), payload.get("values")
    if not isinstance(labels, list) or not isinstance(values, dict):
        raise ValueError("a chart payload needs labels and values")
    counts = {str(band): [int(n) for n in numbers] for band, numbers in values.items()}
    if any(len(numbers) != len(labels) for numbers in counts.values()):
        raise ValueError("each band of a chart payload needs one count per label")
    return charts.Series(tuple(str(label) for label in labels), counts)


def draw_chart(payload: Mapping[str, Any]) -> ChartFile:
    """The PNG a chart payload describes; `ValueError` when the payload is not one."""
    if payload.get("name") != STAGE_AGE:
        raise ValueError(f"unknown chart {payload.get('name')!r}")
    day = date.fromisoformat(str(payload.get("day")))
    return ChartFile(f"open-cases-by-stage-and-age-{day.isoformat()}.png",
                     f"Open cases by stage and age, {day:%B} {day.day}, {day.year}",
                     charts.stage_age_png(_series(payload), day))
