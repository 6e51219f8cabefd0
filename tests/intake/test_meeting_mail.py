"""Meeting e-mails from the outbox to a real SMTP server: the text from its template, the
calendar invitation as a `text/calendar; method=REQUEST` part that parses with the right
Pacific time on both sides of a DST change, an update for a reschedule, attachments carried
as base64 in the payload, and nothing sent twice or lost to a broken template."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import icalendar
import pytest
from intake_support import DESK
from servers.smtp_sink import SmtpSink
from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import MeetingKind
from cases.messaging import Channel, OutboxItem
from cases.persistence.repository import SqlUnitOfWork
from cases.ports import DeliveryFailed
from cases.rulebook import RuleBook
from cases.services.outbox import deliver_outbox
from intake.outgoing import FolderSender, SmtpSender, SmtpSettings, build_email
from intake.replies import Templates

RECEIVED = pacific(2026, 10, 19, 9)
SCHEDULED_AT = pacific(2026, 10, 20, 10, 30)


def register(engine: Engine, book: RuleBook, **changes: object) -> str:
    application = application_from_contract(contract(**changes), "residential")
    return services.register_application(SqlUnitOfWork(engine), book, application, RECEIVED, "intake")


def schedule(engine: Engine, book: RuleBook, number: str, kind: MeetingKind, starts: datetime,
             at: datetime = SCHEDULED_AT) -> services.MeetingScheduled:
    return services.schedule_meeting(SqlUnitOfWork(engine), book, number, kind, starts, None, [], at, "U100")


def smtp(sink: SmtpSink, templates: Templates | None = None) -> SmtpSender:
    return SmtpSender(SmtpSettings(sink.host, sink.port, security="none", timeout_s=5), DESK, templates)


def deliver(engine: Engine, sender: SmtpSender | FolderSender, at: datetime = SCHEDULED_AT) -> tuple[int, list[str]]:
    report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, lambda: at)
    return len(report.delivered), [error for _, error in report.failed]


def calendar_part(message: EmailMessage) -> EmailMessage:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    return part


def base64_lines_over_76(raw: bytes) -> list[bytes]:
    """Lines of base64 longer than RFC 2045 allows."""
    return [line for line in raw.splitlines() if len(line) > 76 and re.fullmatch(rb"[A-Za-z0-9+/=]+", line)]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize(("day", "zone_name", "utc_hour"), [
    (pacific(2026, 10, 30, 10), "PDT", 17),  # the Friday before the clocks go back
    (pacific(2026, 11, 2, 10), "PST", 18),   # the Monday after
])
def test_the_installer_receives_the_invitation_with_a_calendar_request(
        engine: Engine, book: RuleBook, smtp_sink: SmtpSink, day: datetime, zone_name: str, utc_hour: int) -> None:
    number = register(engine, book)
    done = schedule(engine, book, number, MeetingKind.WITNESS_TEST, day)
    assert done.invited is not None
    assert (done.invited.email, done.invited.role, done.sequence) == ("dana@sunbridge.example", "installer", 0)

    assert deliver(engine, smtp(smtp_sink)) == (1, [])

    (mail,) = smtp_sink.wait_for(1)
    message = mail.message
    assert mail.rcpt_tos == ("dana@sunbridge.example",)
    when = f"{day:%A, %B} {day.day}, 2026 at 10:00 AM {zone_name}"
    assert message["Subject"] == f"[{number}] Invitation: witness test, {when}"
    assert message["From"] == DESK
    assert message["Auto-Submitted"] == "auto-replied"
    text = text_of(message)
    assert text.startswith("Hello Dana Ruiz,\n\nWe have scheduled a witness test for case "
                           f"{number} (4417 N Williams Ave, Portland):")
    assert f"  When:  {when} to 12:00 PM {zone_name} (Pacific time)\n" in text
    assert "  Where: 4417 N Williams Ave, Portland, OR\n" in text
    assert f"write to\n{DESK} with {number} in the subject." in text

    assert base64_lines_over_76(mail.raw) == []
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == f"{number}-witness-test.ics"
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    assert b"\r\nMETHOD:REQUEST\r\n" in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    assert f"DTSTART;TZID=America/Los_Angeles:{day:%Y%m%d}T100000".encode() in data
    (vtimezone,) = calendar.walk("VTIMEZONE")
    start = event["DTSTART"].dt.replace(tzinfo=vtimezone.to_tz(lookup_tzid=False))
    assert start.astimezone(UTC) == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2)
    assert event["UID"] == f"{number}-witness-test@utility.example"
    assert event["SEQUENCE"] == 0
    assert event["ORGANIZER"] == f"mailto:{DESK}"
    assert event["ATTENDEE"] == "mailto:dana@sunbridge.example"
    assert event["LOCATION"] == "4417 N Williams Ave, Portland, OR"

    # Delivered once: a second delivery run finds nothing to send.
    assert deliver(engine, smtp(smtp_sink), SCHEDULED_AT + timedelta(hours=1)) == (0, [])
    assert len(smtp_sink.messages) == 1


def test_a_reschedule_updates_the_same_event_with_a_higher_sequence(
        engine: Engine, book: RuleBook, smtp_sink: SmtpSink) -> None:
    number = register(engine, book)
    schedule(engine, book, number, MeetingKind.SITE_VISIT, pacific(2026, 11, 2, 9))
    moved = schedule(engine, book, number, MeetingKind.SITE_VISIT, pacific(2026, 11, 4, 13, 30),
                     at=SCHEDULED_AT + timedelta(hours=2))
    assert moved.sequence == 1

    assert deliver(engine, smtp(smtp_sink), SCHEDULED_AT + timedelta(hours=3)) == (2, [])

    first, second = (m.message for m in smtp_sink.wait_for(2))
    events = [icalendar.Calendar.from_ical(calendar_part(m).get_payload(decode=True)).walk("VEVENT")[0]
              for m in (first, second)]
    assert [e["UID"] for e in events] == [f"{number}-site-visit@utility.example"] * 2
    assert [e["SEQUENCE"] for e in events] == [0, 1]
    assert events[1]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 11, 4, 13, 30)
    assert second["Subject"] == f"[{number}] Updated: site visit, Wednesday, November 4, 2026 at 1:30 PM PST"
    assert "has moved to a new time:" in text_of(second)
    assert "in place of the earlier time" in text_of(second)
    assert first["Message-ID"] != second["Message-ID"]


@pytest.mark.parametrize("sender_kind", ["smtp", "folder"])
def test_attachments_travel_as_base64_in_the_payload(
        smtp_sink: SmtpSink, tmp_path: Path, sender_kind: str) -> None:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4
    item = OutboxItem(
        key="test:attachment", channel=Channel.EMAIL, recipient="dana@sunbridge.example", id=7,
        created_at=SCHEDULED_AT, payload={
            "to": "dana@sunbridge.example", "subject": "[IC-2026-00001] Your agreement", "body": "Attached.\n",
            "attachments": [{"filename": "agreement.pdf", "content_type": "application/pdf",
                             "data": base64.b64encode(pdf).decode("ascii")}],
        })

    if sender_kind == "smtp":
        smtp(smtp_sink).send(item)
        (mail,) = smtp_sink.wait_for(1)
        message = mail.message
        assert base64_lines_over_76(mail.raw) == []
    else:
        FolderSender(tmp_path / "out", DESK).send(item)
        (written,) = (tmp_path / "out").iterdir()
        parsed = BytesParser(policy=default_policy).parsebytes(written.read_bytes())
        assert isinstance(parsed, EmailMessage)
        message = parsed

    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "agreement.pdf"
    assert attachment.get_payload(decode=True) == pdf
    assert text_of(message) == "Attached.\n"
    # No Message-ID in the payload: one made from the key, the same on a resend.
    assert message["Message-ID"] == build_email(item, DESK)["Message-ID"]
    assert message["Message-ID"].endswith("@utility.example>")


@pytest.mark.parametrize(("attachment", "reason"), [
    ({"filename": "a.pdf", "content_type": "application/pdf", "data": "not base64!"}, "is not base64"),
    ({"filename": "a.pdf", "content_type": "pdf", "data": "AAAA"}, "needs a filename and a type/subtype"),
])
def test_a_malformed_attachment_is_a_delivery_failure_with_the_reason(
        attachment: dict[str, str], reason: str) -> None:
    item = OutboxItem(key="test:bad", channel=Channel.EMAIL, recipient="a@b.example", created_at=SCHEDULED_AT,
                      payload={"to": "a@b.example", "subject": "s", "body": "b", "attachments": [attachment]})

    with pytest.raises(DeliveryFailed, match=reason):
        build_email(item, DESK)


def test_a_coordinators_template_folder_writes_the_text(
        engine: Engine, book: RuleBook, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "meeting_invitation.txt.j2").write_text(
        "Hi {{ greeting }}: {{ what }} on {{ when }} at {{ where }}. Questions: {{ desk_address }}.\n")
    number = register(engine, book)
    schedule(engine, book, number, MeetingKind.REVIEW_MEETING, pacific(2026, 11, 5, 14))

    assert deliver(engine, smtp(smtp_sink, Templates(folder))) == (1, [])

    (mail,) = smtp_sink.wait_for(1)
    assert text_of(mail.message) == (
        "Hi Dana Ruiz: review meeting on Thursday, November 5, 2026 at 2:00 PM PST at to be arranged with the "
        f"interconnection desk. Questions: {DESK}.\n")


def test_a_broken_template_holds_the_mail_until_it_is_fixed_and_then_sends_it_once(
        engine: Engine, book: RuleBook, smtp_sink: SmtpSink, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    broken = folder / "meeting_invitation.txt.j2"
    broken.write_text("Hello {{ greeting }}, see you {{ wehn }}.\n")
    number = register(engine, book)
    schedule(engine, book, number, MeetingKind.SITE_VISIT, pacific(2026, 11, 2, 9))
    sender: Callable[[], SmtpSender] = lambda: smtp(smtp_sink, Templates(folder))  # noqa: E731

    with caplog.at_level(logging.ERROR, logger="intake.outgoing"):
        delivered, errors = deliver(engine, sender())
    assert delivered == 0
    assert errors == ["the mail template meeting_invitation.txt.j2 could not be filled: 'wehn' is undefined"]
    assert f"mail template meeting_invitation could not be filled for outbox item meeting:{number}:site_visit:0" \
        in caplog.text
    assert smtp_sink.messages == []

    broken.unlink()  # the shipped template again
    assert deliver(engine, sender(), SCHEDULED_AT + timedelta(minutes=5)) == (1, [])
    assert deliver(engine, sender(), SCHEDULED_AT + timedelta(minutes=10)) == (0, [])
    (mail,) = smtp_sink.wait_for(1)
    assert mail.message["Subject"].startswith(f"[{number}] Invitation: site visit, Monday, November 2, 2026")
