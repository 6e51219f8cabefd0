"""Reading pages' text: the cheap pypdf text for triage, pdfplumber words for layout.

pypdf's plain text costs a few milliseconds a page and is enough to tell what a page is and
whether it has a text layer; pdfplumber's positioned words cost tens of milliseconds a page,
so only the pages of the application itself are laid out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pdfplumber
from pdfplumber.pdf import PDF
from pypdf import PdfReader

from parsers.layout import Line, Word, build_lines
from parsers.normalize import CHECKED, label_key
from parsers.vocab import DROPPED, LabelIndex

_MIN_TEXT = 12  # fewer visible characters than this: the page is an image (or blank)


def page_text(reader: PdfReader, index: int) -> str | None:
    """pypdf's plain text of page `index` (0-based); None when the page cannot be read."""
    try:
        return reader.pages[index].extract_text() or ""
    except Exception:  # noqa: BLE001 - damaged content streams raise arbitrary errors
        return None


def has_text(text: str | None) -> bool:
    """Whether a page's text layer holds real text (a scan has none, or a few stray marks)."""
    return text is not None and sum(1 for c in text if not c.isspace()) >= _MIN_TEXT


def label_hits(text: str, labels: LabelIndex) -> int:
    """How many different contract labels start a line of `text`: the mark of a form page."""
    keys = set()
    for line in text.splitlines():
        match = labels.match_prefix(label_key(line).split())
        if match is not None and match[0] not in DROPPED:
            keys.add(match[0])
    return len(keys)


def head_text(text: str, lines: int = 6) -> str:
    """The first non-empty lines of a page: where a form's title is."""
    return "\n".join([line for line in text.splitlines() if line.strip()][:lines])


@contextmanager
def plumber(data: bytes) -> Iterator[PDF]:
    """pdfplumber's view of the same bytes, closed on exit."""
    document = pdfplumber.open(io.BytesIO(data))
    try:
        yield document
    finally:
        document.close()


def _word(raw: dict[str, object]) -> Word:
    text = str(raw["text"])
    # A flattened checkbox is a ZapfDingbats glyph (a tick or a cross) drawn only when ticked.
    if "dingbat" in str(raw.get("fontname", "")).lower():
        text = CHECKED
    return Word(text, float(raw["x0"]), float(raw["x1"]), float(raw["top"]),  # type: ignore[arg-type]
                float(raw["bottom"]))  # type: ignore[arg-type]


def layout_lines(document: PDF, index: int, extra: Sequence[Word] = ()) -> Sequence[Line]:
    """Page `index` (0-based) as lines of segments, in points from the top-left corner.

    `extra` words (form-field values placed on the page) are laid out with the page's own.
    """
    page = document.pages[index]
    try:
        raw_words = page.extract_words(x_tolerance=1.5, y_tolerance=2.5,
                                       extra_attrs=["fontname"])
    finally:
        page.close()
    return build_lines([*(_word(raw) for raw in raw_words), *extra])
