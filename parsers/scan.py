"""Reading the application's pages by position: laid-out text pages and OCR'd image pages.

Both routes end in the same `page_candidates`: inverter tables first (their lines are then
left out), then labels and values by position.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parsers.classify import classify_page
from parsers.errors import UnreadablePdf, check_deadline
from parsers.labels import Vocabulary, find_hits, not_a_row
from parsers.layout import Line, build_lines
from parsers.ocr import OcrUnavailable, ocr_page
from parsers.positional import read_page
from parsers.result import DocumentType
from parsers.settings import ParserSettings
from parsers.tables import read_tables
from parsers.textlayer import layout_lines, plumber
from parsers.vocab import DROPPED, Candidate, Route
from parsers.widgets import PageWidgets

# Tesseract's word boxes are as tall as the glyphs, not the font size, so the space between
# the words of one typed value can measure wider than 0.8 heights; in character widths it
# stays below one and a half.
_OCR_CHAR_GAP = 1.6

if TYPE_CHECKING:
    from parsers.pipeline import Triage


def page_candidates(lines: Sequence[Line], vocab: Vocabulary, route: Route, page: int
                    ) -> list[Candidate]:
    """Candidates of one laid-out page (`page` 1-based): tables, then labels by position."""
    found, used = read_tables(lines, route, page, lambda line: not_a_row(line, vocab))
    rest = [line for number, line in enumerate(lines) if number not in used]
    return found + read_page(rest, vocab, route, page)


def read_text_pages(data: bytes, pages: Sequence[int], vocab: Vocabulary, deadline: float,
                    warnings: list[str], overlays: Mapping[int, PageWidgets] | None = None
                    ) -> list[Candidate]:
    """Lay out the given pages (0-based) with pdfplumber and read them by position.

    A page in `overlays` is laid out with its form-field values in place, and what is read
    there counts as read from the form fields.
    """
    overlays = overlays or {}
    found: list[Candidate] = []
    try:
        with plumber(data) as document:
            for index in pages:
                check_deadline(deadline, time.monotonic())
                try:
                    widgets = overlays.get(index)
                    lines = layout_lines(document, index, widgets.words if widgets else ())
                except Exception:  # noqa: BLE001 - one damaged page must not sink the rest
                    warnings.append(f"page {index + 1} could not be laid out (damaged); skipped.")
                    continue
                route: Route = "form_fields" if index in overlays else "text"
                found += page_candidates(lines, vocab, route, index + 1)
    except UnreadablePdf:
        raise
    except Exception:  # noqa: BLE001 - pdfminer may reject what pypdf accepted
        warnings.append("the text layer could not be read (damaged file); values may be missing.")
    return found


@dataclass
class OcrOutcome:
    """What OCR produced: candidates, the first page's kind if it was an image, its title."""

    candidates: list[Candidate] = field(default_factory=list)
    first_kind: DocumentType | None = None
    title: str = ""
    pages_read: int = 0


def _kind(lines: Sequence[Line], vocab: Vocabulary) -> DocumentType:
    text = "\n".join(line.text for line in lines)
    hits = {h.key for line in lines[:80] for h in find_hits(line.segments[0], [vocab.labels])}
    return classify_page(text, label_hits=len(hits - DROPPED))


def read_image_pages(data: bytes, triage: Triage, vocab: Vocabulary, settings: ParserSettings,
                     deadline: float, warnings: list[str]) -> OcrOutcome | None:
    """OCR the application's image-only pages, up to `settings.ocr_max_pages` of them."""
    pages = triage.image_pages
    if not pages:
        return None
    if not settings.ocr:
        warnings.append(f"{_pages(pages)} without a text layer not read (OCR is off).")
        return None
    outcome = OcrOutcome()
    for number, index in enumerate(pages):
        if number >= settings.ocr_max_pages:
            warnings.append(f"{_pages(pages[number:])} not read (OCR limit of "
                            f"{settings.ocr_max_pages} pages).")
            break
        check_deadline(deadline, time.monotonic())
        try:
            page = ocr_page(data, index, dpi=settings.ocr_dpi, command=settings.tesseract_cmd,
                            timeout=deadline - time.monotonic())
        except OcrUnavailable as exc:
            warnings.append(f"page {index + 1} is an image and could not be recognised ({exc}).")
            continue
        except Exception:  # noqa: BLE001 - pdfium may fail on a page pypdf accepted
            warnings.append(f"page {index + 1} could not be rendered for OCR (damaged); skipped.")
            continue
        outcome.pages_read += 1
        lines = build_lines(page.words, char_gap=_OCR_CHAR_GAP)
        kind = _kind(lines, vocab)
        if index == 0:
            outcome.first_kind = kind
            outcome.title = "\n".join(line.text for line in lines[:6])
        elif kind not in {"application", "unknown"}:
            break
        outcome.candidates += page_candidates(lines, vocab, "ocr", index + 1)
    return outcome


def _pages(pages: Sequence[int]) -> str:
    if len(pages) == 1:
        return f"page {pages[0] + 1}"
    return f"pages {pages[0] + 1}–{pages[-1] + 1}"
