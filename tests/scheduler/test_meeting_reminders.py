"""The reminder the business day before a meeting, moved through Thanksgiving week 2026 with
the scheduler's own clock: queued once however often the sweep runs, on the business day the
Oregon calendar says, to the installer over SMTP and to the team that goes on Slack."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from servers.smtp_sink import SmtpSink
from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import MeetingKind
from cases.messaging import Channel, OutboxItem
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from cases.stages import Stage
from intake.outgoing import SmtpSender, SmtpSettings
from scheduler.jobs import SchedulerDeps, run_due

DESK = "interconnection@utility.example"
SCHEDULED_AT = pacific(2026, 11, 23, 10)  # the Monday of Thanksgiving week


class Channels:
    """Records what the team channels would receive."""

    def __init__(self) -> None:
        self.posts: list[OutboxItem] = []

    def send(self, item: OutboxItem) -> None:
        self.posts.append(item)

    def meeting_reminders(self) -> list[tuple[str, str]]:
        return [(p.recipient, p.payload["text"]) for p in self.posts if p.key.startswith("meeting-reminder:")]


@pytest.fixture
def channels() -> Channels:
    return Channels()


@pytest.fixture
def deps(engine: Engine, book: RuleBook, channels: Channels, smtp_sink: SmtpSink) -> SchedulerDeps:
    mail = SmtpSender(SmtpSettings(smtp_sink.host, smtp_sink.port, security="none", timeout_s=5), DESK)
    return SchedulerDeps(unit_of_work=lambda: SqlUnitOfWork(engine), book=book,
                         reader=lambda today: SqlDeskReader(engine, book.calendar, today),
                         senders={Channel.SLACK: channels, Channel.EMAIL: mail})


def register(engine: Engine, book: RuleBook, **changes: object) -> str:
    application = application_from_contract(contract(**changes), "residential")
    return services.register_application(SqlUnitOfWork(engine), book, application, pacific(2026, 11, 20, 9),
                                         "intake")


def schedule(engine: Engine, book: RuleBook, number: str, kind: MeetingKind, starts: datetime,
             at: datetime = SCHEDULED_AT) -> None:
    services.schedule_meeting(SqlUnitOfWork(engine), book, number, kind, starts, None, [], at, "U100")


def reminder_mails(sink: SmtpSink) -> list[str]:
    return [str(m.message["Subject"]) for m in sink.messages if "Reminder:" in str(m.message["Subject"])]


def test_what_the_oregon_calendar_says_about_thanksgiving_week_2026(book: RuleBook) -> None:
    calendar = book.calendar
    assert calendar.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    # The day after is a state closure day but not a legal holiday, and no utility closure
    # is configured (config/rules/calendar.yaml): a business day.
    assert calendar.is_business_day(date(2026, 11, 27))
    assert [calendar.is_business_day(date(2026, 11, d)) for d in range(23, 31)] == [
        True, True, True, False, True, False, False, True]


def test_reminders_go_the_business_day_before_skipping_the_holiday_and_the_weekend(
        engine: Engine, book: RuleBook, deps: SchedulerDeps, channels: Channels, smtp_sink: SmtpSink) -> None:
    test_case = register(engine, book)
    visit_case = register(engine, book, site__address="2280 SE Ankeny St", applicant__name="Linh Nguyen")
    schedule(engine, book, test_case, MeetingKind.WITNESS_TEST, pacific(2026, 11, 27, 10))  # the Friday after
    schedule(engine, book, visit_case, MeetingKind.SITE_VISIT, pacific(2026, 11, 30, 9))    # the Monday after

    run_due(deps, pacific(2026, 11, 23, 10, 5))  # Monday: the invitations go out, no reminder yet
    run_due(deps, pacific(2026, 11, 24, 9))      # Tuesday: nothing is a business day away
    assert len(smtp_sink.wait_for(2)) == 2
    assert channels.meeting_reminders() == []

    # Wednesday: Thursday is Thanksgiving, so Wednesday is the business day before Friday's test.
    run_due(deps, pacific(2026, 11, 25, 0, 30))
    run_due(deps, pacific(2026, 11, 25, 16))
    assert channels.meeting_reminders() == [(
        "team:protection",
        (f"{test_case} · Marcus Bell: witness test on Friday, November 27, 2026 at 10:00 AM PST, "
         "4417 N Williams Ave, Portland, OR (the installer is reminded by e-mail)."))]
    assert reminder_mails(smtp_sink) == [
        f"[{test_case}] Reminder: witness test, Friday, November 27, 2026 at 10:00 AM PST"]

    # Thanksgiving and the weekend remind of nothing; the Friday after reminds of Monday.
    for at in (pacific(2026, 11, 26, 9), pacific(2026, 11, 27, 8), pacific(2026, 11, 27, 13),
               pacific(2026, 11, 28, 9), pacific(2026, 11, 29, 9), pacific(2026, 11, 30, 7)):
        run_due(deps, at)
    assert [recipient for recipient, _ in channels.meeting_reminders()] == ["team:protection", "team:metering"]
    assert channels.meeting_reminders()[1][1].startswith(
        f"{visit_case} · Linh Nguyen: site visit on Monday, November 30, 2026 at 9:00 AM PST, 2280 SE Ankeny St")
    (visit_mail,) = [m.message for m in smtp_sink.messages if f"[{visit_case}] Reminder" in m.message["Subject"]]
    body = visit_mail.get_body(("plain",))
    assert body is not None
    assert body.get_content() == (
        "Hello Dana Ruiz,\n\n"
        f"A reminder of the site visit for case {visit_case} (2280 SE Ankeny St, Portland):\n\n"
        "  When:  Monday, November 30, 2026 at 9:00 AM PST (Pacific time)\n"
        "  Where: 2280 SE Ankeny St, Portland, OR\n\n"
        f"If something has changed, reply to this e-mail or write to {DESK}\n"
        f"with {visit_case} in the subject.\n\n"
        "Interconnection Services\n")
    assert len(reminder_mails(smtp_sink)) == 2  # each reminder once, however often the sweep ran


def test_a_rescheduled_meeting_is_reminded_of_for_its_new_day_only(
        engine: Engine, book: RuleBook, deps: SchedulerDeps, channels: Channels, smtp_sink: SmtpSink) -> None:
    number = register(engine, book)
    schedule(engine, book, number, MeetingKind.REVIEW_MEETING, pacific(2026, 12, 1, 10))
    schedule(engine, book, number, MeetingKind.REVIEW_MEETING, pacific(2026, 12, 2, 14),
             at=pacific(2026, 11, 24, 11))

    run_due(deps, pacific(2026, 11, 30, 9))   # the business day before the old date
    assert channels.meeting_reminders() == []
    run_due(deps, pacific(2026, 12, 1, 9))    # the business day before the new one
    run_due(deps, pacific(2026, 12, 1, 9, 30))

    assert channels.meeting_reminders() == [(
        "team:coordinator",
        (f"{number} · Marcus Bell: review meeting on Wednesday, December 2, 2026 at 2:00 PM PST, to be arranged "
         "with the interconnection desk (the installer is reminded by e-mail)."))]
    assert reminder_mails(smtp_sink) == [
        f"[{number}] Reminder: review meeting, Wednesday, December 2, 2026 at 2:00 PM PST"]


def test_without_an_address_only_the_team_is_reminded_and_a_withdrawn_case_not_at_all(
        engine: Engine, book: RuleBook, deps: SchedulerDeps, channels: Channels, smtp_sink: SmtpSink) -> None:
    silent = register(engine, book, installer__email=None, applicant__email=None)
    withdrawn = register(engine, book, site__address="2280 SE Ankeny St")
    schedule(engine, book, silent, MeetingKind.WITNESS_TEST, pacific(2026, 12, 1, 10))
    schedule(engine, book, withdrawn, MeetingKind.WITNESS_TEST, pacific(2026, 12, 1, 13))
    services.advance_stage(SqlUnitOfWork(engine), book, withdrawn, Stage.WITHDRAWN, pacific(2026, 11, 24, 9),
                           "U100", "the customer withdrew")

    run_due(deps, pacific(2026, 11, 30, 9))

    assert channels.meeting_reminders() == [(
        "team:protection",
        (f"{silent} · Marcus Bell: witness test on Tuesday, December 1, 2026 at 10:00 AM PST, "
         "4417 N Williams Ave, Portland, OR (no installer or applicant e-mail on file to remind)."))]
    assert reminder_mails(smtp_sink) == []
