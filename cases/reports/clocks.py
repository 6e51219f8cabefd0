"""Clock compliance: per clock and per team, how many clocks were met, lapsed or extended in a
period, how many business days they used, and which cases lapsed and what followed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.reports.days import BusinessDayCounter, median, percentile
from cases.reports.records import ClockOutcome, LogEntry
from cases.reports.xlsx import Column, cover_sheet, new_workbook, table_sheet, workbook_bytes
from cases.rules.schema import Milestone, RuleSet

# Who must act to stop a clock, by the milestone that stops it: the coordinator sends notices
# and agreements, the applicant cures and builds, protection engineering reviews and decides,
# metering installs the meter, billing enrols the account.
_TEAM_OF_MILESTONE = {
    Milestone.ACKNOWLEDGED: "coordinator", Milestone.MISSING_LIST_SENT: "coordinator",
    Milestone.COMPLETE_NOTICE_SENT: "coordinator", Milestone.AGREEMENT_TENDERED: "coordinator",
    Milestone.OPTIONS_MEETING_HELD: "coordinator", Milestone.SCOPING_MEETING_SCHEDULED: "coordinator",
    Milestone.UTILITY_INSPECTION: "coordinator", Milestone.COMPLETE: "applicant",
    Milestone.AGREEMENT_EXECUTED: "applicant", Milestone.LOCAL_INSPECTION_PASSED: "applicant",
    Milestone.DECIDED: "protection", Milestone.APPROVED: "protection",
    Milestone.METER_EXCHANGED: "metering", Milestone.BILLING_ENROLLED: "billing",
}
UNASSIGNED = "unassigned"


def clock_teams(rule_sets: Iterable[RuleSet]) -> dict[str, str]:
    """The team answerable for each clock name, from the first milestone that meets it (a later
    rule version wins for a name both define)."""
    teams: dict[str, str] = {}
    for rules in rule_sets:
        for rule in rules.clocks:
            teams[rule.name] = _TEAM_OF_MILESTONE.get(rule.met_by[0], UNASSIGNED) if rule.met_by else UNASSIGNED
    return teams


def lapse_outcome(clock: str, stopped_on: date | None, log: Sequence[LogEntry]) -> str | None:
    """What the event log says followed the lapse of `clock` (log in order): the deemed outcome
    or escalation the sweep applied at the same moment, or "met late" when the event came after
    the due date. None when the log does not say."""
    key = f"clock {clock}"
    for index, entry in enumerate(log):
        change = entry.changes.get(key)
        if entry.action == "clock stopped" and isinstance(change, list) and change[-1] == "lapsed":
            return f"met late on {stopped_on.isoformat()}" if stopped_on else "met late"
        if entry.action != "clock lapsed" or change is None:
            continue
        for follower in log[index + 1:]:
            if follower.at != entry.at:
                break
            if follower.action == "escalated":
                return "escalated"
            stage = follower.changes.get("stage")
            if follower.action == "stage changed" and isinstance(stage, list) and str(stage[-1]) in (
                    "approved", "deemed_withdrawn"):
                return "deemed approved" if stage[-1] == "approved" else "deemed withdrawn"
        return "lapsed; no outcome recorded"
    return None


@dataclass(frozen=True)
class ComplianceLine:
    """One clock's (or one team's) figures; days are business days from start to stop."""

    key: str
    label: str
    citation: str
    met: int
    lapsed: int
    extended: int
    median_days: float | None
    p90_days: int | None


@dataclass(frozen=True)
class Compliance:
    """The compliance of the clocks of [start, end]: stopped in it, or running on an extension
    agreed away from a due date in it."""

    start: date
    end: date
    by_clock: tuple[ComplianceLine, ...]
    by_team: tuple[ComplianceLine, ...]
    total: ComplianceLine
    lapses: tuple[ClockOutcome, ...]


def _line(key: str, label: str, citation: str, clocks: Sequence[ClockOutcome],
          days: BusinessDayCounter) -> ComplianceLine:
    used = [days.between(c.started_on, c.stopped_on) for c in clocks if c.stopped_on is not None
            and c.status in ("met", "lapsed")]
    return ComplianceLine(
        key, label, citation, met=sum(c.status == "met" for c in clocks),
        lapsed=sum(c.status == "lapsed" for c in clocks),
        extended=sum(c.original_due_on is not None for c in clocks),
        median_days=median(used), p90_days=percentile(used, 0.9))


def compliance(outcomes: Sequence[ClockOutcome], teams: dict[str, str], days: BusinessDayCounter,
               start: date, end: date) -> Compliance:
    """Group `outcomes` by clock and by team (`teams` from `clock_teams`)."""
    by_name: dict[str, list[ClockOutcome]] = defaultdict(list)
    by_team: dict[str, list[ClockOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_name[outcome.name].append(outcome)
        by_team[teams.get(outcome.name, UNASSIGNED)].append(outcome)
    clock_lines = tuple(
        _line(name, group[-1].title, group[-1].citation, group, days)
        for name, group in sorted(by_name.items(), key=lambda item: (teams.get(item[0], UNASSIGNED), item[0])))
    team_lines = tuple(_line(team, team, "", group, days) for team, group in sorted(by_team.items()))
    lapses = tuple(sorted((o for o in outcomes if o.status == "lapsed"), key=lambda o: (o.due_on, o.number)))
    return Compliance(start, end, clock_lines, team_lines, _line("all", "all clocks", "", outcomes, days), lapses)


def _figure(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _table(lines: Sequence[ComplianceLine], first: str, width: int, with_citation: bool) -> list[str]:
    cite = f"{'citation':<38}" if with_citation else ""
    rows = [f"{first:<{width}} {cite}{'met':>5} {'lapsed':>7} {'extended':>9} {'median':>7} {'p90':>5}"]
    for line in lines:
        cite = f"{line.citation[:37]:<38}" if with_citation else ""
        rows.append(f"{line.label[:width]:<{width}} {cite}{line.met:>5} {line.lapsed:>7} {line.extended:>9} "
                    f"{_figure(line.median_days):>7} {_figure(line.p90_days):>5}")
    return rows


def compliance_text(report: Compliance, generated_at: datetime) -> str:
    """The terminal table: per clock, per team, then the lapses with what followed."""
    out = [(f"Clock compliance {report.start.isoformat()} to {report.end.isoformat()} "
           f"(generated {generated_at.strftime('%Y-%m-%d %H:%M %Z')})"),
           ("Clocks stopped in the period, and those running on an extension agreed in it; days are "
           "business days from start to stop (median, 90th percentile)."), ""]
    out += _table([*report.by_clock, report.total], "clock", 44, with_citation=True)
    out += ["", *_table(report.by_team, "team", 14, with_citation=False), ""]
    out.append(f"Lapsed: {len(report.lapses)}")
    for lapse in report.lapses:
        out.append(f"  {lapse.number}  {(lapse.customer or '(no name)')[:22]:<22}  {lapse.title} "
                   f"[{lapse.citation}] due {lapse.due_on.isoformat()}: {lapse.outcome or 'not recorded'}")
    return "\n".join(out)


_LINE_COLUMNS = (Column("met", 8, "int"), Column("lapsed", 8, "int"), Column("extended", 9, "int"),
                 Column("median business days", 12, "number"), Column("90th percentile business days", 14, "int"))
_LAPSE_COLUMNS = (
    Column("case", 15), Column("customer", 26), Column("program", 15), Column("tier", 6, "int"),
    Column("clock", 40), Column("citation", 34), Column("started", 12, "date"), Column("due", 12, "date"),
    Column("original due", 12, "date"), Column("stopped", 12, "date"), Column("outcome", 30),
)


def compliance_xlsx(report: Compliance, generated_at: datetime, zone: ZoneInfo) -> bytes:
    """The same report as a workbook: a cover, then one Excel table each for clocks, teams, lapses."""
    workbook = new_workbook()
    lines = [*report.by_clock, report.total]
    table_sheet(workbook, "By clock", "ByClock", (Column("clock", 44), Column("citation", 40), *_LINE_COLUMNS),
                [(x.label, x.citation, x.met, x.lapsed, x.extended, x.median_days, x.p90_days) for x in lines])
    table_sheet(workbook, "By team", "ByTeam", (Column("team", 16), *_LINE_COLUMNS),
                [(x.label, x.met, x.lapsed, x.extended, x.median_days, x.p90_days) for x in report.by_team])
    table_sheet(workbook, "Lapsed", "Lapsed", _LAPSE_COLUMNS, [
        (x.number, x.customer, x.program.replace("_", " "), x.tier, x.title, x.citation, x.started_on, x.due_on,
         x.original_due_on, x.stopped_on, x.outcome or "not recorded") for x in report.lapses])
    cover_sheet(workbook, "Clock compliance", [
        ("period from", report.start), ("period to", report.end),
        ("generated", generated_at.astimezone(zone)),
        ("clocks", report.total.met + report.total.lapsed),
        ("met", report.total.met), ("lapsed", report.total.lapsed), ("extended", report.total.extended),
    ], [
        ("Counts the clocks that stopped in the period (met on time, or lapsed) and those still running on an "
        "extension agreed away from a due date in the period. \"extended\" counts clocks whose due date was "
        "moved by agreement; they are also counted as met or lapsed once they stop."),
        ("Business days used run from the day a clock started to the day it stopped (OAR 860-001-0150: the "
        "start day excluded); the 90th percentile is the nearest-rank value."),
        ("Teams: who must act to stop the clock (coordinator: notices and agreements; applicant: cure "
        "periods; protection: reviews and decisions; metering; billing)."),
    ])
    return workbook_bytes(workbook)
