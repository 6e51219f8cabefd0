"""Composing the frozen result from the chosen values: addresses, inverter, nameplate.

Forms split or join things differently from the contract (a mailing address over four
fields; "Manufacturer & Model" in one box; the rating only as an inverter table); this is
where they are brought into the contract's shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from parsers.assemble import Picked, split_make_model
from parsers.places import split_address_line, split_city_state_zip
from parsers.result import (
    Applicant,
    DocumentType,
    Extraction,
    Generator,
    GeneratorType,
    Installer,
    ParsedApplication,
    Program,
    Signature,
    Site,
)
from parsers.values import Value


@dataclass(frozen=True)
class Context:
    """What the pipeline learned besides the values: kind, program, pages, routes."""

    document_type: DocumentType
    program: str | None
    generator_type: str | None
    pages: int
    extraction: Extraction
    warnings: tuple[str, ...]
    makers: Sequence[str]


def _str(values: dict[str, Value], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) else None


def _num(values: dict[str, Value], key: str) -> float | None:
    value = values.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _fill_place(values: dict[str, Value], prefix: str, text: str | None) -> str | None:
    """Split "street, City, ST 12345"; fill the city/state/zip parts; return the street."""
    if text is None:
        return None
    street, tail = split_address_line(text)
    if tail is None and (whole := split_city_state_zip(text)) is not None:
        street, tail = "", whole
    if tail is not None:
        for part, piece in zip(("city", "state", "zip"), tail, strict=True):
            values.setdefault(f"{prefix}{part}", piece)
    return street or None


def _mailing(values: dict[str, Value]) -> str | None:
    _fill_place(values, "applicant.mailing_", _str(values, "applicant.mailing_city_state_zip"))
    street = _fill_place(values, "applicant.mailing_", _str(values, "applicant.mailing_address"))
    city = _str(values, "applicant.mailing_city")
    region = " ".join(
        p for p in (_str(values, "applicant.mailing_state"), _str(values, "applicant.mailing_zip")) if p
    )
    line = ", ".join(p for p in (street, city, region) if p)
    return line or None


def _site(values: dict[str, Value]) -> Site:
    _fill_place(values, "site.", _str(values, "site.city_state_zip"))
    street = _fill_place(values, "site.", _str(values, "site.address"))
    return Site(
        address=street,
        city=_str(values, "site.city"),
        state=_str(values, "site.state"),
        zip=_str(values, "site.zip"),
        account_number=_str(values, "site.account_number"),
        meter_number=_str(values, "site.meter_number"),
    )


def _installer(values: dict[str, Value]) -> Installer:
    company = _str(values, "installer.company")
    contact = _str(values, "installer.contact")
    name = _str(values, "installer.name")
    if name is not None and company is None:
        company = name
    elif name is not None and contact is None:
        contact = name
    return Installer(
        company=company,
        contact=contact,
        email=_str(values, "installer.email"),
        phone=_str(values, "installer.phone"),
        license=_str(values, "installer.license"),
    )


def _generator(values: dict[str, Value], context: Context, warnings: list[str]) -> Generator:
    maker = _str(values, "generator.inverter_manufacturer")
    model = _str(values, "generator.inverter_model")
    both = _str(values, "generator.inverter_make_model")
    if both is not None and (maker is None or model is None):
        split_maker, split_model = split_make_model(both, context.makers)
        if split_maker is None and maker is None:
            warnings.append(f"generator.inverter_manufacturer: maker not recognised in {both!r}.")
        maker, model = maker or split_maker, model or split_model
    nameplate = _num(values, "generator.nameplate_kw_ac")
    table = _num(values, "generator.table_kw_ac")
    if nameplate is None:
        nameplate = table
    elif table is not None and abs(table - nameplate) > 0.02 * nameplate:
        warnings.append(
            f"generator.nameplate_kw_ac: the form states {nameplate} kW but the inverter table "
            f"adds up to {table} kW; kept {nameplate}."
        )
    quantity = values.get("generator.inverter_quantity")
    ul1741 = values.get("generator.inverter_ul1741")
    return Generator(
        type=cast(GeneratorType | None, context.generator_type),
        nameplate_kw_ac=nameplate,
        nameplate_kw_dc=_num(values, "generator.nameplate_kw_dc"),
        export_kw=_num(values, "generator.export_kw"),
        inverter_manufacturer=maker,
        inverter_model=model,
        inverter_quantity=quantity if isinstance(quantity, int) and quantity > 0 else None,
        inverter_ul1741=ul1741 if isinstance(ul1741, bool) else None,
        storage_kwh=_num(values, "generator.storage_kwh"),
        storage_kw=_num(values, "generator.storage_kw"),
    )


def compose(picked: Picked, context: Context) -> ParsedApplication:
    """Build the frozen result; warnings from picking come first, then the pipeline's."""
    values = dict(picked.values)
    warnings = list(picked.warnings)
    date = values.get("signature.date")
    generator = _generator(values, context, warnings)
    return ParsedApplication(
        document_type=context.document_type,
        program=cast(Program | None, context.program),
        applicant=Applicant(
            name=_str(values, "applicant.name"),
            email=_str(values, "applicant.email"),
            phone=_str(values, "applicant.phone"),
            mailing_address=_mailing(values),
        ),
        site=_site(values),
        installer=_installer(values),
        generator=generator,
        signature=Signature(
            signed=values.get("signature.signature") is True,
            date=date if isinstance(date, dt.date) else None,
        ),
        pages=context.pages,
        extraction=context.extraction,
        warnings=tuple(dict.fromkeys([*context.warnings, *warnings])),
    )
