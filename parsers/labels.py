"""Finding printed labels inside a segment of a line.

A label counts only where a form would put one: at the start of a segment (then it must end
with a colon or stand alone, so that a sentence starting with "Owner ..." is not a label),
or later in the segment when it ends with a colon ("City: Portland  State: OR").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.layout import Line, Segment, Word
from parsers.normalize import has_marks, label_key
from parsers.vocab import DROPPED, LabelIndex

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
        for stop in range(end + 1, min(end + 9, len(words))):
            if words[stop].text.rstrip(":;").endswith(")"):
                return stop
    return end


def _extend_qualifier(words: Sequence[Word], end: int, size: int) -> int:
    """The label's last word once qualifiers that follow a known label are taken in.

    "UL 1741-SB listed:", "Applicant phone (day):" - up to three words before a colon belong
    to the label. Without a colon, a label of three or more words may still end in up to
    three lower-case words ("Contractor who will install the system"), as wrapped labels do;
    a capitalised word or a number there is more likely the value.
    """
    for stop in range(end + 1, min(end + 4, len(words))):
        if words[stop].text.endswith(_COLON):
            return stop
    rest = words[end + 1 :]
    if size >= 3 and 0 < len(rest) <= 3 and all(
        re.fullmatch(r"\(?[a-z][a-z/]*\)?", w.text) for w in rest
    ):
        return len(words) - 1
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
        if position == first and not words[end].text.endswith(_COLON):
            end = _extend_qualifier(words, end, size)
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


def heading_of(segment: Segment, headings: LabelIndex, labels: LabelIndex | None = None
               ) -> str | None:
    """The section a segment names when it is a heading ("2. INSTALLER INFORMATION").

    Exactly a heading, or, in capitals, a heading followed by a qualifier
    ("INSTALLER / CONSULTING ENGINEER"), unless the whole text is itself a label in `labels`
    ("CUSTOMER NAME" is a label).
    """
    words = [w.text for w in segment.words]
    while words and (_ENUMERATION.match(words[0]) or words[0].lower() in {"section", "part"}):
        words = words[1:]
        if words and re.match(r"^[0-9A-Za-z]{1,2}[.:)]?$", words[0]) and len(words) > 1:
            words = words[1:]
    if not words:
        return None
    tokens = label_key(" ".join(words)).split()
    exact = headings.match_exact(tokens)
    text = " ".join(words)
    if exact is not None or not text.isupper() or ":" in text or len(tokens) > 6:
        return exact
    if labels is not None and (whole := labels.match_prefix(tokens)) and whole[1] == len(tokens):
        return None
    found = headings.match_prefix(tokens)
    return found[0] if found else None


def _complete(segment: Segment, indexes: Sequence[LabelIndex]) -> bool:
    """Whether the segment is one label from its first word to its last."""
    hits = find_hits(segment, indexes)
    return len(hits) == 1 and not hits[0].value and hits[0].x0 <= segment.x0 + 1


def join_wrapped_labels(lines: Sequence[Line], indexes: Sequence[LabelIndex]) -> list[Line]:
    """Lines with labels that wrap onto a second line joined back into one segment.

    "PGE account number where / system will be installed" in a narrow label column, with the
    value right of the first line: the two lines together are one label, which may say more
    than the first line alone ("Inverter manufacturer / and model number"). The
    continuation must sit alone on its line, flush under the first and close to it; a
    value under a label never joins it, since label and value together are no label.
    """
    out = list(lines)
    index = 0
    while index + 1 < len(out):
        line, below = out[index], out[index + 1]
        first = line.segments[0]
        follow = below.segments[0]
        if (len(below.segments) == 1 and abs(follow.x0 - first.x0) <= 2
                and below.top - line.bottom <= 0.6 * line.height):
            joined = Segment(first.words + follow.words)
            if _complete(joined, indexes):
                out[index] = Line((joined, *line.segments[1:]), line.top,
                                  max(line.bottom, below.bottom), line.height)
                del out[index + 1]
        index += 1
    return out


def not_a_row(line: Line, vocab: Vocabulary) -> bool:
    """Whether a line under an inverter table is a heading or holds labels of other values.

    Cells of the table itself may read as labels of the inverter ("Inverter", "Enphase"
    under "Manufacturer"), so only labels of other keys end the table.
    """
    indexes = [vocab.labels, *vocab.sections.values()]
    for segment in line.segments:
        if heading_of(segment, vocab.headings, vocab.labels) is not None:
            return True
        hits = find_hits(segment, indexes)
        if (len(hits) == 1 and not hits[0].value and hits[0].key not in DROPPED
                and not hits[0].key.startswith("generator.inverter")):
            return True
    return False


def join_lone_boxes(lines: Sequence[Line]) -> list[Line]:
    """Lines where a box standing apart ("☒" then "UL 1741") joins the words nearest it.

    A printed box and its option may sit further apart than words do; the box belongs to
    the side it is closer to, so a box after its option ("Yes ☒") is left where it is.
    """
    out = []
    for line in lines:
        segments = list(line.segments)
        index = 0
        while index + 1 < len(segments):
            box, after = segments[index], segments[index + 1]
            before_gap = box.x0 - segments[index - 1].x1 if index else float("inf")
            if (len(box.words) == 1 and has_marks(box.text) != (False, False)
                    and after.x0 - box.x1 < before_gap):
                segments[index : index + 2] = [Segment(box.words + after.words)]
            index += 1
        out.append(Line(tuple(segments), line.top, line.bottom, line.height))
    return out
