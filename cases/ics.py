"""A calendar invitation as RFC 5545 text (an iTIP REQUEST, RFC 5546), written by hand.

Pure: data in, bytes out. Mail clients are strict about a few things this module takes care
of: CRLF line ends, content lines folded at 75 octets without splitting a UTF-8 character,
TEXT values escaped, and a VTIMEZONE for the TZID the times use, so a client that does not
know the zone by name still shows the meeting at the right hour on both sides of a DST change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cases.errors import InvalidInput

PRODID = "-//icdesk//Interconnection desk//EN"
_LINE_OCTETS = 75


@dataclass(frozen=True)
class Organizer:
    """Who sends the invitation and receives the answers: the desk's own address."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2] or "icdesk.invalid"


@dataclass(frozen=True)
class Invitation:
    """One event to invite someone to. `uid` stays the same for every version of the event
    (the organizer's domain is added to it, as RFC 5545 recommends) and `sequence` grows with
    each revision, so a client updates its copy instead of adding another. Times are aware;
    they are written in `zone`."""

    uid: str
    sequence: int
    stamp: datetime
    starts_at: datetime
    ends_at: datetime
    zone: ZoneInfo
    summary: str
    location: str
    description: str
    attendee_name: str | None
    attendee_email: str

    def as_data(self) -> dict[str, Any]:
        """JSON data (ISO 8601 times, the zone's name), for an outbox payload."""
        return {
            "uid": self.uid, "sequence": self.sequence, "stamp": self.stamp.isoformat(),
            "starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat(), "zone": self.zone.key,
            "summary": self.summary, "location": self.location, "description": self.description,
            "attendee_name": self.attendee_name, "attendee_email": self.attendee_email,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Invitation:
        """The invitation `as_data` wrote; a missing or malformed field is `InvalidInput`."""
        try:
            return cls(
                uid=str(data["uid"]), sequence=int(data["sequence"]), stamp=datetime.fromisoformat(data["stamp"]),
                starts_at=datetime.fromisoformat(data["starts_at"]), ends_at=datetime.fromisoformat(data["ends_at"]),
                zone=ZoneInfo(data["zone"]), summary=str(data["summary"]), location=str(data["location"]),
                description=str(data["description"]), attendee_name=data.get("attendee_name"),
                attendee_email=str(data["attendee_email"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"not an invitation: {error!r}") from error


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks
    written as `\\n`."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _param(value: str) -> str:
    """A parameter value (e.g. CN); quoted, since names carry commas and colons. DQUOTE and
    control characters are not allowed inside: a single quote and a space stand for them."""
    cleaned = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value.replace('"', "'"))
    return '"' + cleaned + '"'


_ADDRESS = re.compile(r"[^\s@:;,<>\"]+@[^\s@:;,<>\"]+")
_UID = re.compile(r"[A-Za-z0-9._-]+")


def fold(line: str) -> str:
    """One content line folded at 75 octets (§3.1): each continuation starts with a space,
    and a multi-octet UTF-8 character is never split."""
    pieces: list[str] = []
    current, size = "", 0
    limit = _LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            # A continuation's leading space counts towards its 75 octets.
            current, size, limit = "", 0, _LINE_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The instants (UTC) in `year` at which the zone's offset changes, found day by day
    and then hour by hour (offsets here change on the hour)."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        after = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            hour = day
            while hour.astimezone(zone).utcoffset() == day.astimezone(zone).utcoffset():
                hour += timedelta(hours=1)
            found.append(hour)
        day = after
    return found


def _observance(zone: ZoneInfo, change: datetime) -> list[str]:
    """A STANDARD or DAYLIGHT block for one yearly change, with the rule "the n-th Sunday of
    the month" that the US (and most zones) follow."""
    before = (change - timedelta(hours=1)).astimezone(zone)
    after = change.astimezone(zone)
    kind = "DAYLIGHT" if after.dst() else "STANDARD"
    # The change's wall-clock time, read in the offset in force before it (§3.6.5).
    local_start = (change + (before.utcoffset() or timedelta())).replace(tzinfo=None)
    week = (local_start.day - 1) // 7 + 1
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local_start.weekday()]
    return [
        f"BEGIN:{kind}",
        f"TZOFFSETFROM:{_offset(before.utcoffset())}",
        f"TZOFFSETTO:{_offset(after.utcoffset())}",
        f"TZNAME:{after.tzname()}",
        f"DTSTART:{local_start:%Y%m%dT%H%M%S}",
        f"RRULE:FREQ=YEARLY;BYMONTH={local_start.month};BYDAY={week}{weekday}",
        f"END:{kind}",
    ]


def vtimezone(zone: ZoneInfo, year: int) -> list[str]:
    """The VTIMEZONE lines describing `zone` in `year` (a zone without DST gets one
    STANDARD observance)."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    changes = _transitions(zone, year)
    if changes:
        for change in changes:
            lines += _observance(zone, change)
    else:
        moment = datetime(year, 1, 1, tzinfo=zone)
        offset = _offset(moment.utcoffset())
        lines += ["BEGIN:STANDARD", f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}",
                  f"TZNAME:{moment.tzname()}", f"DTSTART:{year}0101T000000", "END:STANDARD"]
    return [*lines, "END:VTIMEZONE"]


def usable_address(address: str) -> bool:
    """Whether `address` can stand in a `mailto:` of an invitation (no spaces, quotes or
    separators that would break the line)."""
    return bool(_ADDRESS.fullmatch(address))


def _check(invitation: Invitation, organizer: Organizer) -> None:
    for address in (invitation.attendee_email, organizer.email):
        if not usable_address(address):
            raise InvalidInput(f"{address!r} is not an e-mail address a calendar invitation can carry")
    if not _UID.fullmatch(invitation.uid):
        raise InvalidInput(f"{invitation.uid!r} is not a usable calendar UID (letters, digits, . _ -)")
    for moment in (invitation.stamp, invitation.starts_at, invitation.ends_at):
        if moment.tzinfo is None:
            raise InvalidInput(f"an invitation time ({moment.isoformat()}) has no time zone")
    if invitation.ends_at <= invitation.starts_at:
        raise InvalidInput("an invitation must end after it starts")
    if invitation.sequence < 0:
        raise InvalidInput("an invitation's sequence cannot be negative")


def request(invitation: Invitation, organizer: Organizer) -> bytes:
    """The invitation from `organizer` as a METHOD:REQUEST calendar, UTF-8 with CRLF line
    ends."""
    _check(invitation, organizer)
    zone = invitation.zone
    attendee_cn = f";CN={_param(invitation.attendee_name)}" if invitation.attendee_name else ""
    lines = [
        "BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:REQUEST",
        *vtimezone(zone, invitation.starts_at.astimezone(zone).year),
        "BEGIN:VEVENT",
        f"UID:{invitation.uid}@{organizer.domain}",
        f"SEQUENCE:{invitation.sequence}",
        f"DTSTAMP:{_utc(invitation.stamp)}",
        f"DTSTART;TZID={zone.key}:{_local(invitation.starts_at, zone)}",
        f"DTEND;TZID={zone.key}:{_local(invitation.ends_at, zone)}",
        f"SUMMARY:{escape_text(invitation.summary)}",
        f"LOCATION:{escape_text(invitation.location)}",
        f"DESCRIPTION:{escape_text(invitation.description)}",
        f"ORGANIZER;CN={_param(organizer.name)}:mailto:{organizer.email}",
        f"ATTENDEE{attendee_cn};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{invitation.attendee_email}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
