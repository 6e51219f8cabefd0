"""The net metering annual report of OAR 860-039-0070 (due April 1): net metering facilities
by resource type and their total estimated rated capacity, the record of each facility (size,
location, generator type, installation date), and the review records of OAR 860-082-0065(1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.reports.annual import Year, add_review_records, by_key, capacity_kw, period_text
from cases.reports.records import AnnualCase
from cases.reports.xlsx import Column, cover_sheet, new_workbook, table_sheet, workbook_bytes

_FACILITY_COLUMNS = (
    Column("case", 15), Column("generator type", 16), Column("nameplate kW AC", 11, "number"),
    Column("nameplate kW DC", 11, "number"), Column("capacity counted kW", 11, "number"), Column("site address", 28),
    Column("city", 14), Column("ZIP code", 10), Column("installed", 12, "date"), Column("stage now", 18),
)


def in_service_by(cases: Sequence[AnnualCase], day: date) -> list[AnnualCase]:
    """Facilities interconnected on or before `day` and not withdrawn since."""
    return [c for c in cases if c.in_service_on is not None and c.in_service_on <= day
            and c.stage not in ("withdrawn", "deemed_withdrawn")]


def net_metering_xlsx(cases: Sequence[AnnualCase], year: Year, generated_at: datetime, zone: ZoneInfo) -> bytes:
    """The report for `year` from the net metering cases received up to its end."""
    facilities = in_service_by(cases, date(year.year, 12, 31))
    added = [c for c in facilities if year.within(c.in_service_on)]
    totals, new = by_key(facilities, "type"), by_key(added, "type")
    workbook = new_workbook()
    table_sheet(workbook, "By resource type", "ByResourceType", (
        Column("resource type", 18), Column("facilities at year end", 12, "int"),
        Column("rated capacity kW", 13, "number"), Column("added in the year", 11, "int"),
        Column("capacity added kW", 12, "number")),
        [(name, *totals[name], *new.get(name, (0, 0.0))) for name in totals], freeze="A2")
    table_sheet(workbook, "Facilities", "Facilities", _FACILITY_COLUMNS, [
        (c.number, (c.facility_type or "not stated").replace("_", " "), c.nameplate_kw_ac, c.nameplate_kw_dc,
         capacity_kw(c), c.address, c.city, c.zip, c.in_service_on, c.stage.replace("_", " ")) for c in facilities])
    reviews = add_review_records(workbook, cases, year)
    cover_sheet(workbook, f"Net metering annual report {year.year}", [
        ("rule", "OAR 860-039-0070; review records as OAR 860-082-0065(1) asks of small generators"),
        ("period", period_text(year, generated_at, zone)), ("due to the Commission", date(year.year + 1, 4, 1)),
        ("generated", generated_at.astimezone(zone)),
        ("net metering facilities at year end", len(facilities)),
        ("total rated capacity kW", round(sum(capacity_kw(c) for c in facilities), 3)),
        ("facilities added in the year", len(added)),
        ("review records", f"sheet Review records: {reviews} decisions"),
    ], (
        ("A facility counts from the day its bidirectional meter was installed (the event log's move to "
        "\"meter exchanged\"), and while it is not withdrawn. Capacity is nameplate kW AC (kW DC where the "
        "application states no AC rating): the estimated rated capacity of OAR 860-039-0070."),
        ("Sheet Facilities is the record the rule asks the utility to keep: size, location, generator type and "
        "installation date of every net metering facility."),
    ))
    return workbook_bytes(workbook)
