"""What the installer and the teams are told about a meeting on a case: whom to invite, which
team goes, how long it takes, and the invitation e-mail with its calendar file.

What the core decides here, the time, the place, the revision of the calendar event and the
words that fill the e-mail, is fixed in the outbox item in the same transaction as the meeting.
The e-mail sender writes the text from a template a coordinator can edit, and the calendar file
as the desk's address, which only the sending side knows (as the Slack sender renders task
cards at delivery).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cases.case import Case
from cases.entities import Meeting, MeetingKind, Team
from cases.ics import Invitation
from cases.messaging import Channel, OutboxItem

# How long each kind is booked for in the invitation. No rule sets these; they are the desk's
# planning figures, and the e-mail says the end time so an installer can object.
MEETING_LENGTH = {
    MeetingKind.SITE_VISIT: timedelta(hours=1),
    MeetingKind.WITNESS_TEST: timedelta(hours=2),
    MeetingKind.REVIEW_MEETING: timedelta(hours=1),
    MeetingKind.OPTIONS_MEETING: timedelta(hours=1),
    MeetingKind.SCOPING_MEETING: timedelta(hours=1),
}

# The team that does the meeting and gets the reminder in its channel. A witness test is
# the protection engineers' (they witness the commissioning of the protective functions); a
# site visit is the field work of the metering crew, who inspect the disconnect and the meter
# and later exchange it; review, options and scoping meetings are held by the coordinators,
# who speak with applicants.
MEETING_TEAM = {
    MeetingKind.SITE_VISIT: Team.METERING,
    MeetingKind.WITNESS_TEST: Team.PROTECTION,
    MeetingKind.REVIEW_MEETING: Team.COORDINATOR,
    MeetingKind.OPTIONS_MEETING: Team.COORDINATOR,
    MeetingKind.SCOPING_MEETING: Team.COORDINATOR,
}

# Held at the customer's site; the other meetings have no place unless one is given.
_AT_THE_SITE = frozenset({MeetingKind.SITE_VISIT, MeetingKind.WITNESS_TEST})


@dataclass(frozen=True)
class Invitee:
    """Who gets the invitation, and in what role ("installer" or "applicant")."""

    email: str
    name: str | None
    role: str


def invitee(case: Case) -> Invitee | None:
    """The installer's contact e-mail, else the applicant's; None when the case has neither.

    The installer first: the installer filed the application, runs the work and must be on
    site for a visit or a witness test, and is who a coordinator arranges times with. The
    applicant's address serves a customer who applied without an installer."""
    installer, applicant = case.installer, case.applicant
    if installer.email:
        return Invitee(installer.email, installer.contact or installer.company, "installer")
    if applicant.email:
        return Invitee(applicant.email, applicant.name, "applicant")
    return None


def what(kind: MeetingKind) -> str:
    """"witness test", as a sentence names it."""
    return kind.value.replace("_", " ")


def revision(case: Case, meeting: Meeting) -> int:
    """The meeting's SEQUENCE: how many times this kind was scheduled on the case before it.
    Scheduling the same kind again is a reschedule of the same calendar event."""
    same = [m for m in case.meetings if m.kind == meeting.kind]
    return next(i for i, m in enumerate(same) if m is meeting)


def current_meetings(case: Case) -> list[Meeting]:
    """The latest scheduling of each kind: earlier ones were rescheduled."""
    latest: dict[MeetingKind, Meeting] = {}
    for meeting in case.meetings:
        latest[meeting.kind] = meeting
    return list(latest.values())


def location(case: Case, meeting: Meeting) -> str:
    """Where, in words: the place given, else the site for field work, else to be arranged."""
    if meeting.location:
        return meeting.location
    site = ", ".join(p for p in (case.site.address, case.site.city, case.site.state) if p)
    if meeting.kind in _AT_THE_SITE and site:
        return site
    return "to be arranged with the interconnection desk"


def long_time(moment: datetime, zone: ZoneInfo) -> str:
    """"Monday, November 2, 2026 at 10:00 AM PST", in the desk's zone."""
    local = moment.astimezone(zone)
    clock = f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    return f"{local:%A, %B} {local.day}, {local.year} at {clock} {local.tzname()}"


def meeting_values(case: Case, meeting: Meeting, zone: ZoneInfo, to: Invitee | None) -> dict[str, Any]:
    """What the meeting templates speak of, as JSON data."""
    site = ", ".join(p for p in (case.site.address, case.site.city) if p) or "your site"
    ends = meeting.starts_at + MEETING_LENGTH[meeting.kind]
    return {
        "greeting": (to.name if to else None) or "there", "number": case.number, "kind": meeting.kind.value,
        "what": what(meeting.kind), "site": site, "where": location(case, meeting),
        "when": long_time(meeting.starts_at, zone), "ends": long_time(ends, zone).rpartition(" at ")[2],
    }


def invitation(case: Case, meeting: Meeting, sequence: int, zone: ZoneInfo, to: Invitee, at: datetime) -> Invitation:
    """The calendar event of the meeting, revision `sequence`, as of `at` (its DTSTAMP)."""
    return Invitation(
        uid=f"{case.number}-{meeting.kind.value.replace('_', '-')}", sequence=sequence, stamp=at,
        starts_at=meeting.starts_at, ends_at=meeting.starts_at + MEETING_LENGTH[meeting.kind], zone=zone,
        summary=f"{what(meeting.kind).capitalize()} · {case.number} · {case.site.address or 'site'}",
        location=location(case, meeting),
        description=f"Interconnection case {case.number}. Questions or another time: reply to the e-mail "
                    f"that brought this invitation, with {case.number} in the subject.",
        attendee_name=to.name, attendee_email=to.email,
    )


def invitation_item(case: Case, meeting: Meeting, zone: ZoneInfo, to: Invitee, at: datetime) -> OutboxItem:
    """The invitation e-mail (an update, with a higher SEQUENCE, when the kind was scheduled
    before), queued once per revision. The payload holds the event itself; the e-mail sender
    writes the calendar file from it as the desk's address (the ORGANIZER), which only the
    sending side knows."""
    sequence = revision(case, meeting)
    values = meeting_values(case, meeting, zone, to)
    values["update"] = sequence > 0
    label = "Updated" if sequence else "Invitation"
    return OutboxItem(
        key=f"meeting:{case.number}:{meeting.kind.value}:{sequence}", channel=Channel.EMAIL, recipient=to.email,
        case_number=case.number, created_at=at,
        payload={
            "to": to.email, "subject": f"[{case.number}] {label}: {what(meeting.kind)}, {values['when']}",
            "template": "meeting_invitation", "values": values,
            "invitation": invitation(case, meeting, sequence, zone, to, at).as_data(),
        },
    )
