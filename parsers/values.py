"""Per-key readers: one raw candidate text into one contract value, or None.

Each reader knows the key's unit and shape (kW from "7,600 W", digits for phones...); the
label the value was printed beside is passed along because it may state the unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from parsers.normalize import (
    clean_text,
    parse_count,
    parse_email,
    parse_identifier,
    parse_kilo,
    parse_license,
    parse_phone,
    parse_yes_no,
    unit_hint,
)
from parsers.places import parse_date, parse_state, parse_zip

Value = str | float | int | bool | dt.date
Reader = Callable[[str, str], Value | None]

_NON_EXPORT = re.compile(r"\bnon[- ]?export|\bno export|\bzero export|\bnone\b", re.IGNORECASE)


def _text(value: str, _label: str) -> str | None:
    return clean_text(value)


def _power(side: str | None) -> Reader:
    def read(value: str, label: str) -> float | None:
        want = side
        if want == "ac" and re.search(r"\bdc\b", label.lower()):
            return None  # a DC figure under an AC key: the DC reader takes it
        return parse_kilo(value, want=want, default_unit=unit_hint(label))  # type: ignore[arg-type]

    return read


def _export(value: str, label: str) -> float | None:
    if _NON_EXPORT.search(value):
        return 0.0
    return parse_kilo(value, default_unit=unit_hint(label))


def _energy(value: str, label: str) -> float | None:
    unit = unit_hint(label)
    if unit == "kw" and not re.search(r"\bkw\b", label.lower()):
        unit = "kwh"
    return parse_kilo(value, energy=True, default_unit=unit)


def _state(value: str, _label: str) -> str | None:
    return parse_state(value)


def _signed(value: str, _label: str) -> bool | None:
    text = clean_text(value)
    if text is None or re.fullmatch(r"(?i)(x|sign here|signature)", text):
        return None
    return True


READERS: dict[str, Reader] = {
    "applicant.name": _text,
    "applicant.email": lambda v, _l: parse_email(v),
    "applicant.phone": lambda v, _l: parse_phone(v),
    "applicant.mailing_address": _text,
    "applicant.mailing_city": _text,
    "applicant.mailing_state": _state,
    "applicant.mailing_zip": lambda v, _l: parse_zip(v),
    "applicant.mailing_city_state_zip": _text,
    "site.address": _text,
    "site.city": _text,
    "site.state": _state,
    "site.zip": lambda v, _l: parse_zip(v),
    "site.city_state_zip": _text,
    "site.account_number": lambda v, _l: parse_identifier(v),
    "site.meter_number": lambda v, _l: parse_identifier(v),
    "installer.company": _text,
    "installer.contact": _text,
    "installer.name": _text,
    "installer.email": lambda v, _l: parse_email(v),
    "installer.phone": lambda v, _l: parse_phone(v),
    "installer.license": lambda v, _l: parse_license(v),
    "generator.nameplate_kw_ac": _power("ac"),
    "generator.nameplate_kw_dc": _power("dc"),
    "generator.table_kw_ac": _power(None),
    "generator.export_kw": _export,
    "generator.inverter_manufacturer": _text,
    "generator.inverter_model": _text,
    "generator.inverter_make_model": _text,
    "generator.inverter_quantity": lambda v, _l: parse_count(v),
    "generator.inverter_ul1741": lambda v, _l: parse_yes_no(v),
    "generator.storage_kwh": _energy,
    "generator.storage_kw": _power(None),
    "signature.signature": _signed,
    "signature.date": lambda v, _l: parse_date(v),
}
