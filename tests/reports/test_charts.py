"""The charts: valid PNGs of 800 by 450 pixels, through the CLI and from busy synthetic data.

Each test also leaves its PNGs under pytest's base temporary folder (`charts/`) so a person can
look at them after the run.
"""

from __future__ import annotations

import random
import struct
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Run
from report_seed import TODAY
from support import pacific

from cases.reports import charts
from cases.reports.records import CaseReceipt, ClockOutcome
from cases.rulebook import RuleBook


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the PNG signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def keep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "charts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("name", ["stage-age", "weekly", "compliance"])
def test_each_chart_is_a_png_for_slack(run: Run, numbers: dict[str, str], tmp_path: Path, keep: Path,
                                       name: str, request: pytest.FixtureRequest) -> None:
    path = tmp_path / f"{name}.png"
    extra = ["--from", "2025-01-01"] if name == "compliance" else []
    assert run("chart", name, "--png", str(path), "--to", TODAY.isoformat(), *extra).output == f"wrote {path}\n"
    data = path.read_bytes()
    assert png_size(data) == (charts.WIDTH_PX, charts.HEIGHT_PX)
    (keep / f"seeded-{request.node.callspec.id}.png").write_bytes(data)


def test_chart_series_count_what_they_show(book: RuleBook) -> None:
    today = date(2026, 6, 30)
    receipts = [CaseReceipt(pacific(2026, 6, 29), "net_metering", "incomplete"),   # 1 business day
                CaseReceipt(pacific(2026, 6, 1), "net_metering", "incomplete"),    # 20: June 19 is a holiday
                CaseReceipt(pacific(2026, 5, 1), "small_generator", "in_review")]  # > 20
    series = charts.stage_age_series(receipts, book.calendar, today)
    assert series.labels == ("incomplete", "in review")
    assert series.values == {"0–5": [1, 0], "6–10": [0, 0], "11–20": [1, 0], ">20": [0, 1]}
    weekly = charts.weekly_series(receipts, book.calendar, date(2026, 6, 1), today)
    assert weekly.labels[0] == "Jun 01"
    assert len(weekly.labels) == 5
    assert weekly.values["net_metering"] == [1, 0, 0, 0, 1]
    clocks = [ClockOutcome("n", None, "net_metering", 1, "c", "c", "x", date(2026, 1, 2), date(2026, 1, 9), None,
                           date(2026, 1, 7), status, None) for status in ("met", "met", "lapsed")]
    monthly = charts.monthly_series(clocks, date(2025, 12, 1), date(2026, 2, 28))
    assert monthly.labels == ("Dec\n2025", "Jan\n2026", "Feb")
    assert monthly.values == {"met": [0, 2, 0], "lapsed": [0, 1, 0]}


def test_busy_desk_charts_stay_readable(book: RuleBook, keep: Path) -> None:
    """A year of a busy desk (about 60 applications a week), drawn to be looked at."""
    rng = random.Random(7)  # noqa: S311 - made-up data, not secrets
    today = date(2026, 11, 27)
    stages = ["received", "incomplete", "complete", "in_review", "approved", "agreement_executed", "construction",
              "local_inspection_passed", "utility_inspection", "meter_exchanged", "billing_enrolled"]
    open_cases = [CaseReceipt(pacific(2026, 11, 27) - timedelta(days=rng.randint(0, 60)), "net_metering",
                              rng.choice(stages)) for _ in range(240)]
    weeks_back = [CaseReceipt(datetime.combine(today - timedelta(days=rng.randint(0, 83)), datetime.min.time(),
                                               tzinfo=pacific(2026, 1, 1).tzinfo),
                              rng.choice(["net_metering"] * 5 + ["small_generator"]), "closed") for _ in range(720)]
    clocks = [ClockOutcome("n", None, "net_metering", 1, "c", "c", "x", day, day, None, day,
                           "lapsed" if rng.random() < 0.03 else "met", None)
              for day in (today - timedelta(days=rng.randint(0, 330)) for _ in range(3000))]
    start = today - timedelta(weeks=12) + timedelta(days=1)
    month = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    pictures = {
        "busy-stage-age": charts.stage_age_png(charts.stage_age_series(open_cases, book.calendar, today), today),
        "busy-weekly": charts.weekly_png(charts.weekly_series(weeks_back, book.calendar, start, today), start, today),
        "busy-compliance": charts.compliance_png(charts.monthly_series(clocks, month, today), month, today),
    }
    for name, data in pictures.items():
        assert png_size(data) == (800, 450)
        (keep / f"{name}.png").write_bytes(data)
