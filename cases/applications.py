"""An application as the core receives it: the parser's contract, checked and typed.

The parser (or a person with a JSON file) supplies the contract shape of
`application.schema.json`; this module turns it into typed values and refuses what the
core could not use, with a message that names the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.errors import InvalidInput
from cases.parties import Applicant, CustomerClass, Facility, Installer, Program, Site, from_mapping

_NUMBERS = ("nameplate_kw_ac", "nameplate_kw_dc", "export_kw", "storage_kwh", "storage_kw")


@dataclass(frozen=True)
class Application:
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


def _checked_facility(raw: dict[str, Any]) -> Facility:
    for key in _NUMBERS:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
            raise InvalidInput(f"'generator.{key}' must be a non-negative number of kW/kWh, not {value!r}")
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


def _strings(kind: type[Any], raw: dict[str, Any], section: str) -> Any:
    for key, value in raw.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"'{section}.{key}' must be text or null, not {value!r}")
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
        signed=bool(signature.get("signed")),
        signature_date=signature_date,
        document_type=str(data.get("document_type") or "application"),
    )
