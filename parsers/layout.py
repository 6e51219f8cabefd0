"""Words on a page grouped into lines and segments, whatever produced them.

The text layer (pdfplumber) and OCR (Tesseract) both yield positioned words; both become
the same `Line`s of `Segment`s so that one label logic serves both routes. Coordinates are
PDF points (1/72 inch) from the top-left corner of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True, slots=True)
class Word:
    """One word and its box, in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        """Box height in points (about the font size)."""
        return max(self.bottom - self.top, 1.0)


@dataclass(frozen=True, slots=True)
class Segment:
    """Words on one line with no wide gap between them: a label, a value, or both."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The words joined by single spaces."""
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        """Left edge in points."""
        return self.words[0].x0

    @property
    def x1(self) -> float:
        """Right edge in points."""
        return self.words[-1].x1


@dataclass(frozen=True, slots=True)
class Line:
    """Segments sharing a baseline, left to right; `height` is the tallest word in points."""

    segments: tuple[Segment, ...]
    top: float
    bottom: float
    height: float

    @property
    def text(self) -> str:
        """All segments joined, wide gaps shown as three spaces."""
        return "   ".join(s.text for s in self.segments)


def _split_segments(words: Sequence[Word], gap_factor: float, char_gap: float
                    ) -> tuple[Segment, ...]:
    height = max(w.height for w in words)
    segments: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        before = segments[-1][-1]
        widest = gap_factor * height
        if char_gap:  # measured on the two neighbours: a line may mix fonts
            pitch = (before.x1 - before.x0 + word.x1 - word.x0) / (len(before.text) + len(word.text))
            widest = max(widest, char_gap * pitch)
        if word.x0 - before.x1 > widest:
            segments.append([word])
        else:
            segments[-1].append(word)
    return tuple(Segment(tuple(group)) for group in segments)


def build_lines(words: Iterable[Word], *, gap_factor: float = 0.8,
                char_gap: float = 0.0) -> list[Line]:
    """Group words into lines (by vertical centre) and lines into segments (by gaps).

    A gap wider than `gap_factor` times the line's height separates two segments: about
    three spaces, so "Name: Marcus Bell" stays one segment while a label and the value in a
    box to its right, or two columns, come apart. With `char_gap`, a gap must also be wider
    than that many average character widths of the words either side: OCR boxes are only as tall as the
    glyphs, and a typewriter font's space is wide.
    """
    ordered = sorted((w for w in words if w.text.strip()), key=lambda w: (w.top + w.bottom) / 2)
    groups: list[list[Word]] = []
    for word in ordered:
        middle = (word.top + word.bottom) / 2
        if groups:
            last = groups[-1]
            last_middle = median((w.top + w.bottom) / 2 for w in last)
            tolerance = 0.5 * max(median(w.height for w in last), word.height)
            if abs(middle - last_middle) <= tolerance:
                last.append(word)
                continue
        groups.append([word])
    lines = []
    for group in groups:
        group.sort(key=lambda w: w.x0)
        lines.append(
            Line(
                segments=_split_segments(group, gap_factor, char_gap),
                top=min(w.top for w in group),
                bottom=max(w.bottom for w in group),
                height=max(w.height for w in group),
            )
        )
    return lines
