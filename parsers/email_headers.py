"""Header fields of an incoming e-mail, read defensively.

Real mail has broken encoded-words, unknown charsets, bare message ids and dates in every
format; one bad header must cost that header, never the message. Values are read from the
raw header lines and decoded one at a time, so a header we do not need is never parsed.
"""

from __future__ import annotations

import email.errors
import email.utils
import re
from datetime import UTC, datetime
from email import policy
from email.message import Message

from parsers.email_text import decode_encoded_words, unsurrogate

# Longer values are junk or an attack on the header parser; the cap keeps parsing linear.
_MAX_HEADER = 16_384
_SPACES = re.compile(r"\s+")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$")
_ANGLE_ID = re.compile(r"<\s*([^<>\s]{1,900})\s*>")
_BARE_ID = re.compile(r"[^<>\s,;]{1,900}@[^<>\s,;]{1,900}")
_HEADER_ERRORS = (ValueError, TypeError, IndexError, AttributeError, LookupError, email.errors.MessageError)

Headers = dict[str, list[str]]


def raw_headers(msg: Message) -> Headers:
    """Every header's unparsed values, by lower-case name, in message order, unfolded."""
    found: Headers = {}
    for name, value in msg.raw_items():
        found.setdefault(name.strip().lower(), []).append(_FOLD.sub("", str(value)))
    return found


def first(headers: Headers, name: str) -> str | None:
    """The first raw value of header `name`, or None when the header is absent."""
    values = headers.get(name)
    return values[0] if values else None


def decoded(headers: Headers, name: str) -> str | None:
    """The first value of `name` with RFC 2047 words decoded and whitespace collapsed."""
    raw = first(headers, name)
    return None if raw is None else decode_words(raw)


def decode_words(raw: str) -> str:
    """Decode RFC 2047 encoded-words and raw 8-bit text; a broken word stays as written."""
    return _SPACES.sub(" ", decode_encoded_words(unsurrogate(raw[:_MAX_HEADER]))).strip()


def message_ids(raw: str | None) -> tuple[str, ...]:
    """Message ids in "<local@domain>" form, in order and de-duplicated.

    Why lenient: threading depends on these, and some clients write ids without angle
    brackets or separate them with commas; anything else between ids is ignored.
    """
    if not raw:
        return ()
    value = unsurrogate(raw[: _MAX_HEADER * 4])
    found = _ANGLE_ID.findall(value) or _BARE_ID.findall(value)
    return tuple(dict.fromkeys(f"<{one}>" for one in found))


def address(headers: Headers, name: str) -> tuple[str | None, str | None]:
    """(lower-case address, display name) of the first address in header `name`."""
    raw = first(headers, name)
    if raw is None or not raw.strip():
        return None, None
    # Raw 8-bit names (cp1252 as often as UTF-8) are made letters before the address parser,
    # which would turn anything but UTF-8 into replacement characters.
    raw = unsurrogate(raw[:_MAX_HEADER])
    try:
        parsed = policy.default.header_factory(name, raw)
        pairs = [(one.display_name, one.addr_spec) for one in getattr(parsed, "addresses", ())]
    except _HEADER_ERRORS:
        pairs = []
    if not any(spec for _, spec in pairs):
        pairs = email.utils.getaddresses([decode_words(raw)])
    for display_name, addr_spec in pairs:
        spec = unsurrogate(addr_spec).strip().strip("<>").strip().lower()
        if spec:
            display = _SPACES.sub(" ", unsurrogate(display_name)).strip().strip('"').strip()
            return spec, display or None
    return None, None


def return_path(headers: Headers) -> str | None:
    """The envelope sender: "" for the null path "<>" (bounces), None when the header is absent."""
    raw = first(headers, "return-path")
    if raw is None:
        return None
    value = unsurrogate(raw).strip()
    inner = re.search(r"<([^<>]*)>", value)
    if inner is not None:
        value = inner.group(1)
    return value.strip().lower()


def date(headers: Headers) -> datetime | None:
    """The Date header as an aware datetime; a date without a zone ("-0000") is taken as UTC."""
    raw = first(headers, "date")
    if not raw or not raw.strip():
        return None
    try:
        when = email.utils.parsedate_to_datetime(unsurrogate(raw).strip()[:200])
    except (*_HEADER_ERRORS, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


# "IC-2026-00042", also lower-case and with the typographic dashes of word processors.
_CASE = re.compile(r"(?<![A-Za-z0-9])IC[-‐‑‒–—](\d{4})[-‐‑‒–—](\d{5})(?!\d)", re.IGNORECASE)


def case_numbers(*texts: str) -> tuple[str, ...]:
    """Every case number in the texts, in order of appearance, upper-cased, de-duplicated."""
    found = (f"IC-{year}-{serial}" for text in texts for year, serial in _CASE.findall(text))
    return tuple(dict.fromkeys(found))
