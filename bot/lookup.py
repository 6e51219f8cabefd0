"""Finding the case a person means: a case number, an account number, or a fuzzy match on
the customer's name and the site address."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.content import Match
from cases.desk_queries import CaseIndexEntry
from cases.numbering import normalise_case_number

_CASE_NUMBER = re.compile(r"^\[?IC-\d{4}-\d{5}\]?$", re.IGNORECASE)
# Scores run from 0 to 100; a match this good is taken as meant, weaker ones are offered as choices.
_SURE = 90.0
_CANDIDATE = 60.0


def as_case_number(text: str) -> str | None:
    """The case number if `text` is one (tolerating brackets and case)."""
    return normalise_case_number(text) if _CASE_NUMBER.match(text.strip()) else None


def _label(entry: CaseIndexEntry) -> str:
    return " ".join(part for part in (entry.name, entry.address, entry.city) if part)


def find_cases(query: str, index: list[CaseIndexEntry], limit: int = 5) -> list[Match]:
    """The best matches for `query`, best first: an exact account number wins outright."""
    wanted = query.strip()
    digits = re.sub(r"\D", "", wanted)
    if len(digits) >= 6:
        exact = [e for e in index if e.account_number and re.sub(r"\D", "", e.account_number) == digits]
        if exact:
            return [Match(e.number, e.name, e.address, e.stage, 100.0) for e in exact]
    labels = {i: _label(entry).lower() for i, entry in enumerate(index)}
    found = process.extract(wanted.lower(), labels, scorer=fuzz.WRatio, limit=limit, score_cutoff=_CANDIDATE)
    return [Match(index[i].number, index[i].name, index[i].address, index[i].stage, float(score))
            for _, score, i in found]


def is_sure(matches: list[Match]) -> bool:
    """The only plausible match, or one that stands clear of the rest."""
    if len(matches) == 1:
        return True
    return bool(matches) and matches[0].score >= _SURE and matches[1].score < matches[0].score - 10
