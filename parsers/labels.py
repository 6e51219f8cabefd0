"""Finding printed labels inside a segment of a line.

A label counts only where a form would put one: at the start of a segment (then it must end
with a colon or stand alone, so that a sentence starting with "Owner ..." is not a label),
or later in the segment when it ends with a colon ("City: Portland  State: OR").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.layout import Segment, Word
from parsers.normalize import label_key
from parsers.vocab import LabelIndex

_ENUMERATION = re.compile(r"^(?:\(?\d{1,2}[a-z]?[.)]?|\(?[a-hA-H][.)]|[☐☒□■•\-–*])$")
_COLON = (":", ";")


@dataclass(frozen=True)
class Vocabulary:
    """The label indexes for one parse: global labels, section headings, section labels."""

    labels: LabelIndex
    headings: LabelIndex
    sections: Mapping[str, LabelIndex]

    @classmethod
    def build(
        cls,
        labels: Mapping[str, Sequence[str]],
        headings: Mapping[str, Sequence[str]],
        sections: Mapping[str, Mapping[str, Sequence[str]]],
    ) -> Vocabulary:
        """Index the synonym tables (see `parsers.synonyms` for their shape)."""
        return cls(
            labels=LabelIndex(labels),
            headings=LabelIndex(headings),
            sections={name: LabelIndex(table) for name, table in sections.items()},
        )


@dataclass(frozen=True)
class Hit:
    """A label found in a segment; `value` is the text after it up to the next label."""

    key: str
    label: str
    value: str
    x0: float
    x1: float
    top: float
    bottom: float
    colon: bool = False


def _tokens(words: Sequence[Word]) -> tuple[list[str], list[int]]:
    tokens: list[str] = []
    owner: list[int] = []
    for index, word in enumerate(words):
        for token in label_key(word.text).split():
            tokens.append(token)
            owner.append(index)
    return tokens, owner


def _best(indexes: Sequence[LabelIndex], tokens: Sequence[str]) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for index in indexes:
        match = index.match_prefix(tokens)
        if match and (best is None or match[1] > best[1]):
            best = match
    return best


def _extend_parenthesis(words: Sequence[Word], end: int) -> int:
    # "Nameplate Rating (kVA/kW AC):" - the unit in brackets belongs to the label.
    if end + 1 < len(words) and words[end + 1].text.startswith("("):
        for stop in range(end + 1, min(end + 6, len(words))):
            if words[stop].text.rstrip(":;").endswith(")"):
                return stop
    return end


def find_hits(segment: Segment, indexes: Sequence[LabelIndex]) -> list[Hit]:
    """Labels in `segment` (matched against `indexes`, longest wins) with their inline values."""
    words = segment.words
    first = 0
    while first < len(words) - 1 and _ENUMERATION.match(words[first].text):
        first += 1
    tokens, owner = _tokens(words)
    spans: list[tuple[str, int, int, int, bool]] = []  # key, first, last label word, value, colon
    position = first
    while position < len(words):
        token_at = owner.index(position) if position in owner else -1
        match = _best(indexes, tokens[token_at:]) if token_at >= 0 else None
        if match is None:
            position += 1
            continue
        key, size = match
        last_token = token_at + size - 1
        end = owner[last_token]
        if last_token + 1 < len(tokens) and owner[last_token + 1] == end:
            position += 1  # the label ends inside a word: not a label
            continue
        end = _extend_parenthesis(words, end)
        value_start = end + 1
        colon = words[end].text.endswith(_COLON)
        if not colon and value_start < len(words) and words[value_start].text in _COLON:
            colon, value_start = True, value_start + 1
        standalone = value_start >= len(words) or words[end].text.endswith(("#", "No."))
        if colon or (position == first and standalone):
            spans.append((key, position, end, value_start, colon))
            position = value_start
        else:
            position += 1
    hits = []
    for number, (key, start, end, value_start, colon) in enumerate(spans):
        stop = spans[number + 1][1] if number + 1 < len(spans) else len(words)
        label_words = words[start : end + 1]
        hits.append(
            Hit(
                key=key,
                label=" ".join(w.text for w in label_words).rstrip(":; "),
                value=" ".join(w.text for w in words[value_start:stop]).strip(),
                x0=label_words[0].x0,
                x1=label_words[-1].x1,
                top=min(w.top for w in label_words),
                bottom=max(w.bottom for w in label_words),
                colon=colon,
            )
        )
    return hits


def heading_of(segment: Segment, headings: LabelIndex) -> str | None:
    """The section a segment names when it is exactly a heading ("2. INSTALLER INFORMATION")."""
    words = [w.text for w in segment.words]
    while words and (_ENUMERATION.match(words[0]) or words[0].lower() in {"section", "part"}):
        words = words[1:]
        if words and re.match(r"^[0-9A-Za-z]{1,2}[.:)]?$", words[0]) and len(words) > 1:
            words = words[1:]
    return headings.match_exact(label_key(" ".join(words)).split()) if words else None
