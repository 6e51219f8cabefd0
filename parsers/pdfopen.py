"""Opening the bytes: refuse what is not a readable PDF, with a reason the sender can act on.

Checks run cheapest first (empty, size, magic bytes, truncation) so that a JPEG or an HTML
page named `.pdf` is refused in microseconds, before any PDF library sees it.
"""

from __future__ import annotations

import io

from pypdf import PasswordType, PdfReader, PdfWriter

from parsers.errors import UnreadablePdf

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office document"),
    (b"{\\rtf", "an RTF document"),
)


def _describe_non_pdf(head: bytes) -> str:
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in low:
        return "a web page (HTML)"
    if low.startswith((b"<?xml", b"<")):
        return "an XML or HTML document"
    return "not a PDF"


def _looks_truncated(data: bytes) -> bool:
    # A complete PDF ends with %%EOF; an update cut off mid-way leaves objects after the last one.
    last = data.rfind(b"%%EOF")
    return last < 0 or b" obj" in data[last:]


def sniff(data: bytes, *, max_bytes: int) -> None:
    """Refuse empty, oversized, non-PDF and truncated files before any parsing.

    `max_bytes` is the size limit in bytes. Raises UnreadablePdf with a one-line reason.
    """
    if not data:
        raise UnreadablePdf(
            "The attachment is empty (0 bytes); please attach the application PDF again.",
            kind="empty",
        )
    if len(data) > max_bytes:
        size_mb = len(data) / 1_048_576
        raise UnreadablePdf(
            f"The PDF is {size_mb:.0f} MB, over the {max_bytes // 1_048_576} MB limit; "
            "please send the application form and diagrams as separate, smaller files.",
            kind="too_large",
        )
    if b"%PDF-" not in data[:1024]:
        what = _describe_non_pdf(data[:512])
        named = "is not a PDF" if what == "not a PDF" else f"is {what}, not a PDF"
        raise UnreadablePdf(
            f"The file {named}; please send the application as a PDF document.",
            kind="not_pdf",
        )
    if _looks_truncated(data):
        raise UnreadablePdf(
            "The PDF is incomplete (the file ends early, probably cut off in transfer); "
            "please send it again.",
            kind="truncated",
        )


def open_reader(data: bytes) -> PdfReader:
    """Open the PDF with pypdf, decrypting an owner-password-only file with the empty password.

    Why the empty password: a file restricted only by permissions opens without one, as it
    does in any viewer; a file that needs a user password is refused with a reason.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadablePdf(
                "The PDF is protected by a password; please send a copy without a password.",
                kind="password",
            )
        pages = len(reader.pages)
    except UnreadablePdf:
        raise
    except Exception as exc:
        raise _damaged(exc) from exc
    if pages == 0:
        raise UnreadablePdf(
            "The PDF has no pages; please export the application again and resend it.",
            kind="corrupt",
        )
    return reader


def _damaged(exc: Exception) -> UnreadablePdf:
    if "crypt" in type(exc).__name__.lower() or "crypt" in str(exc).lower():
        return UnreadablePdf(
            "The PDF uses an encryption the desk cannot open; please send an unprotected copy.",
            kind="password",
        )
    return UnreadablePdf(
        "The PDF is damaged and cannot be opened; please export or scan it again and resend it.",
        kind="corrupt",
    )


def decrypted_copy(reader: PdfReader) -> bytes:
    """The opened (owner-password-only) PDF re-written without encryption.

    Why: pdfminer and pdfium then see a plain file; pdfminer rejects some valid encryption
    dictionaries (a /P of 0 overflows its key computation) that pypdf reads fine.
    """
    out = io.BytesIO()
    try:
        PdfWriter(clone_from=reader).write(out)
    except Exception as exc:
        raise _damaged(exc) from exc
    return out.getvalue()
