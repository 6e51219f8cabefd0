"""US dollars: exact to the cent, rounded half up as invoices are."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cases.errors import InvalidInput

CENT = Decimal("0.01")
# Larger than any interconnection fee or study deposit; guards against typos like 1e30.
LARGEST_USD = Decimal("100000000")


def to_cents(value: Decimal) -> Decimal:
    """`value` rounded to the cent, half up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def parse_dollars(text: str | Decimal) -> Decimal:
    """An amount a person typed ("$1,200.50", "200"), checked: finite, positive after
    rounding to the cent, and not absurdly large."""
    try:
        value = text if isinstance(text, Decimal) else Decimal(str(text).strip().replace("$", "").replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount of dollars") from None
    if not value.is_finite():
        raise InvalidInput(f"{text!r} is not an amount of dollars")
    if value > LARGEST_USD:
        raise InvalidInput(f"${value:,.2f} is more than any fee; check the amount")
    cents = to_cents(value)
    if cents <= 0:
        raise InvalidInput(f"an amount must be at least $0.01, not {text}")
    return cents
