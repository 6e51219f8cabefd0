"""Held-out application layouts: forms the parser was not written against, with answers.

Each `Heldout` draws one form (fillable, flat, or both) and states the contract values a
reader of the form would write down. The layouts live in `heldout_utility` and
`heldout_tiers` (utilities' forms), `heldout_vendor` (installers' and vendors' forms) and
`heldout_packets` (packets), drawn with `heldout_draw`, and `heldout_fresh` (two written
after the parser changes, to check that they generalise); their wording and
structure are deliberately unlike `samples.py`: meaningless or unfamiliar field names,
labels above values, cells, wrapped labels, inline "Label: value" runs, inverter tables
with several rows, cover letters and spec sheets around the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FIELDS: tuple[str, ...] = (
    "document_type", "program",
    "applicant.name", "applicant.email", "applicant.phone", "applicant.mailing_address",
    "site.address", "site.city", "site.state", "site.zip", "site.account_number",
    "site.meter_number",
    "installer.company", "installer.contact", "installer.email", "installer.phone",
    "installer.license",
    "generator.type", "generator.nameplate_kw_ac", "generator.nameplate_kw_dc",
    "generator.export_kw", "generator.inverter_manufacturer", "generator.inverter_model",
    "generator.inverter_quantity", "generator.inverter_ul1741", "generator.storage_kwh",
    "generator.storage_kw",
    "signature.signed", "signature.date",
)


@dataclass(frozen=True)
class Heldout:
    """A layout: `draw(fillable)` gives PDF bytes; `expected` maps every FIELDS path."""

    name: str
    draw: Callable[[bool], bytes]
    expected: dict[str, Any]
    fillable: bool = True
    flat: bool = True


def answers(stated: dict[str, Any]) -> dict[str, Any]:
    """Every contract field: what the form states, null elsewhere (unsigned, an application)."""
    unknown = set(stated) - set(FIELDS)
    if unknown:
        raise KeyError(f"not contract fields: {sorted(unknown)}")
    base: dict[str, Any] = dict.fromkeys(FIELDS)
    base.update({"document_type": "application", "signature.signed": False})
    base.update(stated)
    return base


def leaf(result: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a contract dict."""
    node: Any = result
    for part in path.split("."):
        node = node[part]
    return node


def layouts() -> list[Heldout]:
    """All held-out layouts."""
    # Imported here because the layout modules import this one.
    import heldout_fresh  # noqa: PLC0415
    import heldout_packets  # noqa: PLC0415
    import heldout_tiers  # noqa: PLC0415
    import heldout_utility  # noqa: PLC0415
    import heldout_vendor  # noqa: PLC0415

    return [*heldout_utility.LAYOUTS, *heldout_tiers.LAYOUTS, *heldout_vendor.LAYOUTS,
            *heldout_packets.LAYOUTS, *heldout_fresh.LAYOUTS]
