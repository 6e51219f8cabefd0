"""The attachments inside an Outlook winmail.dat (TNEF, MS-OXTNEF), and nothing else of it.

Outlook sends "rich text" mail with every attachment packed into one winmail.dat; without
unpacking it, an installer's application PDF would be invisible to the desk. Only the
attachment attributes are read: the file name (the long MAPI name when present) and the
bytes. The reader is linear in the input and stops at the first inconsistency, so a damaged
or hostile file costs at most one pass over its bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from parsers.email_text import decode_bytes

_SIGNATURE = 0x223E9F78
_LEVEL_ATTACHMENT = 0x02
# Attribute ids (the low 16 bits of the attribute tag).
_ATT_ATTACH_DATA = 0x800F
_ATT_ATTACH_TITLE = 0x8010
_ATT_ATTACH_REND_DATA = 0x9002  # starts a new attachment
_ATT_ATTACHMENT = 0x9005  # the attachment's MAPI properties
_ATT_OEM_CODEPAGE = 0x9007
# MAPI property ids and types.
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_ATTACH_DATA_OBJ = 0x3701
_PT_STRING8, _PT_UNICODE, _PT_BINARY, _PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
_VARIABLE = {_PT_STRING8, _PT_UNICODE, _PT_BINARY, _PT_OBJECT}
_FIXED_SIZE = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4,
               0x000B: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16, 0x0001: 0}
_MULTI_VALUE = 0x1000
_NAMED = 0x8000


class _Damaged(Exception):
    """The TNEF stream is inconsistent; the caller keeps winmail.dat as it is."""


@dataclass
class _File:
    title: str = ""
    long_name: str = ""
    data: bytes | None = None


def read_tnef(data: bytes) -> list[tuple[str, bytes]] | None:
    """(file name, bytes) of every attachment with content, or None when `data` is not readable TNEF.

    Why None and not an empty list on damage: the caller then keeps winmail.dat itself as
    an attachment, so a coordinator can still open it by hand. A name may be "" when the
    file had none; the caller gives it a default.
    """
    if len(data) < 6 or struct.unpack_from("<I", data)[0] != _SIGNATURE:
        return None
    try:
        return _attachments(data)
    except (_Damaged, struct.error, UnicodeError):
        return None


def _attachments(data: bytes) -> list[tuple[str, bytes]]:
    files: list[_File] = []
    codepage = "cp1252"
    offset = 6
    while offset < len(data):
        if offset + 9 > len(data):
            raise _Damaged
        level, tag, length = struct.unpack_from("<BII", data, offset)
        start = offset + 9
        offset = start + length + 2  # the 2-byte checksum follows the value
        if offset > len(data):
            raise _Damaged
        value = data[start : start + length]
        name = tag & 0xFFFF
        if name == _ATT_OEM_CODEPAGE and length >= 4:
            codepage = f"cp{struct.unpack_from('<I', value)[0]}"
        elif name == _ATT_ATTACH_REND_DATA:
            files.append(_File())
        elif level == _LEVEL_ATTACHMENT:
            if not files:
                raise _Damaged  # attachment data before any attachment began
            _take(files[-1], name, value, codepage)
    return [(one.long_name or one.title, one.data) for one in files if one.data]


def _take(file: _File, name: int, value: bytes, codepage: str) -> None:
    """Record the attachment attribute `name` of the attachment being read."""
    if name == _ATT_ATTACH_TITLE:
        file.title = decode_bytes(value.split(b"\0")[0], codepage)
    elif name == _ATT_ATTACH_DATA:
        file.data = value
    elif name == _ATT_ATTACHMENT:
        for prop, kind, content in _mapi_properties(value):
            if prop == _PR_ATTACH_LONG_FILENAME and kind in {_PT_STRING8, _PT_UNICODE}:
                file.long_name = _string(content, kind, codepage)
            elif prop == _PR_ATTACH_DATA_OBJ and kind == _PT_BINARY and file.data is None:
                file.data = content


def _string(content: bytes, kind: int, codepage: str) -> str:
    if kind == _PT_UNICODE:
        return content.decode("utf-16-le", "replace").split("\0")[0]
    return decode_bytes(content.split(b"\0")[0], codepage)


def _mapi_properties(data: bytes) -> list[tuple[int, int, bytes]]:
    """(property id, type, first value's bytes) for each property up to the first unknown type."""
    found: list[tuple[int, int, bytes]] = []
    (count,) = struct.unpack_from("<I", data)
    offset = 4
    for _ in range(min(count, len(data) // 4)):
        kind, prop = struct.unpack_from("<HH", data, offset)
        offset += 4
        if prop >= _NAMED:
            offset += 16  # the property set's GUID
            (id_kind,) = struct.unpack_from("<I", data, offset)
            offset += 4
            if id_kind == 0:
                offset += 4
            else:
                (name_length,) = struct.unpack_from("<I", data, offset)
                offset += 4 + _padded(name_length)
        values = 1
        base = kind & ~_MULTI_VALUE
        if kind & _MULTI_VALUE or base in _VARIABLE:
            (values,) = struct.unpack_from("<I", data, offset)
            offset += 4
        if base not in _VARIABLE and base not in _FIXED_SIZE:
            break  # an unknown type has an unknown size: nothing after it can be found
        smallest = 4 if base in _VARIABLE else _FIXED_SIZE[base]
        # Checked before looping, so a forged count cannot make the loop outrun the data.
        if values * smallest > len(data) - offset:
            raise _Damaged
        first: bytes | None = None
        for _ in range(values if smallest else 0):
            if base in _VARIABLE:
                (size,) = struct.unpack_from("<I", data, offset)
                content = data[offset + 4 : offset + 4 + size]
                offset += 4 + _padded(size)
            else:
                content = data[offset : offset + _FIXED_SIZE[base]]
                offset += _FIXED_SIZE[base]
            first = content if first is None else first
        found.append((prop, base, first or b""))
    return found


def _padded(size: int) -> int:
    """MAPI values are padded to a multiple of four bytes."""
    return (size + 3) & ~3
