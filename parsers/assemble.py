"""From candidates to the result: pick a value per key, cross-check, compose, warn.

Candidates arrive in priority order (form fields, then the text layer, then OCR; page order
within a route). The first readable value of a key wins; a later readable value that differs
becomes a warning, as does a key whose every candidate was unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.normalize import label_key, marked_options, parse_yes_no
from parsers.values import READERS, Value
from parsers.vocab import Candidate, generator_type_mentions, program_mentions

_CONTRACT_NAMES = {"table_kw_ac": "nameplate_kw_ac (inverter table)"}


def _where(candidate: Candidate) -> str:
    return f"page {candidate.page}" if candidate.page else "the form fields"


def _name(key: str) -> str:
    section, _, rest = key.partition(".")
    return f"{section}.{_CONTRACT_NAMES.get(rest, rest)}" if rest else key


@dataclass
class Picked:
    """Chosen values per key, plus the warnings raised while choosing and the routes used."""

    values: dict[str, Value] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1e-9)
    if isinstance(a, str) and isinstance(b, str):
        return label_key(a) == label_key(b)
    return a == b


def pick_values(candidates: Sequence[Candidate]) -> Picked:
    """Normalise every candidate and keep the first readable value per key."""
    picked = Picked()
    unreadable: dict[str, Candidate] = {}
    for candidate in candidates:
        reader = READERS.get(candidate.key)
        if reader is None:
            continue
        value = reader(candidate.text, candidate.label)
        if value is None:
            unreadable.setdefault(candidate.key, candidate)
            continue
        current = picked.values.get(candidate.key)
        if current is None:
            picked.values[candidate.key] = value
            picked.routes.add(candidate.route)
        elif not _same(current, value) and candidate.key != "signature.signature":
            picked.warnings.append(
                f"{_name(candidate.key)}: {_where(candidate)} says {candidate.text!r}, "
                f"which differs from the value kept ({_show(current)})."
            )
    for key, candidate in unreadable.items():
        if key not in picked.values and key != "signature.signature":
            picked.warnings.append(
                f"{_name(key)}: could not read {candidate.text.strip()[:60]!r} on "
                f"{_where(candidate)}; left empty."
            )
    return picked


def _show(value: Value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else repr(value)


_UL1741 = re.compile(r"\bul\s*-?\s*1741", re.IGNORECASE)


def ticked_statements(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Answers given by ticking a statement ("☒ Inverter is certified to UL 1741").

    Appended after every other candidate, so a question answered outright wins.
    """
    found = []
    for candidate in candidates:
        if candidate.key != "options":
            continue
        for option in marked_options(candidate.text) or []:
            if _UL1741.search(option):
                found.append(Candidate("generator.inverter_ul1741", "Yes", candidate.route,
                                       candidate.page, option))
    return found


def choose_program(candidates: Sequence[Candidate], title: str) -> tuple[str | None, list[str]]:
    """The program from a program question, ticked options, or else the form's title."""
    stated: list[set[str]] = []
    for candidate in candidates:
        if candidate.key == "program":
            options = marked_options(candidate.text)
            text = " ".join(options) if options is not None else candidate.text
            found = program_mentions(text)
            if not found and "net metering" in label_key(candidate.label):
                answer = parse_yes_no(candidate.text)
                found = set() if answer is None else {"net_metering" if answer else "small_generator"}
            if found:
                stated.append(set(found))
        elif candidate.key == "options":
            ticked = marked_options(candidate.text) or []
            if found := program_mentions(" ".join(ticked)):
                stated.append(found)
    programs = set().union(*stated) if stated else program_mentions(title)
    if len(programs) == 1:
        return programs.pop(), []
    if len(programs) > 1 and stated:
        return None, ["program: the form ticks both net metering and small generator; left empty."]
    return None, []


def choose_generator_type(candidates: Sequence[Candidate]) -> tuple[str | None, list[str]]:
    """solar / wind / ... from the energy-source question or ticked options; storage with
    solar is solar_storage; two other sources at once are left empty with a warning."""
    kinds: set[str] = set()
    for candidate in candidates:
        if candidate.key not in {"generator.type", "options"}:
            continue
        options = marked_options(candidate.text)
        if options is None and candidate.key == "options":
            continue
        text = " ".join(options) if options is not None else candidate.text
        kinds |= generator_type_mentions(text)
    if kinds == {"solar", "storage"}:
        return "solar_storage", []
    if len(kinds) == 1:
        return kinds.pop(), []
    if len(kinds - {"other"}) == 1:
        return (kinds - {"other"}).pop(), []
    if kinds:
        names = ", ".join(sorted(kinds))
        return None, [f"generator.type: several energy sources are ticked ({names}); left empty."]
    return None, []


def split_make_model(text: str, makers: Sequence[str]) -> tuple[str | None, str | None]:
    """("SolarEdge", "SE7600H-US") from "SolarEdge SE7600H-US"; (None, text) for an unknown maker."""
    for maker in sorted(makers, key=len, reverse=True):
        match = re.match(rf"\s*{re.escape(maker)}\b[\s,/:-]*(.*)$", text, re.IGNORECASE)
        if match:
            return text.strip()[: len(maker)], match.group(1).strip() or None
    return None, text.strip() or None
