"""Addresses and dates: US state codes, ZIP codes, "City, ST 12345" lines, ISO dates.

Kept apart from `normalize` because these need lookup tables rather than unit arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re

STATES: dict[str, str] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
    "guam": "GU", "us virgin islands": "VI", "american samoa": "AS",
    "northern mariana islands": "MP",
    # Older postal abbreviations still printed on letterheads.
    "ore": "OR", "oreg": "OR", "wash": "WA", "calif": "CA", "cal": "CA", "ida": "ID",
    "nev": "NV", "mont": "MT", "ariz": "AZ", "colo": "CO",
}
_CODES = frozenset(STATES.values())


def parse_state(text: str) -> str | None:
    """Two-letter upper-case code from "OR", "or", "Oregon" or "Ore."; None if unknown."""
    key = re.sub(r"[^a-z ]", "", text.lower()).strip()
    key = re.sub(r"\s+", " ", key)
    if key.upper() in _CODES and len(key) == 2:
        return key.upper()
    return STATES.get(key)


_ZIP = re.compile(r"^(\d{5})(?:\s*-?\s*(\d{4}))?$")


def parse_zip(text: str) -> str | None:
    """"97217" or ZIP+4 as "97217-1234" (also from "972171234"); None otherwise."""
    match = _ZIP.match(text.strip())
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


_CITY_STATE_ZIP = re.compile(
    r"^(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,?\s+(?P<state>[A-Za-z][A-Za-z .]*?)\.?\s*,?\s+"
    r"(?P<zip>\d{5}(?:\s*-\s*\d{4}|\d{4})?)$"
)


def split_city_state_zip(text: str) -> tuple[str, str, str] | None:
    """Split "Portland, OR 97217" (or "Portland, Oregon 97217-1234") into its three parts."""
    match = _CITY_STATE_ZIP.match(text.strip())
    if not match:
        return None
    state = parse_state(match.group("state"))
    zip_code = parse_zip(match.group("zip"))
    city = match.group("city").strip(" ,")
    if state is None or zip_code is None or not city:
        return None
    return city, state, zip_code


def split_address_line(text: str) -> tuple[str, tuple[str, str, str] | None]:
    """Split "4417 N Williams Ave, Portland, OR 97217" into street and city/state/zip.

    The street is everything before the comma that starts a readable city/state/zip tail;
    a text without such a tail is returned whole as the street.
    """
    parts = [p.strip() for p in text.split(",")]
    for cut in range(1, len(parts)):
        tail = split_city_state_zip(", ".join(parts[cut:]))
        if tail is not None:
            return ", ".join(parts[:cut]), tail
    return text.strip(), None


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_US = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})\b")
_MONTH_FIRST = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """A calendar date from "11/03/2026", "2026-11-03" (or "2026/11/03"), "November 3, 2026",
    "Nov. 3rd, 2026" or "3 November 2026".

    Numeric dates are read month first, as US forms print them; two-digit years are 20xx.
    An impossible date (13/45/2026) is None, never a nearby guess.
    """
    low = text.lower()
    if match := _ISO.search(low):
        return _make_date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    if match := _NUMERIC_US.search(low):
        year = int(match.group(3))
        year = 2000 + year if year < 100 else year
        return _make_date(year, int(match.group(1)), int(match.group(2)))
    if (match := _MONTH_FIRST.search(low)) and match.group(1) in _MONTHS:
        month = _MONTHS[match.group(1)]
        return _make_date(int(match.group(3)), month, int(match.group(2)))
    if (match := _DAY_FIRST.search(low)) and match.group(2) in _MONTHS:
        month = _MONTHS[match.group(2)]
        return _make_date(int(match.group(3)), month, int(match.group(1)))
    return None
