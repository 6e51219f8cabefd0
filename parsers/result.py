"""Frozen result types mirroring `application.schema.json`, and their JSON form.

The dataclasses are what the rest of icdesk reads; `to_contract_dict` is the only place that
knows the contract's key names and JSON types, so the two cannot drift apart silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

DocumentType = Literal[
    "application",
    "one_line_diagram",
    "site_plan",
    "spec_sheet",
    "certificate_of_completion",
    "unknown",
]
Program = Literal["net_metering", "small_generator"]
GeneratorType = Literal[
    "solar", "wind", "hydro", "storage", "solar_storage", "fuel_cell", "other"
]
Extraction = Literal["form_fields", "text", "ocr", "mixed"]


@dataclass(frozen=True, slots=True)
class Applicant:
    """The interconnection customer; phone is 10 digits, email lower-cased."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    mailing_address: str | None = None


@dataclass(frozen=True, slots=True)
class Site:
    """The generator's service address and the utility identifiers printed for it."""

    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    account_number: str | None = None
    meter_number: str | None = None


@dataclass(frozen=True, slots=True)
class Installer:
    """The installing contractor; `license` is the licence number as printed."""

    company: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    license: str | None = None


@dataclass(frozen=True, slots=True)
class Generator:
    """The facility's ratings: powers in kW, energy in kWh."""

    type: GeneratorType | None = None
    nameplate_kw_ac: float | None = None
    nameplate_kw_dc: float | None = None
    export_kw: float | None = None
    inverter_manufacturer: str | None = None
    inverter_model: str | None = None
    inverter_quantity: int | None = None
    inverter_ul1741: bool | None = None
    storage_kwh: float | None = None
    storage_kw: float | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    """Whether the applicant signed, and the signature date."""

    signed: bool = False
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ParsedApplication:
    """Everything the parser learned from one PDF; unknown values are None."""

    document_type: DocumentType
    program: Program | None
    applicant: Applicant
    site: Site
    installer: Installer
    generator: Generator
    signature: Signature
    pages: int
    extraction: Extraction
    warnings: tuple[str, ...] = ()


def _section(obj: Applicant | Site | Installer | Generator) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def to_contract_dict(result: ParsedApplication) -> dict[str, Any]:
    """Return the result as the contract's JSON object: every key present, None for unknown.

    Why a hand-written mapping: the contract is the interface other teams code against,
    so key order and types (ISO date string, plain numbers) are spelled out here.
    """
    date = result.signature.date
    return {
        "document_type": result.document_type,
        "program": result.program,
        "applicant": _section(result.applicant),
        "site": _section(result.site),
        "installer": _section(result.installer),
        "generator": _section(result.generator),
        "signature": {
            "signed": result.signature.signed,
            "date": date.isoformat() if date is not None else None,
        },
        "pages": result.pages,
        "extraction": result.extraction,
        "warnings": list(result.warnings),
    }
