"""Routes 2 and 3: label/value pairs found by position on a laid-out page.

For each label the value is, in order: the text after it in the same segment, the next
segment to its right, or the segment directly below it (or above it, for signature lines
printed under the line). Section headings, and specific labels such as "Site Address", set
the context in which generic labels ("City", "Phone") are read; each column of a two-column
form keeps its own context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parsers.labels import (
    Hit,
    Vocabulary,
    find_hits,
    heading_of,
    join_lone_boxes,
    join_wrapped_labels,
)
from parsers.layout import Line
from parsers.normalize import CHECKED, SEPARATOR, has_marks, label_key, marked_options
from parsers.vocab import DROPPED, Candidate, LabelIndex, Route

_BELOW_LINES = 2.6  # how far below a label its value may sit, in line heights
_ABOVE_GAP = 1.0  # a value above its label sits at most this many line heights above it
_OCR_RUN_GAP = 2.5  # OCR: segments of one value are at most this many line heights apart
_MULTILINE_KEYS = {"applicant.mailing_address", "site.address"}
_ABOVE_KEYS = {"signature.signature", "signature.date"}
_SECTIONS = {"applicant", "site", "installer", "generator", "signature"}


@dataclass
class _Band:
    """One column of the page from `x0` (points) rightwards, and the sections in force there."""

    x0: float
    heading: str | None = None
    label: str | None = None


class _Columns:
    """Section context per column band."""

    def __init__(self) -> None:
        self.bands = [_Band(0.0)]

    def _band(self, x: float) -> _Band:
        chosen = self.bands[0]
        for band in self.bands:
            if band.x0 <= x + 4:
                chosen = band
        return chosen

    def headings(self, found: Sequence[tuple[float, str]]) -> None:
        left = found[0][0]
        kept = [band for band in self.bands if band.x0 < left - 4]
        self.bands = kept + [_Band(x, section) for x, section in found]
        self.bands[0].x0 = 0.0

    def learn(self, x: float, key: str) -> None:
        """A specific label ("Installer Phone", "Installer signature") sets the context."""
        if key == "ignore":
            return
        section = key.split(".", maxsplit=1)[0]
        self._band(x).label = section if section in _SECTIONS | {"elsewhere"} else None

    def sections(self, x: float) -> list[str]:
        band = self._band(x)
        if band.label == "elsewhere":
            return []
        found = [s for s in (band.label, band.heading) if s]
        return found or ["applicant"]


def _ticks_a_statement(text: str) -> bool:
    """Whether a segment is a box followed by words, no "Label:" among them."""
    options = marked_options(text)
    return options is not None and ":" not in text and has_marks(text.split(maxsplit=1)[0]) != (False, False)


def _indexes(vocab: Vocabulary, sections: Sequence[str]) -> list[LabelIndex]:
    return [vocab.labels, *(vocab.sections[s] for s in sections if s in vocab.sections)]


class PageReader:
    """Reads one page's lines into candidates; see the module docstring for the rules."""

    def __init__(self, lines: Sequence[Line], vocab: Vocabulary, route: Route, page: int):
        every = _indexes(vocab, list(vocab.sections))
        self.lines = join_wrapped_labels(join_lone_boxes(lines), every)
        lines = self.lines
        self.vocab = vocab
        self.route = route
        self.page = page
        self.labelish = {
            (li, si): find_hits(seg, every)
            for li, line in enumerate(lines)
            for si, seg in enumerate(line.segments)
        }
        self.used: set[tuple[int, int]] = set()

    def _is_label(self, li: int, si: int) -> bool:
        hits = self.labelish[(li, si)]
        return bool(hits) and hits[0].x0 <= self.lines[li].segments[si].x0 + 1

    def _free(self, li: int, si: int) -> bool:
        if (li, si) in self.used or self._is_label(li, si):
            return False
        # A segment right of a bare label is that label's value, not anyone else's.
        if si > 0:
            left = self.labelish[(li, si - 1)]
            if left and not left[-1].value:
                return False
        return True

    def _nearby(self, li: int, hit: Hit, step: int) -> tuple[int, int] | None:
        line = self.lines[li]
        tolerance = line.height
        other = li + step
        while 0 <= other < len(self.lines):
            near = self.lines[other]
            gap = near.top - line.bottom if step > 0 else line.top - near.bottom
            if gap > _BELOW_LINES * line.height:
                return None
            for si, seg in enumerate(near.segments):
                overlaps = seg.x0 < hit.x1 + tolerance and seg.x1 > hit.x0 - tolerance
                if overlaps and seg.x0 >= hit.x0 - 3 * tolerance:
                    return (other, si) if self._free(other, si) else None
            other += step
        return None

    def _take(self, li: int, si: int) -> str:
        self.used.add((li, si))
        return self.lines[li].segments[si].text

    def _take_run(self, li: int, si: int) -> str:
        """The segment at `si`; on OCR pages also the free segments that follow it closely.

        Tesseract's word gaps vary, so one typed value ("Central Point, OR 97502") can come
        apart into segments; a gap under a few line heights before the next label is still
        the same value.
        """
        parts = [self._take(li, si)]
        segments = self.lines[li].segments
        limit = _OCR_RUN_GAP * self.lines[li].height
        while (self.route == "ocr" and si + 1 < len(segments)
               and segments[si + 1].x0 - segments[si].x1 < limit and self._free(li, si + 1)):
            si += 1
            parts.append(self._take(li, si))
        return " ".join(parts)

    def _value_for(self, li: int, si: int, hit: Hit) -> str:
        segments = self.lines[li].segments
        if si + 1 < len(segments) and self._free_right(li, si + 1, hit.colon):
            return self._checkbox_list(li, si + 1) or self._take_run(li, si + 1)
        for step in self._steps(li, hit):
            found = self._nearby(li, hit, step)
            if found is None:
                continue
            other, osi = found
            value = self._take(other, osi)
            if hit.key in _MULTILINE_KEYS:
                more = self._nearby(other, hit, 1)
                if more is not None and not self._heading(*more):
                    value = f"{value}, {self._take(*more)}"
            return value
        return ""

    def _steps(self, li: int, hit: Hit) -> tuple[int, ...]:
        """Where to look for a bare label's value: below, or above when that is closer.

        Forms that print the label under the line the value is written on put the value
        just above the label and the next row's value further below; signature lines are
        often labelled underneath too.
        """
        if hit.key in _ABOVE_KEYS:
            return (-1, 1)
        above = self._nearby(li, hit, -1)
        if above is None:
            return (1,)
        line = self.lines[li]
        gap_above = line.top - self.lines[above[0]].bottom
        if gap_above > _ABOVE_GAP * line.height:
            return (1,)
        below = self._nearby(li, hit, 1)
        if below is not None and self.lines[below[0]].top - line.bottom <= gap_above:
            return (1,)
        return (-1,)

    def _checkbox_list(self, li: int, first: int) -> str | None:
        """The boxes right of a label as one value ("☒ Solar ¦ ☐ Wind"), if they are boxes.

        OCR loses the tick inside a ticked box but reads an empty box as "[_]": in a list
        that shows empty boxes and no ticked one, the options without a box were ticked.
        """
        segments = self.lines[li].segments
        chosen = [first]
        for si in range(first + 1, len(segments)):
            if not self._free_right(li, si, False):
                break
            chosen.append(si)
        texts = [segments[si].text for si in chosen]
        marks = [has_marks(text) for text in texts]
        if not any(checked or empty for checked, empty in marks):
            return None
        if self.route == "ocr" and not any(c for c, _ in marks):
            texts = [t if empty else f"{CHECKED} {t}" for t, (_, empty) in zip(texts, marks, strict=True)]
        for si in chosen:
            self.used.add((li, si))
        return f" {SEPARATOR} ".join(texts)

    def _free_right(self, li: int, si: int, after_colon: bool) -> bool:
        # After "Certification:" the next box is its value even if it reads "UL 1741 SB",
        # unless that box is itself a "Label:" with a colon.
        if (li, si) in self.used:
            return False
        hits = self.labelish[(li, si)]
        if after_colon and hits and not hits[0].colon:
            return True
        return not self._is_label(li, si)

    def read(self) -> list[Candidate]:
        """All label/value candidates on the page, top to bottom, left to right."""
        columns = _Columns()
        found: list[Candidate] = []
        for li, line in enumerate(self.lines):
            heads = [heading_of(seg, self.vocab.headings, self.vocab.labels) for seg in line.segments]
            if all(heads) and self._heading_line(li):
                columns.headings([(s.x0, str(h)) for s, h in zip(line.segments, heads, strict=True)])
                continue
            for si, seg in enumerate(line.segments):
                if (li, si) in self.used:
                    continue
                hits = find_hits(seg, _indexes(self.vocab, columns.sections(seg.x0)))
                if _ticks_a_statement(seg.text):
                    hits = []  # "☒ UL 1741": the box answers the words after it
                if not hits and marked_options(seg.text) is not None:
                    found.append(Candidate("options", seg.text, self.route, self.page))
                for number, hit in enumerate(hits):
                    if self._specific(hit):
                        columns.learn(hit.x0, hit.key)
                    value = hit.value
                    if not value and number == len(hits) - 1:
                        value = self._value_for(li, si, hit)
                    if value and hit.key not in DROPPED:
                        found.append(Candidate(hit.key, value, self.route, self.page, hit.label))
        return found

    def _specific(self, hit: Hit) -> bool:
        # Only a label that means the same anywhere on the form tells the section: "Name"
        # read as the applicant's under a signature heading leaves the signature context.
        match = self.vocab.labels.match_prefix(label_key(hit.label).split())
        return match is not None and match[0] == hit.key

    def _heading(self, li: int, si: int) -> bool:
        segment = self.lines[li].segments[si]
        return heading_of(segment, self.vocab.headings, self.vocab.labels) is not None

    def _heading_line(self, li: int) -> bool:
        # "APPLICANT" alone may be a heading or a label with its value below: it is a heading
        # when written in capitals, when it says more than one word, or when labels follow.
        text = self.lines[li].text
        if text.isupper() or len(text.split()) > 1:
            return True
        return li + 1 < len(self.lines) and self._is_label(li + 1, 0)


def read_page(lines: Sequence[Line], vocab: Vocabulary, route: Route, page: int) -> list[Candidate]:
    """Candidates from one laid-out page (`page` is 1-based, for warnings)."""
    return PageReader(lines, vocab, route, page).read()
