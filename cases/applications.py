"""An application as the core receives it: the parser's contract, checked and typed.

The parser (or a person with a JSON file) supplies the contract shape of
`application.schema.json`; this module turns it into typed values and refuses what the
core could not use, with a message that names the offending key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.errors import InvalidInput
from cases.parties import Applicant, CustomerClass, Facility, Installer, Program, Site, from_mapping

_NUMBERS = ("nameplate_kw_ac", "nameplate_kw_dc", "export_kw", "storage_kwh", "storage_kw")
GENERATOR_TYPES = frozenset({"solar", "wind", "hydro", "storage", "solar_storage", "fuel_cell", "other"})
# The longest text the database keeps for a name, address or number (longer input is refused
# with a message rather than cut or failing half-way on PostgreSQL).
LONGEST_TEXT = 300
# Larger than any generator that could apply (10 MW is the small generator limit).
LARGEST_KW = 1_000_000.0


@dataclass(frozen=True)
class Application:
    """A parsed application, typed and checked, ready to register."""

    program: Program | None
    customer_class: CustomerClass
    applicant: Applicant
    site: Site
    installer: Installer
    facility: Facility
    signed: bool
    signature_date: date | None
    document_type: str = "application"


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"'{key}' must be an object, not {type(value).__name__}")
    return value


def _checked_number(key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= LARGEST_KW:
        raise InvalidInput(f"'generator.{key}' must be a non-negative number of kW/kWh, not {value!r}")


def _checked_facility(raw: dict[str, Any]) -> Facility:
    for key in _NUMBERS:
        _checked_number(key, raw.get(key))
    kind = raw.get("type")
    if kind is not None and kind not in GENERATOR_TYPES:
        raise InvalidInput(f"'generator.type' must be one of {', '.join(sorted(GENERATOR_TYPES))} or null, "
                           f"not {kind!r}")
    for key in ("inverter_manufacturer", "inverter_model"):
        _checked_text(f"generator.{key}", raw.get(key))
    quantity = raw.get("inverter_quantity")
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0):
        raise InvalidInput(f"'generator.inverter_quantity' must be a whole number, not {quantity!r}")
    listed = raw.get("inverter_ul1741")
    if listed is not None and not isinstance(listed, bool):
        raise InvalidInput(f"'generator.inverter_ul1741' must be true, false or null, not {listed!r}")
    facility = from_mapping(Facility, raw)
    return Facility(**{
        **vars(facility),
        **{key: float(getattr(facility, key)) for key in _NUMBERS if getattr(facility, key) is not None},
    })


def _checked_text(name: str, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be text or null, not {value!r}")
    if len(value) > LONGEST_TEXT:
        raise InvalidInput(f"'{name}' is {len(value)} characters long; at most {LONGEST_TEXT} are kept")


def _strings(kind: type[Any], raw: dict[str, Any], section: str) -> Any:
    for key, value in raw.items():
        _checked_text(f"{section}.{key}", value)
    return from_mapping(kind, raw)


def application_from_contract(data: Any, customer_class: str | None = None) -> Application:
    """Typed application from the parser contract; `customer_class` overrides the input's.

    The contract has no customer class (forms rarely state it plainly), so it is unknown
    unless the caller or an extra `customer_class` key says otherwise.
    """
    if not isinstance(data, dict):
        raise InvalidInput("the application must be a JSON object shaped as application.schema.json")
    program = data.get("program")
    if program is not None and program not in {p.value for p in Program}:
        raise InvalidInput(f"'program' must be net_metering, small_generator or null, not {program!r}")
    chosen_class = customer_class or data.get("customer_class") or CustomerClass.UNKNOWN.value
    try:
        klass = CustomerClass(chosen_class)
    except ValueError:
        raise InvalidInput(
            f"customer class must be residential, non_residential or unknown, not {chosen_class!r}"
        ) from None
    signature = _section(data, "signature")
    signed = signature.get("signed", False)
    if not isinstance(signed, bool):
        raise InvalidInput(f"'signature.signed' must be true or false, not {signed!r}")
    signed_on = signature.get("date")
    try:
        signature_date = date.fromisoformat(signed_on) if signed_on else None
    except (TypeError, ValueError):
        raise InvalidInput(f"'signature.date' must be YYYY-MM-DD, not {signed_on!r}") from None
    return Application(
        program=Program(program) if program else None,
        customer_class=klass,
        applicant=_strings(Applicant, _section(data, "applicant"), "applicant"),
        site=_strings(Site, _section(data, "site"), "site"),
        installer=_strings(Installer, _section(data, "installer"), "installer"),
        facility=_checked_facility(_section(data, "generator")),
        signed=signed,
        signature_date=signature_date,
        document_type=str(data.get("document_type") or "application"),
    )
