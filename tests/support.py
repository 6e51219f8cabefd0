"""Test helpers: Pacific times, and parsed applications (the parser contract's shape)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")


def pacific(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware Pacific time, the way the desk's users speak of times."""
    return datetime(year, month, day, hour, minute, tzinfo=PACIFIC)

_RESIDENTIAL_SOLAR: dict[str, Any] = {
    "document_type": "application",
    "program": "net_metering",
    "applicant": {"name": "Marcus Bell", "email": "marcus.bell@example.com", "phone": "5035550100",
                  "mailing_address": "4417 N Williams Ave, Portland, OR 97217"},
    "site": {"address": "4417 N Williams Ave", "city": "Portland", "state": "OR", "zip": "97217",
             "account_number": "1234568827", "meter_number": "M99812"},
    "installer": {"company": "Sunbridge Solar", "contact": "Dana Ruiz", "email": "dana@sunbridge.example",
                  "phone": "5035550111", "license": "201554"},
    "generator": {"type": "solar", "nameplate_kw_ac": 7.6, "nameplate_kw_dc": 9.6, "export_kw": 7.6,
                  "inverter_manufacturer": "SolarEdge", "inverter_model": "SE7600H-US", "inverter_quantity": 1,
                  "inverter_ul1741": True, "storage_kwh": None, "storage_kw": None},
    "signature": {"signed": True, "date": "2026-11-20"},
    "pages": 3,
    "extraction": "form_fields",
    "warnings": [],
}


def contract(**changes: Any) -> dict[str, Any]:
    """A 7.6 kW residential net-metering application; `generator__export_kw=0` style
    keyword arguments change one nested value, plain ones a top-level key."""
    data = copy.deepcopy(_RESIDENTIAL_SOLAR)
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    return data
