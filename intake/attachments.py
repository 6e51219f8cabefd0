"""Reading a message's attachments: every PDF (and image of a scanned form) through the
parser, every file stored by its hash, each one a case document of the kind it turned out
to be (from its content, not its name)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, UnidentifiedImageError

from cases.entities import Document
from intake.storage import FileStore
from parsers.email_message import Attachment, IntakeMessage
from parsers.pdf import ParsedApplication, UnreadablePdf

log = logging.getLogger(__name__)

_IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff")
# Images this small are logos and signature decorations, not scanned pages.
_SMALLEST_SCAN_BYTES = 20_000


@dataclass
class Attachments:
    documents: list[Document] = field(default_factory=list)
    applications: list[ParsedApplication] = field(default_factory=list)
    # The first reason a PDF could not be read, said for the sender.
    unreadable: str | None = None


def _image_as_pdf(data: bytes) -> bytes | None:
    """A scanned page sent as a picture, wrapped as a one-page PDF so the parser can OCR it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "PDF", resolution=200.0)
            return buffer.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _pdf_bytes(attachment: Attachment) -> bytes | None:
    if attachment.content_type == "application/pdf":
        return attachment.data
    if attachment.content_type in _IMAGE_TYPES and attachment.size >= _SMALLEST_SCAN_BYTES:
        return _image_as_pdf(attachment.data)
    return None


def read_attachments(
    message: IntakeMessage, parse_pdf: Callable[[bytes], ParsedApplication], files: FileStore, received_at: datetime,
) -> Attachments:
    """Parse and store every attachment of `message`."""
    found = Attachments()
    for attachment in message.attachments:
        kind = "other"
        pdf = _pdf_bytes(attachment)
        if pdf is not None:
            try:
                parsed = parse_pdf(pdf)
            except UnreadablePdf as error:
                if error.kind == "crash":
                    # A parser bug, not the sender's file: fail the message so it is retried later.
                    raise RuntimeError(f"the PDF parser failed on {attachment.filename}: {error.reason}") from error
                found.unreadable = found.unreadable or f"{attachment.filename}: {error.reason}"
                continue
            kind = parsed.document_type if parsed.document_type != "unknown" else "other"
            if parsed.document_type == "application":
                found.applications.append(parsed)
        elif attachment.content_type in _IMAGE_TYPES:
            continue
        digest = files.put(attachment.data)
        found.documents.append(Document(
            kind=kind, filename=attachment.filename, sha256=digest, size_bytes=attachment.size,
            received_at=received_at, message_id=message.message_id,
        ))
    return found
