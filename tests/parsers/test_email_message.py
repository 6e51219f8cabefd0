"""The e-mail parser: `bytes -> IntakeMessage` for the mail an interconnection desk receives.

Messages are built in code with EmailMessage; the .eml files in eml/ are kept only for MIME
oddities that EmailMessage will not write (RFC 2047 file names, a DSN, broken headers).
"""

from __future__ import annotations

import base64
import email
import hashlib
import random
import struct
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.email_message import Attachment, IntakeMessage, UnreadableEmail, parse_email
from parsers.email_names import safe_name

EML = Path(__file__).parent / "eml"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def mail(
    body: str = "Please find the application attached.",
    *,
    subject: str = "Interconnection application",
    sender: str = "Jane Doe <jane.doe@sunnyroofs.example>",
    **headers: str,
) -> EmailMessage:
    """A plain-text message from an installer; extra headers by keyword (Auto_Submitted=...)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "interconnection@utility.example"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 03 Mar 2026 09:12:00 -0500"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def parse(msg: EmailMessage) -> IntakeMessage:
    return parse_email(msg.as_bytes())


def eml(name: str) -> IntakeMessage:
    return parse_email((EML / name).read_bytes())


def names_and_types(result: IntakeMessage) -> list[tuple[str, str]]:
    return [(one.filename, one.content_type) for one in result.attachments]


# --- headers and threading -------------------------------------------------------------------


def test_a_reply_gives_its_threading_headers_sender_and_case_numbers() -> None:
    msg = mail(
        "Here is the signed one-line diagram for IC-2026-00042 (and ic-2026-00043 for the barn).",
        subject="  RE: Fwd:  [IC-2026-00042]\t  one-line   diagram ",
        sender='"Doe, Jane" <Jane.Doe@SunnyRoofs.EXAMPLE>',
        Message_ID="<CAB1234@mail.sunnyroofs.example>",
        In_Reply_To="<ack-42@utility.example>",
        References="<app-1@sunnyroofs.example> <ack-42@utility.example>",
        Reply_To="Permits Desk <Permits@SunnyRoofs.example>",
        Return_Path="<bounces+jane=SunnyRoofs.example@mailer.example>",
    )
    raw = msg.as_bytes()
    result = parse_email(raw)
    assert result.message_id == "<CAB1234@mail.sunnyroofs.example>"
    assert result.in_reply_to == ("<ack-42@utility.example>",)
    assert result.references == ("<app-1@sunnyroofs.example>", "<ack-42@utility.example>")
    assert result.sender == "jane.doe@sunnyroofs.example"
    assert result.sender_name == "Doe, Jane"
    assert result.reply_to == "permits@sunnyroofs.example"
    assert result.return_path == "bounces+jane=sunnyroofs.example@mailer.example"
    assert result.subject == "RE: Fwd: [IC-2026-00042] one-line diagram"
    assert result.date == datetime(2026, 3, 3, 9, 12, tzinfo=timezone(timedelta(hours=-5)))
    assert result.case_numbers == ("IC-2026-00042", "IC-2026-00043")
    assert result.auto_reason is None
    assert result.content_sha256 == hashlib.sha256(raw).hexdigest()
    assert result.size == len(raw)


def test_a_message_without_message_id_is_identified_by_its_bytes() -> None:
    raw = mail("No id here.").as_bytes()
    first, again = parse_email(raw), parse_email(raw)
    other = parse_email(raw.replace(b"No id here.", b"No id here!"))
    assert first.message_id is None
    assert first.in_reply_to == ()
    assert first.references == ()
    assert first.content_sha256 == again.content_sha256 == hashlib.sha256(raw).hexdigest()
    assert other.content_sha256 != first.content_sha256


def test_message_ids_without_brackets_or_with_commas_are_normalised() -> None:
    raw = (
        b"From: a@sunnyroofs.example\r\nSubject: x\r\nMessage-ID: bare-id@host.example\r\n"
        b"In-Reply-To: <one@host.example> (Jane's message of Monday)\r\n"
        b"References: <one@host.example>,\r\n\t<two@host.example>, <one@host.example>\r\n\r\nbody\r\n"
    )
    result = parse_email(raw)
    assert result.message_id == "<bare-id@host.example>"
    assert result.in_reply_to == ("<one@host.example>",)
    assert result.references == ("<one@host.example>", "<two@host.example>")


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("[IC-2026-00042] Re: missing documents", "", ("IC-2026-00042",)),
        ("Fwd: RE: ic-2026-00042", "see IC-2026-00042 and IC–2026–00050", ("IC-2026-00042", "IC-2026-00050")),
        ("Question", "Case (IC-2025-12345), also IC-2025-12345.", ("IC-2025-12345",)),
        ("Case IC-2026-000421 or XIC-2026-00042 or IC-26-00042", "nothing here", ()),
        ("Body first? no: subject IC-2026-00002", "IC-2026-00001", ("IC-2026-00002", "IC-2026-00001")),
    ],
)
def test_case_numbers_come_from_subject_then_body(subject: str, body: str, expected: tuple[str, ...]) -> None:
    assert parse(mail(body or "-", subject=subject)).case_numbers == expected


def test_a_broken_encoded_word_stays_as_written_and_raw_8bit_headers_are_read() -> None:
    result = eml("bad_encoded_words.eml")
    assert result.subject == "Café permit été =?utf-8?b?!!not-base64?= [IC-2026-00077]"
    assert result.sender == "jose.perez@example.com"
    assert result.sender_name == "José Pérez"
    assert result.date is None  # "someday soon"
    assert result.case_numbers == ("IC-2026-00077",)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Wed, 04 Mar 2026 08:00:01 -0000", datetime(2026, 3, 4, 8, 0, 1, tzinfo=UTC)),
        ("4 Mar 2026 08:00:01 +0200", datetime(2026, 3, 4, 6, 0, 1, tzinfo=UTC)),
        ("Wed, 31 Feb 2026 08:00:01 +0000", None),
        ("", None),
    ],
)
def test_dates_are_aware_or_none(header: str, expected: datetime | None) -> None:
    raw = f"From: a@sunnyroofs.example\r\nSubject: x\r\nDate: {header}\r\n\r\nbody\r\n".encode()
    result = parse_email(raw)
    assert result.date == expected
    assert result.date is None or result.date.tzinfo is not None


# --- bodies and charsets ----------------------------------------------------------------------


def test_html_only_mail_is_converted_to_text() -> None:
    msg = mail()
    msg.set_content(
        "<html><head><style>p {color: red}</style><title>t</title></head><body>"
        "<p>Hello&nbsp;desk,</p><p>The <b>inspection</b> passed on 3&nbsp;March &amp; the meter<br>is set.</p>"
        "<ul><li>one-line diagram</li><li>site plan</li></ul><script>alert(1)</script>"
        "<div>On Mon, 2 Mar 2026 at 10:00, Desk &lt;ic@utility.example&gt; wrote:</div>"
        "<blockquote><p>Please send the sign-off for IC-2026-00042.</p></blockquote></body></html>",
        subtype="html",
    )
    result = parse(msg)
    assert result.body_text == (
        "Hello desk,\n\nThe inspection passed on 3 March & the meter\nis set.\n\n"
        "one-line diagram\nsite plan\n"
        "On Mon, 2 Mar 2026 at 10:00, Desk <ic@utility.example> wrote:\n"
        "> Please send the sign-off for IC-2026-00042."
    )
    assert result.new_text == (
        "Hello desk,\n\nThe inspection passed on 3 March & the meter\nis set.\n\none-line diagram\nsite plan"
    )
    assert result.case_numbers == ("IC-2026-00042",)


def test_plain_text_is_preferred_over_its_html_alternative() -> None:
    msg = mail("Plain words.")
    msg.add_alternative("<p>Rich <i>words</i>.</p>", subtype="html")
    assert parse(msg).body_text == "Plain words."


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("iso-8859-1", "Désirée Bélanger à Montréal"),
        ("windows-1252", "Zoë’s “meter” – Fête"),
    ],
)
def test_a_declared_8bit_charset_is_decoded(charset: str, text: str) -> None:
    msg = mail()
    msg.set_content(text, charset=charset, cte="8bit")
    assert f"charset=\"{charset}\"".encode() in msg.as_bytes()
    assert parse(msg).body_text == text


def test_latin1_labelled_mail_with_windows_quotes_and_raw_8bit_headers() -> None:
    result = eml("bad_encoded_words.eml")
    assert result.body_text == "Désirée says “thanks” – the meter is in."


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"=?iso-8859-1?q?D=E9sir=E9e_B=E9langer?= <Desiree@Example.com>", "Désirée Bélanger"),
        (b"=?windows-1252?Q?Zo=EB_=93Solar=94_Fran=E7ois?= <zoe@example.com>", "Zoë “Solar” François"),
        (b"D\xe9sir\xe9e B\xe9langer <Desiree@Example.com>", "Désirée Bélanger"),
        (b"\"R\xc3\xa9n\xc3\xa9e L.\" <Desiree@Example.com>", "Rénée L."),
    ],
)
def test_accented_sender_names_in_any_charset(header: bytes, expected: str) -> None:
    result = parse_email(b"From: " + header + b"\r\nSubject: x\r\n\r\nbody\r\n")
    assert result.sender_name == expected
    assert result.sender in {"desiree@example.com", "zoe@example.com"}


@pytest.mark.parametrize(
    ("declared", "payload", "expected"),
    [
        ("x-unheard-of", "Ça va, Zoë".encode(), "Ça va, Zoë"),
        ("utf-8", "Renée".encode("cp1252"), "Renée"),
        ("us-ascii", "Renée".encode(), "Renée"),
        ("zlib", b"plain", "plain"),
    ],
)
def test_wrong_or_unknown_charsets_fall_back_without_raising(declared: str, payload: bytes, expected: str) -> None:
    raw = (
        b"From: a@sunnyroofs.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=" + declared.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + payload + b"\r\n"
    )
    assert parse_email(raw).body_text == expected


# --- the reply's own text ---------------------------------------------------------------------


def test_gmail_reply_loses_the_quote_and_the_signature() -> None:
    body = (
        "Hi, the utility disconnect photo is attached.\n"
        "\n"
        "-- \n"
        "Jane Doe | Sunny Roofs | 555-0100\n"
        "\n"
        "On Tue, Mar 3, 2026 at 9:12 AM Interconnection Desk <\n"
        "interconnection@utility.example> wrote:\n"
        "\n"
        "> Your application IC-2026-00042 is missing:\n"
        "> - a photo of the utility disconnect\n"
    )
    result = parse(mail(body, subject="Re: [IC-2026-00042] Missing documents"))
    assert result.new_text == "Hi, the utility disconnect photo is attached."
    assert "> Your application IC-2026-00042 is missing:" in result.body_text


def test_inline_answers_keep_the_senders_lines_only() -> None:
    body = "> Is the inverter UL 1741 SB listed?\nYes, certificate attached.\n> Meter location?\nEast wall.\n"
    assert parse(mail(body)).new_text == "Yes, certificate attached.\nEast wall."


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: Interconnection Desk\nSent: Monday, March 2, 2026 10:00 AM\n",
        (
            "________________________________\nFrom: Interconnection Desk <ic@utility.example>\n"
            "Sent: Monday, March 2, 2026 10:00 AM\nTo: Jane Doe\nSubject: IC-2026-00042\n"
        ),
        "From: Interconnection Desk <ic@utility.example>\nDate: Monday, March 2, 2026 at 10:00\n",
        "---------- Forwarded message ---------\nFrom: Customer <c@home.example>\n",
    ],
)
def test_outlook_style_history_is_cut(history: str) -> None:
    body = f"Payment reference 88412 sent today.\n\nSent from my iPhone\n\n{history}\nPlease pay the fee.\n"
    assert parse(mail(body)).new_text == "Payment reference 88412 sent today."


def test_text_that_merely_mentions_from_is_kept() -> None:
    body = "From: the roof, the panels face south.\nWe wrote: nothing yet.\n"
    assert parse(mail(body)).new_text == "From: the roof, the panels face south.\nWe wrote: nothing yet."


# --- attachments ------------------------------------------------------------------------------


def test_pdf_attachments_keep_bytes_and_get_hashes() -> None:
    msg = mail()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="Application.pdf")
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(20_000), maintype="image", subtype="png", filename="roof.png")
    result = parse(msg)
    assert result.attachments == (
        Attachment("Application.pdf", "application/pdf", PDF, hashlib.sha256(PDF).hexdigest()),
        Attachment(
            "roof.png",
            "image/png",
            b"\x89PNG\r\n\x1a\n" + bytes(20_000),
            hashlib.sha256(b"\x89PNG\r\n\x1a\n" + bytes(20_000)).hexdigest(),
        ),
    )
    assert result.attachments[0].size == len(PDF)
    assert result.body_text == "Please find the application attached."


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("scan.bin", PDF, ("scan.bin", "application/pdf")),
        ("SITE PLAN.PDF", b"not really a pdf", ("SITE PLAN.PDF", "application/pdf")),
        ("notes.dat", b"binary", ("notes.dat", "application/octet-stream")),
        (None, PDF, ("attachment-1.pdf", "application/pdf")),
        (None, b"\x00\x01", ("attachment-1.bin", "application/octet-stream")),
    ],
)
def test_octet_stream_pdfs_are_reported_as_pdf(
    filename: str | None, data: bytes, expected: tuple[str, str]
) -> None:
    msg = mail()
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    result = parse(msg)
    assert names_and_types(result) == [expected]
    assert result.attachments[0].data == data


def test_rfc2047_and_rfc2231_file_names_are_decoded() -> None:
    result = eml("encoded_filenames.eml")
    assert names_and_types(result) == [
        ("Schéma unifilaire.pdf", "application/pdf"),
        ("Plan d'implantation été.pdf", "application/pdf"),
        ("Fiche technique onduleur été.PDF", "application/pdf"),
    ]
    assert result.attachments[1].data == b"%PDF-1.4\n% site-plan\n"
    assert result.sender_name == "Renée Lefèvre"
    assert result.subject == "Re: [IC-2026-00042] pièces jointes"
    assert result.body_text == "Voici les pièces."


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\evil\\x.pdf", "x.pdf"),
        ("..\\..\\windows\\system32\\drivers.pdf", "drivers.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...", "attachment-1.pdf"),
        ("   ", "attachment-1.pdf"),
        ("inv\x07oice\u202efdp.exe", "invoicefdp.exe"),
        ('bad<>:"|?*.pdf', "bad_______.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(given_name: str, expected: str) -> None:
    assert safe_name(given_name, 1, "application/pdf") == expected


def test_a_path_traversal_name_in_a_real_message_is_reduced_to_its_last_part() -> None:
    msg = mail()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="../../etc/passwd")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="C:\\evil\\x.pdf")
    assert [one.filename for one in parse(msg).attachments] == ["passwd", "x.pdf"]


def test_a_forwarded_message_gives_up_its_attachments() -> None:
    original = mail("Here is my application.", subject="Application IC-2026-00099")
    original.add_attachment(PDF, maintype="application", subtype="pdf", filename="customer application.pdf")
    forward = mail("Forwarding the customer's application, see attached message.", subject="Fwd: application")
    forward.add_attachment(b"%PDF-1.7 cover", maintype="application", subtype="pdf", filename="cover.pdf")
    forward.add_attachment(original)
    result = parse(forward)
    assert names_and_types(result) == [
        ("cover.pdf", "application/pdf"),
        ("customer application.pdf", "application/pdf"),
    ]
    assert result.attachments[1].data == PDF
    assert result.body_text == "Forwarding the customer's application, see attached message."


def test_small_inline_signature_images_are_skipped_but_real_photos_kept() -> None:
    msg = mail()
    msg.add_alternative('<p>Photo below.</p><img src="cid:logo"><img src="cid:photo">', subtype="html")
    html = next(part for part in msg.iter_parts() if part.get_content_type() == "text/html")
    html.add_related(b"GIF89a" + bytes(500), maintype="image", subtype="gif", cid="<logo>")
    html.add_related(b"\xff\xd8\xff" + bytes(50_000), maintype="image", subtype="jpeg", cid="<photo>")
    result = parse(msg)
    assert names_and_types(result) == [("attachment-1.jpg", "image/jpeg")]
    assert result.body_text == "Please find the application attached."


def test_a_missing_boundary_is_recovered_from_the_parts() -> None:
    result = eml("missing_boundary.eml")
    assert result.body_text == "Scanned on the office copier."
    assert names_and_types(result) == [("scan0051.pdf", "application/pdf")]
    assert result.attachments[0].data == b"%PDF-1.4\n% scan\n"


def test_a_signature_part_of_signed_mail_is_not_an_attachment() -> None:
    raw = (
        b"From: a@sunnyroofs.example\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"\r\n\r\n'
        b"--s\r\nContent-Type: text/plain\r\n\r\nSigned words.\r\n"
        b"--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--s--\r\n"
    )
    result = parse_email(raw)
    assert result.body_text == "Signed words."
    assert result.attachments == ()


def test_a_25_megabyte_message_parses() -> None:
    big = PDF + bytes(25 * 1024 * 1024 - len(PDF))
    msg = mail()
    msg.add_attachment(big, maintype="application", subtype="pdf", filename="packet.pdf")
    result = parse(msg)
    assert [(one.filename, one.size) for one in result.attachments] == [("packet.pdf", len(big))]
    assert result.attachments[0].sha256 == hashlib.sha256(big).hexdigest()


def test_a_25_megabyte_attachment_decodes_to_its_bytes_in_under_four_times_the_message() -> None:
    # Random bytes, so that no run of equal lines hides a slip at a line or a slice boundary.
    big = random.Random(25).randbytes(25_000_000)  # noqa: S311 - test data, not a secret
    msg = mail()
    msg.add_attachment(big, maintype="application", subtype="pdf", filename="packet.pdf")
    raw = msg.as_bytes(policy=policy.SMTP)
    del msg
    tracemalloc.start()
    try:
        result = parse_email(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.attachments[0].data == big
    assert result.attachments[0].sha256 == hashlib.sha256(big).hexdigest()
    # The message text (one byte a character) and the decoded file must fit with room to
    # spare; decoding the whole message to one str, or base64 through a list of its lines,
    # took 5 to 8 times the message.
    assert peak < 4 * len(raw), f"parse_email peaked at {peak / 2**20:.0f} MiB for {len(raw) / 2**20:.0f} MiB of mail"


def _second_boundary_at(offset: int, pdfs: tuple[bytes, bytes]) -> bytes:
    """A message whose second boundary line starts `offset` bytes in: lines of text before it
    fill the gap to the byte (written by hand, as EmailMessage chooses its own encodings)."""

    def part(number: int) -> bytes:
        encoded = base64.encodebytes(pdfs[number]).replace(b"\n", b"\r\n")
        return (b"Content-Type: application/pdf; name=part-%d.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                % number + encoded)

    head = (b"From: Jane Doe <jane.doe@sunnyroofs.example>\r\nSubject: Packet\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"==part==\"\r\n\r\n"
            b"--==part==\r\nContent-Type: text/plain\r\n\r\n")
    first = b"--==part==\r\n" + part(0)
    gap = offset - len(head) - len(first)
    text = b""
    while gap - len(text) > 80:
        text += b"x" * 70 + b"\r\n"
    text += b"x" * (gap - len(text) - 2) + b"\r\n"
    raw = head + text + first + b"--==part==\r\n" + part(1) + b"--==part==--\r\n"
    assert raw.index(b"--==part==\r\n" + part(1)) == offset
    return raw


@pytest.mark.parametrize("before_slice_end", [-3, -2, -1, 0, 1, 2, 5, 16])
def test_a_line_cut_by_the_64_kib_feed_slices_reads_as_one_line(before_slice_end: int) -> None:
    # The parser is fed 64 KiB at a time: a boundary line, or the CR and LF ending one, split
    # between two slices must read exactly as if it came in one piece.
    pdfs = (PDF + b"first" * 30, PDF + b"second" * 30)
    for slice_end in (65_536, 2 * 65_536):
        raw = _second_boundary_at(slice_end - before_slice_end, pdfs)
        result = parse_email(raw)
        assert [(one.filename, one.data) for one in result.attachments] == [("part-0.pdf", pdfs[0]),
                                                                           ("part-1.pdf", pdfs[1])]
        assert set(result.body_text) == {"x", "\n"}
        assert len(result.body_text) > 60_000


_BASE64ISH = st.lists(
    st.sampled_from([b"QUJD", b"REVG", b"AA==", b"QQ=", b"=", b"A", b"\r\n", b"\n", b" ", b"!", b"-", b"\xe9",
                     b"\x80\xff", b"+/+/", b"Zm9v"]),
    max_size=40,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(_BASE64ISH)
def test_base64_parts_decode_as_the_standard_library_decodes_them(body: bytes) -> None:
    # Bad padding, stray characters and 8-bit bytes included: what the fast path refuses
    # goes the standard way, so every part gives the bytes it always gave.
    raw = (b"From: a@sunnyroofs.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
           b"--b\r\nContent-Type: application/octet-stream; name=file.bin\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n--b--\r\n")
    standard = email.message_from_bytes(raw, policy=policy.default)
    [part] = [one for one in standard.walk() if one.get_filename() == "file.bin"]
    expected = part.get_payload(decode=True)
    assert [one.data for one in parse_email(raw).attachments] == [expected]


# --- winmail.dat (TNEF) -----------------------------------------------------------------------


def _tnef_attribute(level: int, tag: int, value: bytes) -> bytes:
    return struct.pack("<BII", level, tag, len(value)) + value + struct.pack("<H", sum(value) & 0xFFFF)


def _mapi_long_name(name: str) -> bytes:
    """MAPI properties: an attachment number, a named property, then the long file name."""
    encoded = name.encode("utf-16-le") + b"\0\0"
    props = struct.pack("<I", 3)
    props += struct.pack("<HHi", 0x0003, 0x0E21, 7)  # PT_LONG attachment number
    props += struct.pack("<HH", 0x0102, 0x8005) + bytes(16) + struct.pack("<II", 0, 0x8514)  # named, by id
    props += struct.pack("<II", 1, 3) + b"abc\0"  # one binary value of 3 bytes, padded to 4
    props += struct.pack("<HHII", 0x001F, 0x3707, 1, len(encoded)) + encoded + bytes(-len(encoded) % 4)
    return props


def winmail(*files: tuple[str | None, str, bytes]) -> bytes:
    """A minimal TNEF stream: (long name or None, 8.3 title, bytes) per attachment."""
    out = struct.pack("<IH", 0x223E9F78, 1)
    out += _tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000))  # TNEF version
    out += _tnef_attribute(1, 0x00069007, struct.pack("<II", 1252, 0))  # OEM code page
    for long_name, title, data in files:
        out += _tnef_attribute(2, 0x00069002, bytes(14))  # rendering data: a new attachment
        out += _tnef_attribute(2, 0x00018010, title.encode("cp1252") + b"\0")
        out += _tnef_attribute(2, 0x0006800F, data)
        if long_name is not None:
            out += _tnef_attribute(2, 0x00069005, _mapi_long_name(long_name))
    return out


def test_winmail_dat_is_unpacked_into_its_attachments() -> None:
    msg = mail("See attached.")
    blob = winmail(("Interconnection Application – Zoë.pdf", "INTERC~1.PDF", PDF), (None, "SITE.JPG", b"\xff\xd8jpeg"))
    msg.add_attachment(blob, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    result = parse(msg)
    assert names_and_types(result) == [
        ("Interconnection Application – Zoë.pdf", "application/pdf"),
        ("SITE.JPG", "image/jpeg"),
    ]
    assert [one.data for one in result.attachments] == [PDF, b"\xff\xd8jpeg"]


@pytest.mark.parametrize(
    "blob",
    [
        b"not tnef at all",
        winmail(("a.pdf", "A.PDF", PDF))[:-9],  # cut inside the last attribute
        struct.pack("<IH", 0x223E9F78, 1) + _tnef_attribute(2, 0x00069005, struct.pack("<IHH", 9, 0x0102, 1)),
        struct.pack("<IH", 0x223E9F78, 1)
        + _tnef_attribute(2, 0x00069002, bytes(14))
        + _tnef_attribute(2, 0x00069005, struct.pack("<IHH", 9, 0x0102, 1)),
    ],
)
def test_an_unreadable_winmail_dat_is_kept_as_it_is(blob: bytes) -> None:
    msg = mail()
    msg.add_attachment(blob, maintype="application", subtype="vnd.ms-tnef", filename="winmail.dat")
    result = parse(msg)
    assert names_and_types(result) == [("winmail.dat", "application/vnd.ms-tnef")]
    assert result.attachments[0].data == blob


def test_a_winmail_dat_without_attachments_adds_nothing() -> None:
    msg = mail("Rich text only.")
    msg.add_attachment(winmail(), maintype="application", subtype="ms-tnef", filename="winmail.dat")
    result = parse(msg)
    assert result.attachments == ()
    assert result.body_text == "Rich text only."


# --- messages that must never get an automatic reply -------------------------------------------


def test_a_bounce_is_a_delivery_status_report_and_its_returned_copy_is_not_a_document() -> None:
    result = eml("bounce_report.eml")
    assert result.auto_reason == "delivery status report"
    assert result.return_path == ""
    assert result.sender == "mailer-daemon@mx.sunny.example"
    assert result.body_text.startswith("I'm sorry to have to inform you that your message could not\n")
    assert result.attachments == ()
    assert result.case_numbers == ()


def test_a_calendar_answer_to_an_invitation_is_not_a_document_nor_a_question() -> None:
    # What Outlook or Google Calendar sends when the installer presses Accept (RFC 6047).
    reply = EmailMessage()
    reply["From"] = "dana@sunbridge.example"
    reply["To"] = "interconnection@utility.example"
    reply["Subject"] = "Accepted: Witness test · IC-2026-00002"
    reply.set_content("Dana Ruiz has accepted this meeting.")
    reply.add_alternative("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", subtype="calendar",
                          params={"method": "REPLY"})
    assert parse_email(reply.as_bytes()).auto_reason == "a calendar's answer to an invitation (METHOD:REPLY)"
    # The invitation itself (METHOD:REQUEST), forwarded by a person, is ordinary mail.
    reply.replace_header("Subject", "Fwd: Invitation")
    reply.get_payload()[1].set_param("method", "REQUEST")
    assert parse_email(reply.as_bytes()).auto_reason is None


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, None, "Auto-Submitted: auto-replied"),
        ({"Auto_Submitted": "Auto-Generated; owner-email=x@y"}, None, "Auto-Submitted: auto-generated"),
        ({"Auto_Submitted": "no"}, None, None),
        ({"X_Auto_Response_Suppress": "All"}, None, None),
        ({"Return_Path": "<>"}, None, "null Return-Path"),
        ({"List_Id": "Solar news <news.solar.example>"}, None, "mailing list (List-Id)"),
        ({"List_Unsubscribe": "<mailto:leave@solar.example>"}, None, "mailing list (List-Unsubscribe)"),
        ({"Precedence": "Bulk"}, None, "Precedence: bulk"),
        ({"Precedence": "junk"}, None, "Precedence: junk"),
        ({"Precedence": "first-class"}, None, None),
        ({"X_Autoreply": "yes"}, None, "X-Autoreply header"),
        ({"X_Autorespond": "Out of office"}, None, "X-Autorespond header"),
        ({}, "MAILER-DAEMON@mx.example", "automated sender (mailer-daemon)"),
        ({}, "postmaster@mx.example", "automated sender (postmaster)"),
        ({}, "No-Reply <no-reply@portal.example>", "automated sender (no-reply)"),
        ({}, "noreply+abc@portal.example", "automated sender (noreply)"),
        ({}, "do-not-reply@portal.example", "automated sender (do-not-reply)"),
        ({}, "noreen@sunnyroofs.example", None),
        (
            {"Auto_Submitted": "auto-replied", "List_Id": "<l.example>"},
            "noreply@x.example",
            "Auto-Submitted: auto-replied",
        ),
        ({"Precedence": "list", "List_Unsubscribe": "<mailto:x@y>"}, None, "mailing list (List-Unsubscribe)"),
    ],
)
def test_auto_reply_reasons(headers: dict[str, str], sender: str | None, reason: str | None) -> None:
    msg = mail("I am out of the office until Monday.", **headers) if sender is None else mail(sender=sender, **headers)
    assert parse(msg).auto_reason == reason


def test_an_out_of_office_reply_still_threads() -> None:
    msg = mail(
        "I am out of the office until 9 March.",
        subject="Automatic reply: [IC-2026-00042] Application received",
        Auto_Submitted="auto-replied",
        In_Reply_To="<ack-42@utility.example>",
    )
    result = parse(msg)
    assert result.auto_reason == "Auto-Submitted: auto-replied"
    assert result.case_numbers == ("IC-2026-00042",)
    assert result.in_reply_to == ("<ack-42@utility.example>",)


# --- input that is not an e-mail --------------------------------------------------------------


EMPTY = "The message is empty: there is nothing to read."
NOT_MAIL = "The file is not an e-mail: it has no mail headers such as From, Subject or Date."
NESTED = "The message is nested too deeply to be read."


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", EMPTY),
        (b"  \r\n\t", EMPTY),
        (PDF, NOT_MAIL),
        (b"X-Only: a header no mail needs\r\n\r\nbody", NOT_MAIL),
    ],
)
def test_bytes_that_are_not_an_email_are_unreadable(raw: bytes, reason: str) -> None:
    with pytest.raises(UnreadableEmail) as caught:
        parse_email(raw)
    assert caught.value.reason == reason
    assert str(caught.value) == reason


def _nested(levels: int) -> bytes:
    head = b"From: a@sunnyroofs.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    body = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1) for i in range(levels))
    return head + body + b"--b%d\r\nContent-Type: application/pdf; name=deep.pdf\r\n\r\n%%PDF-1\r\n" % levels


def test_mime_nesting_is_bounded() -> None:
    assert [one.filename for one in parse_email(_nested(10)).attachments] == ["deep.pdf"]
    assert parse_email(_nested(60)).attachments == ()  # deeper than any mail client writes
    with pytest.raises(UnreadableEmail) as caught:
        parse_email(_nested(5000))
    assert caught.value.reason == NESTED


def test_a_message_with_only_a_subject_still_parses() -> None:
    result = parse_email(b"Subject: hello\n")
    assert (result.subject, result.sender, result.body_text, result.attachments) == ("hello", None, "", ())


# --- fuzzing ----------------------------------------------------------------------------------


def _seed() -> bytes:
    msg = mail("Hello\n> quoted\n-- \nsig", subject="Re: [IC-2026-00042] =?weird", Message_ID="<a@b>")
    msg.add_alternative("<p>Hello <b>there</b></p><blockquote>old</blockquote>", subtype="html")
    msg.add_attachment(PDF, maintype="application", subtype="octet-stream", filename="résumé.pdf")
    blob = winmail(("a.pdf", "A.PDF", PDF))
    msg.add_attachment(blob, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    msg.add_attachment(mail("inner"))
    return msg.as_bytes()


SEED = _seed()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(raw: bytes) -> IntakeMessage | UnreadableEmail:
    try:
        return parse_email(raw)
    except UnreadableEmail as error:
        return error


def _parses_or_is_unreadable(raw: bytes) -> None:
    result = _outcome(raw)
    if isinstance(result, UnreadableEmail):
        # Not the last-resort "could not be read": that would be a bug the fuzzing found.
        assert result.reason in {EMPTY, NOT_MAIL, NESTED}
        return
    assert isinstance(result, IntakeMessage)
    assert result.size == len(raw)
    assert all(one.filename and "/" not in one.filename and "\\" not in one.filename for one in result.attachments)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_parse_or_are_unreadable(raw: bytes) -> None:
    _parses_or_is_unreadable(raw)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.integers(0, 60), st.binary(max_size=24)), max_size=12))
def test_mutated_messages_parse_or_are_unreadable(edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(SEED)
    for position, removed, inserted in edits:
        data[position : position + removed] = inserted
    _parses_or_is_unreadable(bytes(data))


def test_the_fuzz_seed_itself_parses_fully() -> None:
    result = parse_email(SEED)
    assert names_and_types(result) == [
        ("résumé.pdf", "application/pdf"),
        ("a.pdf", "application/pdf"),
    ]
    assert result.new_text == "Hello"
