"""Who and what a case is about: applicant, site, installer and the generating facility.

These mirror the parser's contract (`application.schema.json`): a value the application does
not state is None, never a guess. They are immutable: a correction replaces the whole value,
so the event log can record before and after.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, TypeVar


class Program(StrEnum):
    """The rules an application falls under: net metering (OAR 860-039) or small generator (OAR 860-082)."""

    NET_METERING = "net_metering"
    SMALL_GENERATOR = "small_generator"


class CustomerClass(StrEnum):
    """Residential customers have a lower net-metering limit (25 kW) than others (2 MW)."""

    RESIDENTIAL = "residential"
    NON_RESIDENTIAL = "non_residential"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Applicant:
    """The interconnection customer; phone as 10 digits, e-mail lower-cased."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    mailing_address: str | None = None


@dataclass(frozen=True)
class Site:
    """Where the generator connects: the service address and the utility's account and meter numbers."""

    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    account_number: str | None = None
    meter_number: str | None = None


@dataclass(frozen=True)
class Installer:
    """The installing contractor and its Oregon CCB licence number."""

    company: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    license: str | None = None


# Generator types that always connect through an inverter; hydro and "other" may be rotating.
_INVERTER_TYPES = frozenset({"solar", "storage", "solar_storage", "fuel_cell"})
_ROTATING_TYPES = frozenset({"hydro"})


@dataclass(frozen=True)
class Facility:
    """The generating facility; powers in kW, storage energy in kWh."""

    type: str | None = None
    nameplate_kw_ac: float | None = None
    nameplate_kw_dc: float | None = None
    export_kw: float | None = None
    inverter_manufacturer: str | None = None
    inverter_model: str | None = None
    inverter_quantity: int | None = None
    inverter_ul1741: bool | None = None
    storage_kwh: float | None = None
    storage_kw: float | None = None

    @property
    def inverter_based(self) -> bool | None:
        """True when the facility connects through inverters; None when the form does not say."""
        if self.inverter_manufacturer or self.inverter_model or self.inverter_ul1741:
            return True
        if self.type in _INVERTER_TYPES:
            return True
        if self.type in _ROTATING_TYPES:
            return False
        return None


def as_dict(value: Applicant | Site | Installer | Facility) -> dict[str, Any]:
    """The contract-shaped dictionary of a party or facility."""
    return asdict(value)


Party = TypeVar("Party", Applicant, Site, Installer, Facility)


def from_mapping(kind: type[Party], data: dict[str, Any] | None) -> Party:
    """Build a party from a contract-shaped mapping, ignoring keys the core does not keep."""
    data = data or {}
    known = {f.name for f in fields(kind)}
    return kind(**{key: value for key, value in data.items() if key in known})
