"""Human case numbers: `IC-<year>-<5-digit sequence>`, gap-free per year."""

from __future__ import annotations

import re

from cases.errors import InvalidInput

_PATTERN = re.compile(r"\bIC-(\d{4})-(\d{5})\b", re.IGNORECASE)


def format_case_number(year: int, sequence: int) -> str:
    """The number shown to installers and staff; `sequence` starts at 1 each year."""
    if not 1 <= sequence <= 99_999:
        raise InvalidInput(f"case sequence {sequence} is outside 1..99999 for {year}")
    return f"IC-{year:04d}-{sequence:05d}"


def parse_case_number(text: str) -> tuple[int, int]:
    """Year and sequence of the first case number found in `text` (tolerates `[IC-…]`, case)."""
    match = _PATTERN.search(text)
    if match is None:
        raise InvalidInput(f"{text!r} is not a case number like IC-2026-00042")
    return int(match.group(1)), int(match.group(2))


def normalise_case_number(text: str) -> str:
    """The canonical spelling of a case number typed by a person (`ic-2026-00042` → upper case)."""
    year, sequence = parse_case_number(text)
    return format_case_number(year, sequence)
