"""The MIME tree of an e-mail: which parts are the body, which are files, whether it is a report.

A part is body text when it is text/plain or text/html, carries no file name and is not
marked as an attachment; every other leaf is a file. Forwarded messages (message/rfc822)
give up their files; the original message a bounce returns does not, because it is our own
mail coming back, not a document from the sender.
"""

from __future__ import annotations

import binascii
import email.errors
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import ContentDispositionHeader, ContentTypeHeader
from email.message import Message
from email.parser import BytesParser

from parsers.email_names import declared_name, honest_type, safe_name, type_from_name
from parsers.email_text import decode_bytes, html_to_text, normalise_newlines
from parsers.email_tnef import read_tnef

MAX_DEPTH = 30  # MIME nesting deeper than any mail client writes; deeper parts are ignored
SMALL_INLINE_IMAGE = 10 * 1024  # bytes; logos and icons in HTML signatures are smaller
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
_FORWARD_TYPES = {"message/rfc822", "message/global"}
_PART_ERRORS = (ValueError, TypeError, IndexError, AttributeError, LookupError, email.errors.MessageError)


@dataclass
class Node:
    """One MIME part with its headers read once: the standard parser re-parses them on every look."""

    part: Message
    ctype: str
    disposition: str | None
    name: str | None
    charset: str | None
    children: list[Node] = field(default_factory=list)

    @property
    def is_body_text(self) -> bool:
        """Text for reading rather than a file: plain or HTML, unnamed, not marked as attachment."""
        return self.ctype in {"text/plain", "text/html"} and self.disposition != "attachment" and self.name is None


def mime_tree(msg: Message, depth: int = 0, *, recover: bool = True) -> Node:
    """The message's parts as Nodes; nesting deeper than MAX_DEPTH is cut off.

    `recover` allows one re-parse of a multipart with a broken boundary (never twice, so a
    hostile message cannot make the parser read its bytes again and again).
    """
    type_header = _header(msg, "content-type")
    type_params: Mapping[str, object] = type_header.params if isinstance(type_header, ContentTypeHeader) else {}
    disposition_header = _header(msg, "content-disposition")
    disposition: str | None = None
    disposition_params: Mapping[str, object] = {}
    if isinstance(disposition_header, ContentDispositionHeader):
        disposition, disposition_params = disposition_header.content_disposition, disposition_header.params
    node = Node(
        msg,
        _content_type(msg, type_header),
        disposition,
        declared_name(disposition_params.get("filename"), type_params.get("name")),
        charset if isinstance(charset := type_params.get("charset"), str) else None,
    )
    if depth < MAX_DEPTH and (node.ctype.startswith("multipart/") or node.ctype in _FORWARD_TYPES):
        node.children = [mime_tree(child, depth + 1, recover=recover) for child in _children(msg)]
        if recover and node.ctype.startswith("multipart/") and not node.children:
            node.children = _recovered_children(msg, depth)
    return node


_BOUNDARY_LINE = re.compile(r"^--([^\s]{1,70})[ \t]*\r?$", re.MULTILINE)


def _recovered_children(part: Message, depth: int) -> list[Node]:
    """Parts of a multipart whose boundary parameter is missing or wrong, found from its first "--" line.

    Why: some webmail forms and scanners write the parts but not a matching boundary; the
    parser then sees one opaque text, and the application PDF inside it would be lost.
    """
    payload = part.get_payload()
    if not isinstance(payload, str):
        return []
    found = _BOUNDARY_LINE.search(payload)
    if found is None:
        return [Node(part, "text/plain", None, None, None)]
    boundary = found.group(1).removesuffix("--")
    head = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode()
    rebuilt = BytesParser(policy=policy.default).parsebytes(head + payload.encode("utf-8", "surrogateescape"))
    return mime_tree(rebuilt, depth + 1, recover=False).children


def _header(part: Message, name: str) -> object:
    try:
        return part.get(name)
    except _PART_ERRORS:
        return None


def _content_type(part: Message, header: object) -> str:
    """Lower-case type; without a header the default (text/plain, or message/rfc822 in a digest)."""
    if header is None:
        return part.get_default_type()
    ctype = str(header).split(";")[0].strip().lower()
    # An unreadable Content-Type counts as text/plain, as RFC 2045 says.
    return ctype if ctype.count("/") == 1 and " " not in ctype else "text/plain"


def _children(part: Message) -> list[Message]:
    try:
        payload = part.get_payload()
    except _PART_ERRORS:
        return []
    return [one for one in payload if isinstance(one, Message)] if isinstance(payload, list) else []


def _payload(part: Message) -> bytes:
    """The decoded bytes of a leaf part (b"" when it has none or they cannot be read)."""
    try:
        fast = _base64_payload(part)
        data = fast if fast is not None else part.get_payload(decode=True)
    except _PART_ERRORS:
        return b""
    return data if isinstance(data, bytes) else b""


def _base64_payload(part: Message) -> bytes | None:
    """A base64 part decoded in one step, or None to leave it to `get_payload(decode=True)`.

    Why: the standard library encodes the payload to bytes, splits it into lines and joins
    them again before decoding, several copies of a large attachment at once (148 MiB at the
    peak for a 25 MB PDF). `a2b_base64` reads the ASCII text as it is and skips the line
    breaks. Anything it refuses (bad padding, 8-bit bytes in the text) goes the standard way,
    which repairs what it can exactly as before.
    """
    if part.is_multipart() or str(part.get("content-transfer-encoding", "")).lower() != "base64":
        return None
    text = part.get_payload()
    if not isinstance(text, str):
        return None
    try:
        return binascii.a2b_base64(text)
    except ValueError:  # binascii.Error, or a str with non-ASCII characters in it
        return None


def body_text(tree: Node) -> str:
    """The plain text of the message body; HTML-only mail is converted to text.

    Why plain first: it is what the sender's client wrote for text readers, while the
    conversion of HTML can only approximate the layout.
    """
    text, _kind = _text_of(tree)
    return normalise_newlines(text)


def _text_of(node: Node) -> tuple[str, str | None]:
    """(text, "plain" | "html" | None) of one part; None when the part holds no body text."""
    if node.ctype.startswith("multipart/"):
        children = node.children
        if node.ctype in {"multipart/report", "multipart/signed", "multipart/encrypted"}:
            children = children[:1]  # the human-readable part; the rest is machine data
        found = [_text_of(child) for child in children]
        if node.ctype == "multipart/alternative":
            plain = [one for one in found if one[1] == "plain" and one[0].strip()]
            rich = [one for one in found if one[1] is not None and one[0].strip()]
            return (plain or rich[-1:] or [("", None)])[0]
        texts = [text for text, kind in found if kind is not None and text.strip()]
        kinds = {kind for _, kind in found if kind is not None}
        return "\n\n".join(texts), ("plain" if "plain" in kinds else "html" if kinds else None)
    if not node.is_body_text:
        return "", None
    text = decode_bytes(_payload(node.part), node.charset)
    if node.ctype == "text/html":
        return html_to_text(text), "html"
    return text, "plain"


def report_type(tree: Node) -> str | None:
    """"delivery-status" (or the declared report-type) when the message is a machine report,
    "calendar-reply" when it is a calendar client's answer to an invitation (RFC 6047 iMIP:
    a text/calendar part with METHOD=REPLY), which is neither a document nor a question."""
    if tree.ctype == "multipart/report":
        try:
            declared = tree.part.get_param("report-type")
        except _PART_ERRORS:
            declared = None
        return declared.strip().lower() if isinstance(declared, str) and declared.strip() else "delivery-status"
    leaves = [node for node, _ in _leaves(tree, "", into_forwards=False)]
    if any(node.ctype == "message/delivery-status" for node in leaves):
        return "delivery-status"
    if any(node.ctype == "text/calendar" and _calendar_method(node) == "REPLY" for node in leaves):
        return "calendar-reply"
    return None


def _calendar_method(node: Node) -> str:
    try:
        method = node.part.get_param("method")
    except _PART_ERRORS:
        method = None
    return method.strip().upper() if isinstance(method, str) else ""


def files(tree: Node) -> list[tuple[str, str, bytes]]:
    """(safe file name, content type, bytes) of every attachment, winmail.dat unpacked."""
    found: list[tuple[str, str, bytes]] = []
    for node, parent in _leaves(tree, "", into_forwards=True):
        if node.ctype.startswith("message/") or node.is_body_text:
            continue
        data = _payload(node.part)
        if _is_small_inline_image(node, parent, data):
            continue
        is_tnef = node.ctype in _TNEF_TYPES or (node.name or "").lower() == "winmail.dat"
        unpacked = read_tnef(data) if is_tnef else None
        if unpacked is not None:
            for inner_name, inner_data in unpacked:
                found.append(_file(inner_name, type_from_name(inner_name), inner_data, len(found) + 1))
        else:
            found.append(_file(node.name, node.ctype, data, len(found) + 1))
    return found


def _file(name: str | None, ctype: str, data: bytes, index: int) -> tuple[str, str, bytes]:
    ctype = honest_type(ctype, name, data)
    return safe_name(name, index, ctype), ctype, data


def _is_small_inline_image(node: Node, parent: str, data: bytes) -> bool:
    """Signature logos: images referenced from the HTML, not files the sender attached."""
    if not node.ctype.startswith("image/") or node.disposition == "attachment" or len(data) >= SMALL_INLINE_IMAGE:
        return False
    return parent == "multipart/related" or "content-id" in node.part


def _leaves(node: Node, parent: str, *, into_forwards: bool) -> Iterator[tuple[Node, str]]:
    """(leaf, parent's type), never into the machine parts of a report (its returned copy)."""
    if node.ctype.startswith("multipart/"):
        for child in node.children:
            machine = node.ctype == "multipart/report" and child.ctype.startswith(("message/", "text/rfc822-headers"))
            signature = node.ctype == "multipart/signed" and child.ctype in _SIGNATURE_TYPES
            if not (machine or signature):
                yield from _leaves(child, node.ctype, into_forwards=into_forwards)
    elif node.ctype in _FORWARD_TYPES and into_forwards:
        for inner in node.children:
            yield from _leaves(inner, node.ctype, into_forwards=into_forwards)
    else:
        yield node, parent
