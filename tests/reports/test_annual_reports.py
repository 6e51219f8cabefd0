"""The annual reports: OAR 860-082-0065(3) for small generators and 860-039-0070 for net
metering, each with its cover and the review records of 860-082-0065(1)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from conftest import Run

from cases.rulebook import RuleBook


def _table(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(v is not None for v in row)]


def _cover(workbook: Any) -> dict[str, Any]:
    return {row[0]: row[1] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]}


def test_small_generator_report_has_every_item_of_the_rule(run: Run, numbers: dict[str, str], book: RuleBook,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "sg.xlsx"
    assert run("annual-small-generator", "2025", "--xlsx", str(path)).output == f"wrote {path}\n"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Cover", "(c) Facility types", "(d) ZIP codes", "(e) Tier 3-4 telemetry",
                                   "(f) Tier 4 upgrades", "Applications", "Review records"]
    cover = _cover(workbook)
    assert cover["Small generator interconnection annual report 2025"] is None
    assert cover["rule"].startswith("OAR 860-082-0065(3)")
    assert cover["due to the Commission"] == datetime(2026, 5, 30)
    assert isinstance(cover["generated"], datetime)
    assert (cover["(a) complete applications received"], cover["(b) interconnections completed"]) == (2, 1)

    types = {row["facility type"]: row for row in _table(workbook["(c) Facility types"])}
    assert list(types["solar"].values()) == ["solar", 1, 150, 1, 150]
    assert list(types["hydro"].values()) == ["hydro", 1, 2500, 0, 0]
    zips = {row["ZIP code"]: list(row.values()) for row in _table(workbook["(d) ZIP codes"])}
    assert zips == {"97203": ["97203", 1, 150, 0, 0], "97030": ["97030", 0, 0, 1, 2500]}
    telemetry = _table(workbook["(e) Tier 3-4 telemetry"])
    assert [(r["case"], r["tier"], r["telemetry configuration"], r["telemetry design task"]) for r in telemetry] == \
        [(numbers["sg_t4"], 4, "not recorded", "open")]
    upgrades = _table(workbook["(f) Tier 4 upgrades"])
    assert [(r["case"], r["interconnection facilities and system upgrades"], r["estimated cost USD"],
             r["equipment ordered (purchase orders)"]) for r in upgrades] == \
        [(numbers["sg_t4"], "not recorded", "not recorded", "recloser (ordered)")]
    assert "FacilityTypes" in workbook["(c) Facility types"].tables

    reviews = {r["case"]: r for r in _table(workbook["Review records"])}
    tier2 = reviews[numbers["sg_t2"]]
    assert (tier2["complete"], tier2["decided"], tier2["decision"]) == (
        datetime(2025, 6, 3), datetime(2025, 6, 25), "approved with conditions")
    assert tier2["reasons"] == "approved with a recloser setting change"
    # Juneteenth (Thursday, June 19, 2025) is not a business day.
    assert tier2["review business days"] == book.calendar.business_days_between(date(2025, 6, 3),
                                                                                date(2025, 6, 25)) == 15
    sheet = workbook["Review records"]
    assert sheet.freeze_panes == "B2"
    assert sheet["D2"].is_date


def test_net_metering_report_counts_facilities_by_resource_type(run: Run, numbers: dict[str, str],
                                                                tmp_path: Path) -> None:
    path = tmp_path / "nm.xlsx"
    run("annual-net-metering", "2025", "--xlsx", str(path))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Cover", "By resource type", "Facilities", "Review records"]
    cover = _cover(workbook)
    assert cover["rule"].startswith("OAR 860-039-0070")
    assert cover["due to the Commission"] == datetime(2026, 4, 1)
    assert cover["period"] == "January 1 – December 31, 2025"
    assert (cover["net metering facilities at year end"], cover["total rated capacity kW"]) == (1, 7.6)
    assert [list(r.values()) for r in _table(workbook["By resource type"])] == [["solar", 1, 7.6, 1, 7.6]]
    facility = _table(workbook["Facilities"])[0]
    assert (facility["case"], facility["ZIP code"], facility["installed"]) == (numbers["nm_done"], "97217",
                                                                               datetime(2025, 4, 15))
    reviews = _table(workbook["Review records"])
    assert [(r["case"], r["decision"], r["reasons"]) for r in reviews] == [
        (numbers["nm_done"], "approved", "meets the Tier 1 screens")]

    later = tmp_path / "nm2026.xlsx"
    run("annual-net-metering", "2026", "--xlsx", str(later))
    workbook = openpyxl.load_workbook(later)
    assert [list(r.values()) for r in _table(workbook["By resource type"])] == [["solar", 1, 7.6, 0, 0]]
    deemed = _table(workbook["Review records"])
    assert [(r["case"], r["decision"]) for r in deemed] == [(numbers["nm_deemed"], "approved")]
    assert deemed[0]["reasons"].startswith("deemed approved: Tier 1 decision before deemed approval")
