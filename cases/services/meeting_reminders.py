"""The reminder the business day before a meeting: an e-mail to the installer and a line in
the channel of the team that goes. Queued by the scheduler's sweep under keys naming the
meeting and its time, so however often the sweep runs each reminder is queued once, and a
meeting moved to another day is reminded of again for its new day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases.case import Case
from cases.entities import Meeting
from cases.messaging import Channel, OutboxItem
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.services.meetings import MEETING_TEAM, current_meetings, invitee, long_time, meeting_values, what


def reminder_window(book: RuleBook, today: date) -> tuple[datetime, datetime] | None:
    """The meetings to remind of on `today`: those after today up to the end of the next
    business day (so Friday reminds of the weekend and Monday, and the day before Thanksgiving
    of the Friday after it when that is a business day). None on a day that is not a business
    day: its meetings were reminded of on the business day before."""
    calendar = book.calendar
    if not calendar.is_business_day(today):
        return None
    following = calendar.next_business_day(today)
    start = datetime.combine(today + timedelta(days=1), time(0), calendar.zone)
    return start, datetime.combine(following + timedelta(days=1), time(0), calendar.zone)


def _key(case: Case, meeting: Meeting, to: str) -> str:
    starts = meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"meeting-reminder:{case.number}:{meeting.kind.value}:{starts}:{to}"


def reminder_items(case: Case, meeting: Meeting, zone: ZoneInfo, at: datetime) -> list[OutboxItem]:
    """The team's channel line, and the installer's e-mail when the case has an address."""
    to = invitee(case)
    team = MEETING_TEAM[meeting.kind]
    values = meeting_values(case, meeting, zone, to)
    who = f"the {to.role} is reminded by e-mail" if to else "no installer or applicant e-mail on file to remind"
    text = (f"{case.number} · {case.applicant.name or 'applicant'}: {what(meeting.kind)} on "
            f"{long_time(meeting.starts_at, zone)}, {values['where']} ({who}).")
    items = [OutboxItem(
        key=_key(case, meeting, "team"), channel=Channel.SLACK, recipient=f"team:{team.value}",
        case_number=case.number, created_at=at, payload={"kind": "reminder", "text": text, "case": case.number},
    )]
    if to is not None:
        items.append(OutboxItem(
            key=_key(case, meeting, "email"), channel=Channel.EMAIL, recipient=to.email, case_number=case.number,
            created_at=at, payload={
                "to": to.email, "subject": f"[{case.number}] Reminder: {what(meeting.kind)}, {values['when']}",
                "template": "meeting_reminder", "values": values,
            },
        ))
    return items


def queue_meeting_reminders(uow: UnitOfWork, book: RuleBook, today: date, at: datetime) -> int:
    """Queue the reminders due on `today` for the current (not rescheduled) meetings of open
    cases; returns how many were new."""
    window = reminder_window(book, today)
    if window is None:
        return 0
    start, end = window
    zone, queued = book.calendar.zone, 0
    with uow:
        for case in uow.cases.get_many(uow.cases.numbers_with_meetings_between(start, end)):
            for meeting in current_meetings(case):
                if start <= meeting.starts_at < end:
                    queued += sum(uow.outbox.add(item) for item in reminder_items(case, meeting, zone, at))
        uow.commit()
    return queued
