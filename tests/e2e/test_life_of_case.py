"""The life of a case, end to end, against the real servers: an installer's mail in the
desk's Dovecot inbox, the desk's replies through SMTP, PostgreSQL, the Slack bot over signed
HTTP with the Web API stand-in as Slack, and the scheduler's runs, all wired by the shipped
composition root and driven by one clock that the story moves through Oregon business days
(Veterans Day, Wednesday November 11, and Thanksgiving, Thursday November 26, 2026, do not
count; the Friday after Thanksgiving does, as the shipped calendar lists no closure days)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import BILLING, CHANNELS, COORDINATOR, METERING, PROTECTION, DeskWorld, Documents
from desk_story import Installer, InstallerInbox
from support import PACIFIC, pacific

from app.cli import cli
from cases.messaging import Outcome
from cases.queries import EventView
from cases.services.lifecycle import DESK_ACTOR as DESK

DANA = ("Dana Whitfield", "permits@bridgetownsolar.example")
SITE = "4417 N Williams Ave"


def _local(at: datetime) -> str:
    return at.astimezone(PACIFIC).strftime("%Y-%m-%d %H:%M")


def _told(events: tuple[EventView, ...], action: str) -> list[tuple[str, str, str]]:
    """(local time, actor, what changed) of each `action` event, in log order."""
    return [(_local(e.at), e.actor, " ".join(f"{k}: {v[0]} → {v[1]}" for k, v in e.changes.items()))
            for e in events if e.action == action]


def test_the_life_of_a_tier_1_net_metering_case(world: DeskWorld, documents: Documents, tmp_path: Path) -> None:
    dana = Installer(world.dovecot, world.mailbox.address, *DANA)
    danas_inbox = InstallerInbox(world.sink, dana.address)
    rosa = world.user(COORDINATOR, "coordinator")
    kai, sam = world.user(PROTECTION, "protection"), world.user(METERING, "metering")
    lee = world.user(BILLING, "billing")
    desk, clock, channels = world.processes, world.clock, world.channels

    # Tuesday, November 3: the application, a site plan and a spec sheet; the one-line diagram is missing.
    clock.to(pacific(2026, 11, 3, 9, 30))
    application_mail = dana.sends(f"Net metering application - {SITE}", "Please find attached.",
                                  {"application.pdf": documents.application, "site-plan.pdf": documents.site_plan,
                                   "inverter.pdf": documents.spec_sheet})
    summary = desk.read_mail()
    assert [(r.outcome, r.case_number) for r in summary.results] == [(Outcome.NEW_CASE, "IC-2026-00001")]
    number = "IC-2026-00001"
    acknowledgement = danas_inbox.latest()
    assert acknowledgement["Subject"] == f"[{number}] Received: net metering application, {SITE}"
    assert acknowledgement["In-Reply-To"] == application_mail
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    text = acknowledgement.get_content()
    assert f"Your case number is {number}" in text
    assert "Review: Tier 1 (7.6 kW nameplate, 7.6 kW export; OAR 860-039-0030)" in text
    assert "  - a one-line diagram showing the AC disconnect and the utility meter\n" in text
    assert "site plan" not in text
    # Ten business days from Tuesday the 3rd, Veterans Day not counted.
    assert "If we do not receive them by Wednesday, November 18, 2026 (10 business days" in text
    case = world.desk.reader().get(number)
    assert (case.stage, case.tier) == ("incomplete", 1)
    assert {(c.name, c.status, c.due_on) for c in case.clocks} == {
        ("nm_ack_and_completeness", "met", date(2026, 11, 6)),
        ("nm_cure_missing_info", "running", date(2026, 11, 18))}
    # The missing list that went out was the coordinators' review task: it is done.
    assert [t.status for t in case.tasks if t.kind == "review_application"] == ["done"]

    # Wednesday morning's digest counts the new case.
    desk.run_until(pacific(2026, 11, 4, 8))
    assert _digest(world, "coordinator", "Wednesday, November 4, 2026") == [
        "Due today: 0   Due this week: 0   Overdue: 0",
        "Arrived since the last business day: 1 · clocks due this week: 0 · lapsed and open: 0"]

    # Thursday: Dana answers the acknowledgement with the diagram; the case is complete.
    desk.run_until(pacific(2026, 11, 5, 14))
    diagram_mail = dana.sends(f"Re: {acknowledgement['Subject']}", "Here is the one-line diagram.\n\n> Hello Dana",
                              {"one-line.pdf": documents.one_line_diagram}, replying_to=acknowledgement)
    summary = desk.read_mail()
    assert [(r.outcome, r.case_number) for r in summary.results] == [(Outcome.SUPPLEMENT, number)]
    notice = danas_inbox.latest()
    assert notice["Subject"] == f"[{number}] Complete: {SITE}"
    assert notice["In-Reply-To"] == diagram_mail
    assert notice["References"].split() == [application_mail, acknowledgement["Message-ID"], diagram_mail]
    assert "Your application is now complete. Next: Tier 1 screen result, by Friday, November 20, 2026" \
        in notice.get_content()
    desk.run_scheduler()
    screening_card = channels.card(CHANNELS["protection"], number, "run the interconnection screens")
    # Eight business days, Veterans Day not counted.
    assert [t.due_on for t in world.desk.reader().get(number).tasks if t.kind == "screening_review"] == [
        date(2026, 11, 18)]

    # The mornings go by; on Monday the 16th the digests say what is due.
    digests = desk.run_until(pacific(2026, 11, 16, 8))
    assert [r.lapses for r in digests] == [[]] * len(digests)
    assert _digest(world, "protection", "Monday, November 16, 2026") == [
        "Due today: 0   Due this week: 1   Overdue: 0"]
    assert _digest(world, "coordinator", "Monday, November 16, 2026") == [
        "Due today: 0   Due this week: 0   Overdue: 0",
        "Arrived since the last business day: 0 · clocks due this week: 1 · lapsed and open: 0",
        f"  due 2026-11-20: {number} Tier 1 screen result (OAR 860-039-0030(3))"]
    assert _digest(world, "managers", "Monday, November 16, 2026") == [
        "This month: 1 received · 1 complete · 0 decided · 0 closed",
        "Clocks this month: 2 met · 0 lapsed · 0 extended", "Open: complete 1"]

    # Tuesday the 17th: the protection engineer finishes the screens from the card's button.
    desk.run_until(pacific(2026, 11, 17, 10))
    assert "screening_review done" in kai.presses("Done", on=screening_card)

    # Wednesday the 18th: the coordinators are reminded of the screen result, and approve from Slack.
    desk.run_until(pacific(2026, 11, 18, 9))
    assert [m.text for m in channels.lines(CHANNELS["coordinator"], "is due")] == [
        f"{number} · Marcus Bell: Tier 1 screen result is due in 2 business days (2026-11-20, OAR 860-039-0030(3))."]
    rosa.types(f"advance {number} in_review screens passed")
    clock.to(pacific(2026, 11, 18, 9, 5))
    answer = rosa.types(f"advance {number} approved all Tier 1 screens passed")
    assert "approved" in answer
    desk.run_scheduler()
    # The written notice of the decision the rule requires (OAR 860-039-0030(3)), in the thread.
    decision = danas_inbox.latest()
    assert decision["Subject"] == f"[{number}] Approved: {SITE}"
    assert decision["In-Reply-To"] == notice["Message-ID"]  # the last mail of the thread
    assert "Next: we will send you the interconnection agreement to sign." in decision.get_content()
    agreement_card = channels.card(CHANNELS["coordinator"], number, "send the interconnection agreement")

    # Thursday the 19th: the agreement goes out and comes back signed.
    desk.run_until(pacific(2026, 11, 19, 11))
    assert "tender_agreement done" in rosa.presses("Done", on=agreement_card)
    rosa.types(f"advance {number} agreement_executed signed agreement returned")

    # Tuesday, December 1: the city's electrical inspection sign-off arrives by mail.
    desk.run_until(pacific(2026, 12, 1, 10))
    dana.sends(f"Re: {notice['Subject']} - city electrical inspection passed",
               "The city's final electrical inspection passed today; the certificate is attached.",
               {"certificate.pdf": documents.certificate_of_completion}, replying_to=notice)
    summary = desk.read_mail()
    assert [(r.outcome, r.case_number) for r in summary.results] == [(Outcome.INSPECTION, number)]
    assert world.desk.reader().get(number).stage == "local_inspection_passed"
    desk.run_scheduler()
    inspection_card = channels.card(CHANNELS["coordinator"], number, "schedule the utility final inspection")

    # Wednesday: the utility's own inspection is booked and done; the meter exchange goes to metering.
    desk.run_until(pacific(2026, 12, 2, 15))
    assert "schedule_final_inspection done" in rosa.presses("Done", on=inspection_card)
    desk.run_scheduler()
    meter_card = channels.card(CHANNELS["metering"], number, "exchange the meter for a bidirectional meter")

    # Friday the 4th: the meter is exchanged; billing enrols the account.
    desk.run_until(pacific(2026, 12, 4, 13))
    assert "meter_exchange done" in sam.presses("Done", on=meter_card)
    desk.run_scheduler()
    billing_card = channels.card(CHANNELS["billing"], number, "enrol the account on net metering billing")
    desk.run_until(pacific(2026, 12, 8, 10))
    # Enrolled on billing with nothing left to do, the case closes by itself.
    assert "enrol_billing done" in lee.presses("Done", on=billing_card)
    desk.run_scheduler()

    case = world.desk.reader().get(number)
    assert case.stage == "closed"
    assert {(c.name, c.status) for c in case.clocks} == {
        ("nm_ack_and_completeness", "met"), ("nm_cure_missing_info", "met"),
        ("nm_tier1_screen_result", "met"), ("nm_tier1_deemed_approved", "met")}
    assert [t.status for t in case.tasks if t.status == "open"] == []
    assert [(d.kind, d.filename) for d in case.documents] == [
        ("application", "application.pdf"), ("site_plan", "site-plan.pdf"), ("spec_sheet", "inverter.pdf"),
        ("one_line_diagram", "one-line.pdf"), ("certificate_of_completion", "certificate.pdf")]
    # The event log, in order: who did what, when.
    assert [e.at for e in case.events] == sorted(e.at for e in case.events)
    assert _told(case.events, "stage changed") == [
        ("2026-11-03 09:30", dana.address, "stage: received → incomplete"),
        ("2026-11-05 14:00", dana.address, "stage: incomplete → complete"),
        ("2026-11-18 09:00", COORDINATOR, "stage: complete → in_review"),
        ("2026-11-18 09:05", COORDINATOR, "stage: in_review → approved"),
        ("2026-11-19 11:00", COORDINATOR, "stage: approved → agreement_executed"),
        ("2026-12-01 10:00", dana.address, "stage: agreement_executed → construction"),
        ("2026-12-01 10:00", dana.address, "stage: construction → local_inspection_passed"),
        ("2026-12-02 15:00", COORDINATOR, "stage: local_inspection_passed → utility_inspection"),
        ("2026-12-04 13:00", METERING, "stage: utility_inspection → meter_exchanged"),
        ("2026-12-08 10:00", BILLING, "stage: meter_exchanged → billing_enrolled"),
        ("2026-12-08 10:00", DESK, "stage: billing_enrolled → closed"),
    ]
    assert [(when, who) for when, who, _ in _told(case.events, "task done")] == [
        ("2026-11-03 09:30", dana.address), ("2026-11-17 10:00", PROTECTION), ("2026-11-19 11:00", COORDINATOR),
        ("2026-12-02 15:00", COORDINATOR), ("2026-12-04 13:00", METERING), ("2026-12-08 10:00", BILLING)]
    assert [(when, who) for when, who, _ in _told(case.events, "clock stopped")] == [
        ("2026-11-03 09:30", dana.address), ("2026-11-05 14:00", dana.address),
        ("2026-11-18 09:05", COORDINATOR), ("2026-11-18 09:05", COORDINATOR)]
    assert {e.actor for e in case.events} == {dana.address, COORDINATOR, PROTECTION, METERING, BILLING, DESK}
    # No clock lapsed on the way, so no lapse was announced.
    assert not channels.lines(CHANNELS["coordinator"], "and lapsed:")

    # Metered on December 4, the solar-and-battery facility counts in the year's report to the Commission.
    assert _annual_net_metering_report(world, tmp_path, 2026) == {
        "facilities": [(number, "solar storage", 7.6, 7.6, SITE, date(2026, 12, 4), "closed")],
        "by resource type": [("solar storage", 1, 7.6, 1, 7.6)],
        "cover": {"net metering facilities at year end": 1, "total rated capacity kW": 7.6,
                  "facilities added in the year": 1}}


def _digest(world: DeskWorld, team: str, day: str) -> list[str]:
    """The lines after the heading of `team`'s digest of `day` in its channel."""
    channel = CHANNELS["manager" if team == "managers" else team]
    (digest,) = world.channels.lines(channel, f"Interconnection desk · {team} · {day}")
    return digest.text.splitlines()[1:]


def _annual_net_metering_report(world: DeskWorld, tmp_path: Path, year: int) -> dict[str, object]:
    """What `icdesk report annual-net-metering YEAR --xlsx FILE`, run on the desk's database,
    wrote: the facilities, the totals by resource type, and the cover's counts."""
    path = tmp_path / f"net-metering-{year}.xlsx"
    result = CliRunner().invoke(cli, ["report", "annual-net-metering", str(year), "--xlsx", str(path)],
                                env={"ICDESK_DATABASE_URL": world.desk.settings.database_url})
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path)
    facilities = [(row[0], row[1], row[2], row[4], row[5], row[8].date(), row[9])
                  for row in workbook["Facilities"].iter_rows(min_row=2, values_only=True)]
    by_type = [tuple(row) for row in workbook["By resource type"].iter_rows(min_row=2, values_only=True)]
    cover = {row[0]: row[1] for row in workbook["Cover"].iter_rows(min_row=3, max_col=2, values_only=True)
             if row[0] in ("net metering facilities at year end", "total rated capacity kW",
                           "facilities added in the year")}
    return {"facilities": facilities, "by resource type": by_type, "cover": cover}


def test_an_unanswered_application_is_deemed_approved_after_its_20th_business_day(world: DeskWorld,
                                                                                   documents: Documents) -> None:
    linh = Installer(world.dovecot, world.mailbox.address, "Linh Nguyen", "linh@sunbridge.example")
    linhs_inbox = InstallerInbox(world.sink, linh.address)
    desk, channels = world.processes, world.channels

    # Wednesday, November 4: a complete application, which nobody at the utility answers.
    desk.run_until(pacific(2026, 11, 4, 10))
    linh.sends(f"Application: {SITE}", "Complete packet attached.",
               {"application.pdf": documents.application, "one-line.pdf": documents.one_line_diagram,
                "site-plan.pdf": documents.site_plan, "inverter.pdf": documents.spec_sheet})
    summary = desk.read_mail()
    assert [(r.outcome, r.case_number) for r in summary.results] == [(Outcome.NEW_CASE, "IC-2026-00001")]
    number = "IC-2026-00001"
    acknowledgement = linhs_inbox.latest()
    assert acknowledgement["Subject"] == f"[{number}] Received: net metering application, {SITE}"
    assert "Your application is complete. Next: Tier 1 screen result, by Thursday, November 19, 2026" \
        in acknowledgement.get_content()
    # Twenty business days after Wednesday the 4th: Nov 5, 6, 9, 10, (11 Veterans Day), 12, 13, 16, 17,
    # 18, 19, 20, 23, 24, 25, (26 Thanksgiving), 27, 30, Dec 1, 2, 3, 4.
    deemed = next(c for c in world.desk.reader().get(number).clocks if c.name == "nm_tier1_deemed_approved")
    assert (deemed.started_on, deemed.due_on) == (date(2026, 11, 4), date(2026, 12, 4))

    # The screen result is late first: the coordinators are told, the case stays where it is.
    desk.run_until(pacific(2026, 11, 20, 8))
    (late,) = channels.lines(CHANNELS["coordinator"], "and lapsed:")
    assert late.text == (f"{number} · Marcus Bell: Tier 1 screen result was due 2026-11-19 (OAR 860-039-0030(3)) "
                         "and lapsed: escalated.")
    assert world.desk.reader().get(number).stage == "complete"

    # The 20th business day, to its last run: still the utility's to decide, with a reminder that morning.
    desk.run_until(pacific(2026, 12, 4, 23, 55))
    assert world.desk.reader().get(number).stage == "complete"
    reminders = channels.lines(CHANNELS["coordinator"], "Tier 1 decision before deemed approval is due")
    assert [m.text.removeprefix(f"{number} · Marcus Bell: ") for m in reminders] == [
        "Tier 1 decision before deemed approval is due in 2 business days (2026-12-04, OAR 860-039-0030(4)).",
        "Tier 1 decision before deemed approval is due today (2026-12-04, OAR 860-039-0030(4))."]

    # The first run once that day is over: deemed approved, and announced to coordinators and managers.
    desk.run_until(pacific(2026, 12, 5, 0, 0))
    case = world.desk.reader().get(number)
    assert case.stage == "approved"
    (decided,) = [e for e in case.events if e.changes.get("stage") == ["in_review", "approved"]]
    assert (_local(decided.at), decided.actor) == ("2026-12-05 00:00", "icdesk")
    assert decided.note == ("deemed approved: Tier 1 decision before deemed approval not done by 2026-12-04 "
                            "(OAR 860-039-0030(4))")
    announcement = (f"{number} · Marcus Bell: Tier 1 decision before deemed approval was due 2026-12-04 "
                    "(OAR 860-039-0030(4)) and lapsed: deemed approved.")
    for team in ("coordinator", "manager"):
        assert [m.text for m in channels.lines(CHANNELS[team], "and lapsed: deemed approved")] == [announcement]
    # The approval opens the coordinator's next step, as a decision by a person would, and the
    # installer the application names is told in writing that it is approved by rule.
    desk.run_scheduler()
    told = InstallerInbox(world.sink, DANA[1]).latest()
    assert told["Subject"] == f"[{number}] Deemed approved: {SITE}"
    assert "so your application is approved by rule:" in told.get_content()
    channels.card(CHANNELS["coordinator"], number, "send the interconnection agreement")
