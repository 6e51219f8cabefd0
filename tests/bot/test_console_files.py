"""Files on the embedded desk, through the real `icdesk` script in a scratch folder: `report …`
in the terminal chat writes the workbook under var/reports and prints its path, and the manager
digest's chart is written there when the desk is moved to a digest morning."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support import contract

from bot.console import ConsolePoster
from cases.messaging import Channel, OutboxItem
from cases.ports import DeliveryFailed
from cases.reports import charts
from cases.reports.digest_chart import stage_age_chart

ICDESK = str(Path(sys.executable).with_name("icdesk"))


class Embedded:
    """icdesk in a scratch folder with the embedded defaults (var/icdesk.db, var/reports)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ICDESK_", "SLACK_"))}

    def run(self, *args: str, stdin: str = "") -> str:
        result = subprocess.run([ICDESK, *args], cwd=self.folder, env=self.env, input=stdin, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def new_case(self, received: str, **changes: Any) -> str:
        path = self.folder / "application.json"
        path.write_text(json.dumps(contract(**changes)), encoding="utf-8")
        shown = json.loads(self.run("case", "new", "--from-json", str(path), "--received-at", received,
                                    "--customer-class", "residential", "--json"))
        return str(shown["number"])


@pytest.fixture
def embedded(tmp_path: Path) -> Embedded:
    desk = Embedded(tmp_path)
    desk.new_case("2026-11-02T09:00:00-08:00")
    desk.new_case("2026-11-20T11:00:00-08:00", applicant__name="Linh Nguyen", site__address="1900 NW Lovejoy St",
                  site__account_number="5550001111")
    return desk


def test_report_in_the_terminal_writes_the_workbook_and_prints_its_path(embedded: Embedded) -> None:
    output = embedded.run("chat", "--role", "manager", stdin="report queue\nreport compliance 2026-10\n")
    # The team channels' posts (the cases' task cards, delivered after the first command) aside.
    lines = [line for line in output.splitlines() if not line.startswith("#ic-")]

    assert lines[0] == "Building the queue report (open cases as of today)…"
    assert lines[1].startswith("The queue on ")
    assert ": 2 open cases, " in lines[1]
    assert lines[2].startswith("wrote var/reports/queue-")
    assert lines[2].endswith(".xlsx")
    sheet = openpyxl.load_workbook(embedded.folder / lines[2].removeprefix("wrote "))["Queue"]
    listed = json.loads(embedded.run("case", "list", "--json"))
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == sorted(case["number"] for case in listed)
    for case in listed:
        assert rows[case["number"]][1] == case["applicant"]["name"]
        assert rows[case["number"]][9] == case["stage"].replace("_", " ")
    assert lines[3] == "Building the clock compliance report for October 2026…"
    assert lines[5] == "wrote var/reports/clock-compliance-2026-10-01-to-2026-10-31.xlsx"
    assert (embedded.folder / "var/reports/clock-compliance-2026-10-01-to-2026-10-31.xlsx").stat().st_size > 0


def test_report_is_refused_to_a_coordinator_in_the_terminal(embedded: Embedded) -> None:
    output = embedded.run("chat", stdin="report queue\nhelp\n")
    assert output.startswith("! `report` is for manager; ask a coordinator to give you that role.")
    assert "report <queue" not in output
    assert not (embedded.folder / "var/reports").exists()
    assert "report compliance last month" in embedded.run("chat", "--role", "manager", stdin="help\n")


def test_the_digest_morning_writes_the_managers_chart(embedded: Embedded) -> None:
    output = embedded.run("scheduler", "run-due", "--at", "2026-12-01T08:05:00-08:00")
    chart_line = next(line for line in output.splitlines() if line.startswith("#ic-manager") and "chart:" in line)
    path = embedded.folder / chart_line.split("chart: ", 1)[1]
    assert path == embedded.folder / "var/reports/open-cases-by-stage-and-age-2026-12-01.png"
    data = path.read_bytes()
    assert struct.unpack(">II", data[16:24]) == (charts.WIDTH_PX, charts.HEIGHT_PX)
    again = embedded.run("scheduler", "run-due", "--at", "2026-12-01T09:00:00-08:00")
    assert "chart:" not in again, "the digest and its chart are delivered once"


def test_a_chart_that_cannot_be_written_fails_the_delivery_before_printing(tmp_path: Path) -> None:
    printed: list[str] = []
    blocked = tmp_path / "reports"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    poster = ConsolePoster(lambda: None, printed.append, blocked)  # type: ignore[arg-type, return-value]
    series = charts.Series(("incomplete",), {band: [1] for band in charts.AGE_BANDS})
    item = OutboxItem("digest:2026-12-01:manager", Channel.SLACK, "team:manager",
                      {"kind": "digest", "text": "managers", "chart": stage_age_chart(series, date(2026, 12, 1))},
                      created_at=None)  # type: ignore[arg-type]
    with pytest.raises(DeliveryFailed, match="the chart could not be written"):
        poster.send(item)
    assert printed == [], "the digest is printed once, when its chart is written too"
