"""Hiding a customer's account, meter and contact details where others can read them.

Case cards posted in a shared channel show only the last four characters of these values:
enough for a coordinator to match them against a bill or a phone call, not enough to act on
them. Installer contact details stay visible: they are business contacts, and the desk works
with installers in the open.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cases.queries import CaseView

MASK = "••••"
_SHOWN = 4

# (part of the view, key) pairs that identify the customer or their service.
_MASKED_KEYS = (
    ("site", "account_number"),
    ("site", "meter_number"),
    ("applicant", "email"),
    ("applicant", "phone"),
)


def mask(value: str | None) -> str | None:
    """`value` with all but its last four characters hidden ("••••8827").

    None stays None (nothing was stated, and saying so is not a leak); a value of four
    characters or fewer is hidden entirely, since its last four would be all of it.
    """
    if value is None:
        return None
    if len(value) <= _SHOWN:
        return MASK
    return MASK + value[-_SHOWN:]


def _masked_part(part: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    masked = dict(part)
    for key in keys:
        if key in masked:
            value = masked[key]
            masked[key] = mask(value if value is None else str(value))
    return masked


def masked_view(view: CaseView) -> CaseView:
    """A copy of `view` with the customer's account and meter numbers, e-mail and phone masked.

    The view's dictionaries are copied, never changed in place, because the same view may be
    rendered unmasked for someone else in the same request.
    """
    site_keys = {key for part, key in _MASKED_KEYS if part == "site"}
    applicant_keys = {key for part, key in _MASKED_KEYS if part == "applicant"}
    return replace(
        view,
        site=_masked_part(view.site, site_keys),
        applicant=_masked_part(view.applicant, applicant_keys),
    )
