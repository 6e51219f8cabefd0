"""The regulator's annual reports: small generators (OAR 860-082-0065(3), due May 30) and net
metering (OAR 860-039-0070, due April 1), each with the review records of OAR 860-082-0065(1).

What icdesk does not record (telemetry configurations, Tier 4 upgrades and their costs) is
reported as "not recorded", never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.calendar import BusinessCalendar
from cases.reports.days import BusinessDayCounter
from cases.reports.records import AnnualCase
from cases.reports.xlsx import Column, cover_sheet, new_workbook, table_sheet, workbook_bytes

NOT_RECORDED = "not recorded"
APPROVALS = frozenset({"approved", "approved_with_conditions"})
_WITHDRAWN = frozenset({"withdrawn", "deemed_withdrawn"})


@dataclass(frozen=True)
class Year:
    """The calendar year a report covers, with the calendar its Pacific dates are taken in."""

    year: int
    calendar: BusinessCalendar

    def within(self, moment: datetime | date | None) -> bool:
        """Whether a time (its Pacific date) or a date falls in the year."""
        if moment is None:
            return False
        day = self.calendar.local_date(moment) if isinstance(moment, datetime) else moment
        return day.year == self.year

    def day(self, moment: datetime | None) -> date | None:
        return None if moment is None else self.calendar.local_date(moment)


def capacity_kw(case: AnnualCase) -> float:
    """The rated capacity counted for a facility: nameplate kW AC, else kW DC, else 0."""
    return case.nameplate_kw_ac or case.nameplate_kw_dc or 0.0


def _type(case: AnnualCase) -> str:
    return (case.facility_type or "not stated").replace("_", " ")


_REVIEW_COLUMNS = (
    Column("case", 15), Column("program", 15), Column("tier", 6, "int"), Column("received", 12, "date"),
    Column("complete", 12, "date"), Column("decided", 12, "date"), Column("review business days", 11, "int"),
    Column("decision", 22), Column("reasons", 80),
)


def period_text(year: Year, generated_at: datetime, zone: ZoneInfo) -> str:
    """The cover's period: the whole year, or, for a report made before the year is over,
    the part of it that has happened (so that nobody files it as the year's)."""
    today = generated_at.astimezone(zone).date()
    if today >= date(year.year, 12, 31):
        return f"January 1 – December 31, {year.year}"
    return f"January 1 – {today:%B} {today.day}, {year.year}: the year so far, not the whole year"


def add_review_records(workbook: object, cases: Sequence[AnnualCase], year: Year) -> int:
    """The record of OAR 860-082-0065(1) for decisions made in the year: the time each review
    took (business days from complete to decision) and the reasons for each decision. Returns
    how many decisions it lists."""
    decided = [c for c in cases if year.within(c.decided_at)]
    complete_days = [year.day(c.deemed_complete_at) for c in decided] + [year.day(c.decided_at) for c in decided]
    known = [d for d in complete_days if d is not None]
    days = BusinessDayCounter(year.calendar, min(known, default=date(year.year, 1, 1)), date(year.year, 12, 31))
    rows = []
    for case in decided:
        complete, decision = year.day(case.deemed_complete_at), year.day(case.decided_at)
        took = days.between(complete, decision) if complete and decision else None
        rows.append((case.number, case.program.replace("_", " "), case.tier, year.day(case.received_at), complete,
                     decision, took, (case.decision or NOT_RECORDED).replace("_", " "),
                     "; ".join(case.decision_reasons) or NOT_RECORDED))
    table_sheet(workbook, "Review records", "ReviewRecords", _REVIEW_COLUMNS, rows)
    return len(rows)


def by_key(cases: Sequence[AnnualCase], key: str) -> dict[str, tuple[int, float]]:
    """Count and total capacity (kW) of `cases` per facility type ("type") or ZIP code ("zip")."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for case in cases:
        name = _type(case) if key == "type" else (case.zip or "not stated")
        totals[name][0] += 1
        totals[name][1] += capacity_kw(case)
    return {name: (int(count), round(kw, 3)) for name, (count, kw) in sorted(totals.items())}


def _joined(left: dict[str, tuple[int, float]], right: dict[str, tuple[int, float]]) -> list[tuple[object, ...]]:
    names = sorted(left.keys() | right.keys())
    return [(name, *left.get(name, (0, 0.0)), *right.get(name, (0, 0.0))) for name in names]


def small_generator_xlsx(cases: Sequence[AnnualCase], year: Year, generated_at: datetime, zone: ZoneInfo) -> bytes:
    """The small generator annual report of OAR 860-082-0065(3) for `year`, from the program's cases."""
    complete = [c for c in cases if year.within(c.deemed_complete_at)]
    completed = [c for c in cases if year.within(c.in_service_on)]
    proposed = [c for c in complete if not year.within(c.in_service_on) and c.stage not in _WITHDRAWN
                and c.decision != "denied"]
    approvals = [c for c in cases if year.within(c.decided_at) and c.decision in APPROVALS]
    workbook = new_workbook()
    kw = "number"
    table_sheet(workbook, "(c) Facility types", "FacilityTypes", (
        Column("facility type", 18), Column("complete applications", 12, "int"), Column("applications kW", 12, kw),
        Column("interconnections completed", 14, "int"), Column("completed kW", 12, kw)),
        _joined(by_key(complete, "type"), by_key(completed, "type")), freeze="A2")
    table_sheet(workbook, "(d) ZIP codes", "ZipCodes", (
        Column("ZIP code", 10), Column("completed facilities", 12, "int"), Column("completed kW", 12, kw),
        Column("proposed facilities", 12, "int"), Column("proposed kW", 12, kw)),
        _joined(by_key(completed, "zip"), by_key(proposed, "zip")), freeze="A2")
    table_sheet(workbook, "(e) Tier 3-4 telemetry", "Telemetry", (
        Column("case", 15), Column("tier", 6, "int"), Column("decided", 12, "date"), Column("nameplate kW AC", 11, kw),
        Column("telemetry configuration", 24), Column("telemetry design task", 16)),
        [(c.number, c.tier, year.day(c.decided_at), c.nameplate_kw_ac, NOT_RECORDED, c.telemetry_task or "none opened")
         for c in approvals if (c.tier or 0) >= 3])
    table_sheet(workbook, "(f) Tier 4 upgrades", "Tier4Upgrades", (
        Column("case", 15), Column("decided", 12, "date"), Column("nameplate kW AC", 11, kw),
        Column("interconnection facilities and system upgrades", 30), Column("estimated cost USD", 14),
        Column("equipment ordered (purchase orders)", 40)),
        [(c.number, year.day(c.decided_at), c.nameplate_kw_ac, NOT_RECORDED, NOT_RECORDED,
          "; ".join(c.equipment) or "none") for c in approvals if c.tier == 4])
    table_sheet(workbook, "Applications", "Applications", _APPLICATION_COLUMNS, [
        (c.number, c.tier, year.day(c.received_at), year.day(c.deemed_complete_at), _type(c), c.nameplate_kw_ac,
         c.zip, c.city, c.stage.replace("_", " "), c.in_service_on) for c in complete])
    reviews = add_review_records(workbook, cases, year)
    cover_sheet(workbook, f"Small generator interconnection annual report {year.year}", [
        ("rule", "OAR 860-082-0065(3); records kept under OAR 860-082-0065(1)"),
        ("period", period_text(year, generated_at, zone)), ("due to the Commission", date(year.year + 1, 5, 30)),
        ("generated", generated_at.astimezone(zone)),
        ("(a) complete applications received", len(complete)),
        ("(b) interconnections completed", len(completed)),
        ("(c) facility types and nameplate capacities", "sheet (c) Facility types"),
        ("(d) locations by ZIP code", "sheet (d) ZIP codes (completed and proposed)"),
        ("(e) Tier 3 and Tier 4 telemetry", f"sheet (e): {sum((c.tier or 0) >= 3 for c in approvals)} approvals"),
        ("(f) Tier 4 facilities and upgrades", f"sheet (f): {sum(c.tier == 4 for c in approvals)} approvals"),
        ("review records", f"sheet Review records: {reviews} decisions"),
    ], _SG_NOTES)
    return workbook_bytes(workbook)


_APPLICATION_COLUMNS = (
    Column("case", 15), Column("tier", 6, "int"), Column("received", 12, "date"), Column("complete", 12, "date"),
    Column("facility type", 16), Column("nameplate kW AC", 11, "number"), Column("ZIP code", 10),
    Column("city", 14), Column("stage now", 20), Column("in service", 12, "date"),
)
_SG_NOTES = (
    ("Definitions: an application is counted as complete in the year it was deemed complete; an interconnection "
    "as completed in the year its generation meter was installed (the event log's move to \"meter exchanged\"); "
    "a proposed facility is a complete application of the year not yet in service, not denied or withdrawn. "
    "Capacities are nameplate kW AC (kW DC where the application states no AC rating)."),
    ("Telemetry configurations (e) and Tier 4 interconnection facilities, system upgrades and estimated costs (f) "
    "are not recorded by icdesk: those cells say \"not recorded\" and must be completed from the engineering "
    "studies. Sheet (e) shows the metering team's telemetry design task; sheet (f) the equipment ordered."),
    ("Review records (OAR 860-082-0065(1)): the business days from complete to decision (OAR 860-001-0150 "
    "counting; empty where the application was decided without being complete, e.g. denied as ineligible) "
    "and the reasons recorded with each decision."),
)
