"""Clock compliance: the terminal table, the workbook, and the statistics behind them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
from conftest import Run

from app.rules_files import load_catalog
from cases.reports.clocks import clock_teams, compliance, lapse_outcome
from cases.reports.days import BusinessDayCounter, median, percentile
from cases.reports.records import ClockOutcome, LogEntry
from cases.rulebook import RuleBook


def _table(sheet: object) -> dict[str, dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    return {str(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_report_counts_met_lapsed_extended_and_says_what_followed_each_lapse(
        run: Run, numbers: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "clocks.xlsx"
    text = run("clocks", "--from", "2025-01-01", "--to", "2026-06-30", "--xlsx", str(path)).output
    assert text.startswith("Clock compliance 2025-01-01 to 2026-06-30 (generated ")
    lapses = [line.strip() for line in text.splitlines() if line.startswith("  IC-")]
    assert len(lapses) == 4
    assert lapses[0].startswith(numbers["nm_lapsed"])
    assert lapses[0].endswith("applicant supplies missing information [OAR 860-039-0025(2)] due 2025-05-20: "
                              "deemed withdrawn")
    assert any(x.startswith(numbers["nm_deemed"]) and x.endswith("due 2026-02-03: deemed approved") for x in lapses)
    assert any(x.startswith(numbers["sg_t4"]) and "schedule the scoping meeting" in x and x.endswith("escalated")
               for x in lapses)
    assert "Lapsed: 4" in text

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Cover", "By clock", "By team", "Lapsed"]
    by_clock = workbook["By clock"]
    assert "ByClock" in by_clock.tables
    assert by_clock.freeze_panes == "B2"
    clocks = _table(by_clock)
    cure = clocks["applicant supplies missing information"]
    assert (cure["met"], cure["lapsed"], cure["extended"]) == (0, 1, 1)
    ack = clocks["acknowledgement and completeness notice"]
    # Five net-metering acknowledgements, each met the business day after receipt.
    assert (ack["met"], ack["lapsed"], ack["median business days"], ack["90th percentile business days"]) == \
        (5, 0, 1, 1)
    total = clocks["all clocks"]
    assert (total["met"], total["lapsed"], total["extended"]) == (12, 4, 1)
    teams = _table(workbook["By team"])
    assert (teams["applicant"]["lapsed"], teams["coordinator"]["lapsed"], teams["protection"]["lapsed"]) == (1, 1, 2)
    lapsed = _table(workbook["Lapsed"])
    row = lapsed[numbers["nm_lapsed"]]
    assert (row["due"], row["outcome"], row["citation"]) == (datetime(2025, 5, 20), "deemed withdrawn",
                                                            "OAR 860-039-0025(2)")
    cover = {r[0]: r[1] for r in workbook["Cover"].iter_rows(values_only=True) if r[0]}
    assert (cover["period from"], cover["period to"], cover["lapsed"]) == (datetime(2025, 1, 1),
                                                                          datetime(2026, 6, 30), 4)
    assert isinstance(cover["generated"], datetime)


def test_a_period_before_any_clock_reports_nothing(run: Run, numbers: dict[str, str]) -> None:
    text = run("clocks", "--from", "2024-01-01", "--to", "2024-12-31").output
    assert "Lapsed: 0" in text
    assert " all clocks " in text.replace("all clocks", " all clocks ")
    bad = run("clocks", "--from", "2025-02-01", "--to", "2025-01-01", ok=False)
    assert str(bad.exception) == "--from 2025-02-01 is after --to 2025-01-01"


def _outcome(name: str, started: date, stopped: date, status: str = "met") -> ClockOutcome:
    return ClockOutcome("IC-2026-00001", "A", "net_metering", 1, name, name, "OAR", started, stopped, None,
                        stopped, status, None)


def test_median_and_90th_percentile_are_business_days(book: RuleBook) -> None:
    # Started Monday 2026-11-02; stopped 1..10 business days later, Veterans Day (Nov 11) excluded.
    starts = date(2026, 11, 2)
    stops = [book.calendar.add_business_days(starts, n) for n in range(1, 11)]
    outcomes = [_outcome("x", starts, stop, "met" if n < 9 else "lapsed") for n, stop in enumerate(stops, 1)]
    days = BusinessDayCounter(book.calendar, starts, date(2026, 12, 31))
    report = compliance(outcomes, {"x": "coordinator"}, days, starts, date(2026, 12, 31))
    line = report.by_clock[0]
    assert (line.met, line.lapsed, line.median_days, line.p90_days) == (8, 2, 5.5, 9)
    assert report.by_team[0].key == "coordinator"
    assert (median([]), percentile([], 0.9), percentile([3], 0.9), median([1, 2, 4])) == (None, None, 3, 2.0)


def test_the_counter_agrees_with_the_calendar_over_two_years(book: RuleBook) -> None:
    first, last = date(2025, 1, 1), date(2026, 12, 31)
    counter = BusinessDayCounter(book.calendar, first, last)
    days = [date.fromordinal(first.toordinal() + n) for n in range(0, 730, 7)]
    for start in days[::5]:
        for end in days:
            assert counter.between(start, end) == book.calendar.business_days_between(start, end)
    outside = date(2027, 3, 1)
    assert counter.between(first, outside) == book.calendar.business_days_between(first, outside)


def test_lapse_outcomes_are_read_from_the_log() -> None:
    at = datetime(2026, 2, 5, 14)
    lapsed = LogEntry(at, "clock lapsed", {"clock c": ["running", "lapsed"]}, None)
    assert lapse_outcome("c", date(2026, 2, 3), [lapsed, LogEntry(at, "escalated", {}, "lapsed")]) == "escalated"
    withdrawn = LogEntry(at, "stage changed", {"stage": ["incomplete", "deemed_withdrawn"]}, "deemed withdrawn")
    assert lapse_outcome("c", None, [lapsed, withdrawn]) == "deemed withdrawn"
    later = LogEntry(datetime(2026, 2, 6), "escalated", {}, None)
    assert lapse_outcome("c", None, [lapsed, later]) == "lapsed; no outcome recorded"
    late = LogEntry(at, "clock stopped", {"clock c": ["running", "lapsed"]}, None)
    assert lapse_outcome("c", date(2026, 2, 9), [late]) == "met late on 2026-02-09"
    assert lapse_outcome("other", None, [lapsed]) is None


def test_every_shipped_clock_has_a_team() -> None:
    teams = clock_teams(load_catalog(None).rule_sets)
    assert teams["nm_cure_missing_info"] == "applicant"
    assert teams["nm_ack_and_completeness"] == "coordinator"
    assert teams["sg_tier2_decision"] == "protection"
    assert "unassigned" not in teams.values()
