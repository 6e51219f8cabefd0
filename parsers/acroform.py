"""Route 1: values typed into a fillable form's fields (AcroForm).

Field values live in the document catalogue, not in the page text, so they are read
directly: text fields, checkboxes (a "Yes"/"No" pair or a single box), radio groups and
choice lists, plus signature fields. Field names are mapped to contract keys through the
field index; a ticked box whose name is an option ("NetMetering", "GenType_Solar") is
reported as that option.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pypdf import PdfReader

from parsers.normalize import clean_text, field_key
from parsers.vocab import Candidate, generator_type_mentions, program_mentions

_YES_NO_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<answer>yes|no)$")


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [p for p in (_plain(v) for v in value) if p]
        return ", ".join(parts) or None
    text = str(value)
    if text.startswith("/"):
        text = text[1:]
        if text in {"Off", "off", "OFF", ""}:
            return None
        # Export values are often identifiers ("NetMetering", "Solar_PV"); make them words.
        text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text.replace("_", " "))
    return clean_text(text)


def _radio_value(field: Mapping[str, Any], value: str) -> str:
    # Some forms export option indexes ("/0") and list the option names in /Opt.
    options = field.get("/Opt")
    if value.isdigit() and isinstance(options, list) and int(value) < len(options):
        return _plain(options[int(value)]) or value
    return value


def _keys_for(name: str, field: Mapping[str, Any], index: Mapping[str, str]) -> list[str]:
    tries = [field_key(name), field_key(name.rsplit(".", maxsplit=1)[-1])]
    tooltip = field.get("/TU")
    if tooltip:
        tries.append(field_key(str(tooltip)))
    return [index[t] for t in tries if t in index]


def _button(
    name: str, field: Mapping[str, Any], value: str, index: Mapping[str, str]
) -> Candidate | None:
    """A ticked box or chosen radio option as a candidate.

    "UL1741_No" ticked -> (ul1741, "No"); a group "Program" set to "Net Metering" -> that
    option; an unmapped box named after an option ("GenType_Solar") -> that option.
    """
    short = field_key(name.rsplit(".", maxsplit=1)[-1])
    match = _YES_NO_SUFFIX.match(short)
    if match and match.group("base") in index:
        answer = "Yes" if match.group("answer") == "yes" else "No"
        return Candidate(index[match.group("base")], answer, "form_fields", label=name)
    keys = _keys_for(name, field, index)
    if keys:
        return Candidate(keys[0], value, "form_fields", label=name)
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.rsplit(".", maxsplit=1)[-1].replace("_", " "))
    for text in (value, words):
        if program_mentions(text):
            return Candidate("program", text, "form_fields", label=name)
        if generator_type_mentions(text):
            return Candidate("generator.type", text, "form_fields", label=name)
    return None


def read_form_fields(reader: PdfReader, index: Mapping[str, str]) -> tuple[list[Candidate], set[str]]:
    """Candidates from the form's fields, and the names of the filled fields left unmapped.

    Why the unmapped names: a field called "Text7" means nothing by itself, but its printed
    label does; the caller reads those fields through the page (see `widgets`) instead of
    guessing from the name.
    """
    fields = reader.get_fields() or {}
    found: list[Candidate] = []
    unmapped: set[str] = set()
    for name, field in fields.items():
        kind = field.get("/FT")
        raw = field.get("/V")
        if kind == "/Sig":
            if raw is not None:
                found.append(Candidate("signature.signature", "signed", "form_fields", label=name))
            continue
        value = _plain(raw)
        if value is None:
            continue
        if kind == "/Btn":
            candidate = _button(name, field, _radio_value(field, value), index)
        else:
            keys = _keys_for(name, field, index)
            candidate = Candidate(keys[0], value, "form_fields", label=name) if keys else None
        if candidate is None:
            unmapped.add(name)
        else:
            found.append(candidate)
    return found, unmapped
