"""The calendar invitation as data: what RFC 5545 asks of its lines, read back by an
independent parser (icalendar, with the VTIMEZONE we write rather than the zone's name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from cases.errors import InvalidInput
from cases.ics import Invitation, Organizer, escape_text, fold, request

PACIFIC = ZoneInfo("America/Los_Angeles")
DESK = Organizer("Interconnection Services", "interconnection@desk.example")


def invitation(**changes: object) -> Invitation:
    base = Invitation(
        uid="IC-2026-00042-witness-test", sequence=0, stamp=datetime(2026, 10, 20, 17, 30, tzinfo=UTC),
        starts_at=datetime(2026, 11, 2, 10, tzinfo=PACIFIC), ends_at=datetime(2026, 11, 2, 12, tzinfo=PACIFIC),
        zone=PACIFIC, summary="Witness test · IC-2026-00042 · 4417 N Williams Ave",
        location="4417 N Williams Ave, Portland, OR", description="Case IC-2026-00042; bring the test plan.",
        attendee_name="Dana Ruiz", attendee_email="dana@sunbridge.example",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def lines(data: bytes) -> list[str]:
    """The physical lines, each without its CRLF."""
    assert data.endswith(b"\r\n")
    return data.decode("utf-8").split("\r\n")[:-1]


def parsed_event(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_request_has_the_parts_a_mail_client_needs() -> None:
    data = request(invitation(), DESK)

    calendar, event = parsed_event(data)
    assert calendar["PRODID"] == "-//icdesk//Interconnection desk//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == "IC-2026-00042-witness-test@desk.example"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == datetime(2026, 10, 20, 17, 30, tzinfo=UTC)
    assert event["SUMMARY"] == "Witness test · IC-2026-00042 · 4417 N Williams Ave"
    assert event["LOCATION"] == "4417 N Williams Ave, Portland, OR"
    assert event["DESCRIPTION"] == "Case IC-2026-00042; bring the test plan."
    assert event["ORGANIZER"] == "mailto:interconnection@desk.example"
    assert event["ORGANIZER"].params["CN"] == "Interconnection Services"
    assert event["ATTENDEE"] == "mailto:dana@sunbridge.example"
    assert dict(event["ATTENDEE"].params) == {"CN": "Dana Ruiz", "ROLE": "REQ-PARTICIPANT",
                                              "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    assert "DTSTART;TZID=America/Los_Angeles:20261102T100000" in lines(data)
    assert "DTEND;TZID=America/Los_Angeles:20261102T120000" in lines(data)


@pytest.mark.parametrize(("day", "utc_hour", "offset_hours"), [
    (datetime(2026, 10, 30, 10), 17, -7),   # Friday before the change: daylight time
    (datetime(2026, 11, 2, 10), 18, -8),    # Monday after 1 November: standard time
    (datetime(2026, 3, 6, 10), 18, -8),     # before the spring change
    (datetime(2026, 3, 9, 10), 17, -7),     # after it
])
def test_the_written_time_zone_puts_the_meeting_at_ten_pacific_on_both_sides_of_a_dst_change(
        day: datetime, utc_hour: int, offset_hours: int) -> None:
    starts = day.replace(tzinfo=PACIFIC)
    data = request(invitation(starts_at=starts, ends_at=starts + timedelta(hours=1)), DESK)

    calendar, event = parsed_event(data)
    assert f"DTSTART;TZID=America/Los_Angeles:{day:%Y%m%dT100000}" in lines(data)
    # The VTIMEZONE as written, not the parser's own knowledge of the zone's name.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    written_zone = vtimezone.to_tz(lookup_tzid=False)
    local = event["DTSTART"].dt.replace(tzinfo=None)
    assert local == day
    assert written_zone.utcoffset(local) == timedelta(hours=offset_hours)
    assert local.replace(tzinfo=written_zone).astimezone(UTC).hour == utc_hour


def test_the_time_zone_block_states_both_yearly_changes() -> None:
    text = lines(request(invitation(), DESK))
    zone = text[text.index("BEGIN:VTIMEZONE"):text.index("END:VTIMEZONE") + 1]

    assert zone == [
        "BEGIN:VTIMEZONE", "TZID:America/Los_Angeles",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0800", "TZOFFSETTO:-0700", "TZNAME:PDT", "DTSTART:20260308T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0700", "TZOFFSETTO:-0800", "TZNAME:PST", "DTSTART:20261101T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]


def test_a_zone_without_daylight_time_has_one_standard_observance() -> None:
    phoenix = ZoneInfo("America/Phoenix")
    starts = datetime(2026, 7, 1, 9, tzinfo=phoenix)
    text = lines(request(invitation(zone=phoenix, starts_at=starts, ends_at=starts + timedelta(hours=1)), DESK))

    assert "BEGIN:DAYLIGHT" not in text
    assert text.count("BEGIN:STANDARD") == 1
    assert "TZOFFSETTO:-0700" in text
    assert "DTSTART;TZID=America/Phoenix:20260701T090000" in text


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    description = "Bring the commissioning plan; " + "é" * 120 + ", and the one-line diagram."
    data = request(invitation(description=description, summary="Witness test " + "x" * 200), DESK)

    physical = lines(data)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)
    assert "\n" not in data.decode("utf-8").replace("\r\n", "")  # no bare LF anywhere
    _, event = parsed_event(data)
    assert event["DESCRIPTION"] == description
    assert event["SUMMARY"] == "Witness test " + "x" * 200


def test_fold_and_escape_as_the_rfc_writes_them() -> None:
    assert fold("A" * 75) == "A" * 75
    assert fold("A" * 76) == "A" * 75 + "\r\n A"
    assert fold("A" * 74 + "é") == "A" * 74 + "\r\n é"  # 76 octets: the two-octet character moves whole
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_names_with_quotes_and_line_breaks_cannot_break_the_attendee_line() -> None:
    data = request(invitation(attendee_name='Dana "DR" Ruiz\r\nX-EVIL:1'), DESK)

    assert not any(line.startswith("X-EVIL") for line in lines(data))
    _, event = parsed_event(data)
    assert event["ATTENDEE"].params["CN"] == "Dana 'DR' Ruiz  X-EVIL:1"


@pytest.mark.parametrize(("changes", "message"), [
    ({"attendee_email": "dana ruiz@sunbridge.example"}, "not an e-mail address a calendar invitation can carry"),
    ({"attendee_email": "dana@x.example\r\nATTENDEE:mailto:eve@x"}, "not an e-mail address"),
    ({"uid": "IC 42"}, "not a usable calendar UID"),
    ({"starts_at": datetime(2026, 11, 2, 10)}, "has no time zone"),
    ({"ends_at": datetime(2026, 11, 2, 9, tzinfo=PACIFIC)}, "must end after it starts"),
    ({"sequence": -1}, "cannot be negative"),
])
def test_what_cannot_be_written_is_refused_with_the_reason(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        request(invitation(**changes), DESK)


def test_an_invitation_survives_the_outbox_payload_and_gives_the_same_file() -> None:
    original = invitation(sequence=3)

    again = Invitation.from_data(original.as_data())

    assert again == original
    assert request(again, DESK) == request(original, DESK)
    with pytest.raises(InvalidInput, match="not an invitation"):
        Invitation.from_data({**original.as_data(), "starts_at": "next tuesday"})
