"""Candidate values and the indexes that match field names and labels to contract keys.

A Candidate is one raw reading ("Applicant Name" says "Marcus Bell" on page 1, from the text
layer); the assembler later picks, normalises and cross-checks them. The indexes are built
once per parse from the (possibly caller-supplied) synonym tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from parsers.normalize import field_key, label_key
from parsers.wordlists import GENERATOR_TYPE_WORDS, PROGRAM_WORDS, SECTION_FIELD_PREFIXES

Route = Literal["form_fields", "text", "ocr"]
DROPPED = frozenset({"ignore", "elsewhere"})  # keys whose values are recognised, then dropped


@dataclass(frozen=True, slots=True)
class Candidate:
    """One raw value read for `key`; `label` is the printed label or field name it came with."""

    key: str
    text: str
    route: Route
    page: int = 0
    label: str = ""


class LabelIndex:
    """Longest-prefix matching of printed labels, in label_key word form."""

    def __init__(self, synonyms: Mapping[str, Sequence[str]]) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for key, names in synonyms.items():
            for name in names:
                words = tuple(label_key(name).split())
                if words:
                    self._phrases.setdefault(words, key)
        self._longest = max((len(p) for p in self._phrases), default=0)

    def match_prefix(self, words: Sequence[str]) -> tuple[str, int] | None:
        """(key, number of words) of the longest label that `words` start with, or None."""
        for size in range(min(self._longest, len(words)), 0, -1):
            key = self._phrases.get(tuple(words[:size]))
            if key is not None:
                return key, size
        return None

    def match_exact(self, words: Sequence[str]) -> str | None:
        """The key of a label that is exactly `words`, or None."""
        return self._phrases.get(tuple(words))


def build_field_index(
    field_synonyms: Mapping[str, Sequence[str]],
    label_synonyms: Mapping[str, Sequence[str]],
    section_labels: Mapping[str, Mapping[str, Sequence[str]]],
) -> dict[str, str]:
    """Spaceless field key -> contract key, from field names, labels and section+label pairs.

    Why labels too: most fillable forms name a field after its printed label
    ("ApplicantName"), and section-qualified generic names ("InstallerPhone") follow from
    the section tables.
    """
    index: dict[str, str] = {}
    for key, names in field_synonyms.items():
        for name in names:
            index.setdefault(field_key(name), key)
    for key, names in label_synonyms.items():
        for name in names:
            index.setdefault(label_key(name).replace(" ", ""), key)
    for section, labels in section_labels.items():
        for prefix in SECTION_FIELD_PREFIXES.get(section, (section,)):
            for key, names in labels.items():
                for name in names:
                    index.setdefault(prefix + label_key(name).replace(" ", ""), key)
    return index


def _word_table(table: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    pairs = [(label_key(word), value) for value, words in table.items() for word in words]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_PROGRAM = _word_table(PROGRAM_WORDS)
_GEN_TYPE = _word_table(GENERATOR_TYPE_WORDS)


def _mentions(text: str, table: list[tuple[str, str]]) -> set[str]:
    padded = f" {label_key(text)} "
    squashed = padded.replace(" ", "")
    found = set()
    for word, value in table:
        if f" {word} " in padded or (len(word) > 5 and word.replace(" ", "") in squashed):
            found.add(value)
    return found


def program_mentions(text: str) -> set[str]:
    """Programs named in `text` ("Net Metering Application" -> {"net_metering"})."""
    return _mentions(text, _PROGRAM)


def generator_type_mentions(text: str) -> set[str]:
    """Energy sources named in `text` ("Solar PV + Battery" -> {"solar", "storage"})."""
    return _mentions(text, _GEN_TYPE)
