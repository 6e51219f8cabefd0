"""Attachment file names and types that are safe to store and honest about their content.

A file name comes from the sender and ends up on disk and in Slack: "../../etc/passwd",
"C:\\evil\\x.pdf", control characters and right-to-left overrides must not survive. Mail
clients also label PDFs "application/octet-stream" so often that the type is re-derived.
"""

from __future__ import annotations

import re
import unicodedata

from parsers.email_text import decode_encoded_words, unsurrogate

MAX_NAME = 120  # characters; long enough for real names, short enough for every file system
_RESERVED = re.compile(r'[<>:"|?*\x00-\x1f]')
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
_EXTENSIONS = {
    "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
    "image/tiff": ".tif", "image/heic": ".heic", "text/plain": ".txt", "text/html": ".html",
    "text/calendar": ".ics", "text/csv": ".csv", "application/zip": ".zip", "message/rfc822": ".eml",
    "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
_TYPES = {ext: ctype for ctype, ext in _EXTENSIONS.items()} | {".jpeg": "image/jpeg", ".tiff": "image/tiff"}
# Types that say nothing about the content; the bytes or the name decide instead.
_GENERIC = {"application/octet-stream", "binary/octet-stream", "application/x-pdf", "application/acrobat",
            "application/x-download", "application/force-download", "application/download",
            "application/unknown", "application/binary"}


def declared_name(filename: object, name: object) -> str | None:
    """The name the sender gave the part: the disposition's filename, else the type's name.

    Both arrive RFC 2231 decoded from the header parser; Outlook and Gmail also write RFC 2047
    encoded-words inside the quoted value (which the standard forbids), decoded here.
    """
    chosen = next((one for one in (filename, name) if isinstance(one, str) and one.strip()), None)
    if chosen is None:
        return None
    return decode_encoded_words(unsurrogate(chosen))


def safe_name(name: str | None, index: int, content_type: str) -> str:
    """A file name without directories, control or reserved characters, at most MAX_NAME long.

    Why a default like "attachment-2.pdf": intake stores and lists files by name, and an
    unnamed PDF must still look like one. `index` counts the message's attachments from 1.
    """
    cleaned = (name or "").replace("\\", "/").split("/")[-1]
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"})
    cleaned = _RESERVED.sub("_", " ".join(cleaned.split()))
    cleaned = cleaned.lstrip(". ").rstrip(". ")
    if cleaned.split(".")[0].lower() in _WINDOWS_DEVICES:
        cleaned = f"_{cleaned}"
    if not cleaned:
        return f"attachment-{index}{_EXTENSIONS.get(content_type, '.bin')}"
    if len(cleaned) > MAX_NAME:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            cleaned = f"{stem[: MAX_NAME - len(extension) - 1].rstrip('. ')}.{extension}"
        else:
            cleaned = cleaned[:MAX_NAME].rstrip(". ")
    return cleaned


def honest_type(content_type: str, name: str | None, data: bytes) -> str:
    """The declared type, unless it is generic and the bytes or the file name say what the file is."""
    if content_type not in _GENERIC:
        return content_type
    # PDF readers accept the header anywhere in the first kilobyte; so do we.
    if b"%PDF-" in data[:1024] or content_type in {"application/x-pdf", "application/acrobat"}:
        return "application/pdf"
    return type_from_name(name or "")


def type_from_name(name: str) -> str:
    """A content type for a file that came without one (inside winmail.dat)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _TYPES.get(suffix, "application/octet-stream")
