"""The parse itself, in-process: triage pages, then form fields, text layout, OCR.

1. pypdf opens the file and reads the AcroForm fields and each page's plain text (cheap).
2. The pages are triaged: the application's pages run from the first form page until a page
   that is clearly something else (a spec sheet, a diagram); image-only pages among them are
   queued for OCR. Nothing after the application is laid out or recognised.
3. A filled fillable form is read from its fields alone (fast path); pages whose filled
   fields have names that mean nothing ("Text7") are laid out with the values in place and
   read through their printed labels (`widgets`). Otherwise the application's text pages
   are laid out (pdfplumber) and read by position; image-only ones go through Tesseract
   and the same reading.
A cooperative deadline is checked between pages; the hard bounds live in `isolation`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pypdf import PdfReader

from parsers.acroform import read_form_fields
from parsers.assemble import choose_generator_type, choose_program, pick_values, ticked_statements
from parsers.classify import classify_page
from parsers.compose import Context, compose
from parsers.errors import check_deadline
from parsers.labels import Vocabulary
from parsers.pdfopen import decrypted_copy, open_reader, sniff
from parsers.result import DocumentType, Extraction, ParsedApplication
from parsers.scan import read_image_pages, read_text_pages
from parsers.settings import ParserSettings
from parsers.textlayer import has_text, head_text, label_hits, page_text
from parsers.vocab import Candidate, build_field_index
from parsers.widgets import overlay_pages
from parsers.wordlists import INVERTER_MAKERS

_FILLED_FORM = 4  # this many distinct keys from fields: a filled fillable form
_GATHERED = {"program", "generator.type"}
_MAX_UNKNOWN_RUN = 3  # unclassified pages tolerated inside an application (terms, notes)


@dataclass
class Triage:
    """Which pages hold the application, which of them are images, and the first page's kind."""

    first_kind: DocumentType = "unknown"
    text_pages: list[int] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)
    title: str = ""
    warnings: list[str] = field(default_factory=list)


def _check(deadline: float) -> None:
    check_deadline(deadline, time.monotonic())


def _triage(reader: PdfReader, vocab: Vocabulary, count: int, deadline: float) -> Triage:
    triage = Triage()
    started = False
    unknown_run = 0
    for index in range(count):
        _check(deadline)
        text = page_text(reader, index)
        if text is None:
            triage.warnings.append(f"page {index + 1} could not be read (damaged); skipped.")
            continue
        if not has_text(text):
            if index == 0 or started:
                triage.image_pages.append(index)
                started = True
            continue
        kind = classify_page(text, label_hits=label_hits(text, vocab.labels))
        if index == 0:
            triage.first_kind = kind
        if kind == "application":
            started, unknown_run = True, 0
            triage.text_pages.append(index)
            triage.title = triage.title or head_text(text)
        elif started and kind == "unknown" and unknown_run < _MAX_UNKNOWN_RUN:
            unknown_run += 1
            triage.text_pages.append(index)
        elif started:
            break
    return triage


def _extraction(routes: set[str], ocr_used: bool) -> Extraction:
    if len(routes) > 1:
        return "mixed"
    if routes:
        return routes.pop()  # type: ignore[return-value]
    # Nothing read: name the deepest route that was tried.
    return "ocr" if ocr_used else "text"


def parse_in_process(data: bytes, settings: ParserSettings) -> ParsedApplication:
    """Parse `data` in this process; see the module docstring for the order of the routes."""
    deadline = time.monotonic() + settings.timeout_s
    sniff(data, max_bytes=settings.max_bytes)
    reader = open_reader(data)
    if reader.is_encrypted:
        data = decrypted_copy(reader)
    vocab = Vocabulary.build(settings.label_synonyms, settings.section_headings,
                             settings.section_labels)
    pages = len(reader.pages)
    count = min(pages, settings.max_pages)
    warnings: list[str] = []
    if pages > count:
        warnings.append(f"only the first {count} of {pages} pages were looked at.")
    index = build_field_index(settings.field_synonyms, settings.label_synonyms,
                              settings.section_labels)
    try:
        candidates, unmapped = read_form_fields(reader, index)
    except Exception:  # noqa: BLE001 - a damaged AcroForm must not hide the text layer
        candidates, unmapped = [], set()
        warnings.append("the form fields could not be read (damaged form); used the page text.")
    try:
        overlays = overlay_pages(reader, count, unmapped) if unmapped else {}
    except Exception:  # noqa: BLE001 - damaged widgets: their values are warned about, not fatal
        overlays = {}
        warnings.append("some form fields could not be placed on their page (damaged form); "
                        "their values were not read.")
    triage = _triage(reader, vocab, count, deadline)
    warnings.extend(triage.warnings)
    named = {c.key for c in candidates}
    filled = len(named) >= _FILLED_FORM
    pages_read = sorted(set(overlays) | set([] if filled else triage.text_pages))
    if pages_read:
        read = read_text_pages(data, pages_read, vocab, deadline, warnings, overlays)
        # A field found by its name keeps that value; its printed label only adds the rest.
        # Program and energy source gather every ticked box, so those are all kept.
        candidates += [c for c in read if c.route != "form_fields" or c.key not in named
                       or c.key in _GATHERED]
    scanned = not filled and not overlays
    ocr = read_image_pages(data, triage, vocab, settings, deadline, warnings) if scanned else None
    if ocr is not None:
        candidates += ocr.candidates
        triage.first_kind = ocr.first_kind or triage.first_kind
        triage.title = triage.title or ocr.title
    return _result(candidates, triage, pages, warnings,
                   ocr_used=ocr is not None and ocr.pages_read > 0)


def _result(candidates: list[Candidate], triage: Triage, pages: int, warnings: list[str], *,
            ocr_used: bool) -> ParsedApplication:
    picked = pick_values([*candidates, *ticked_statements(candidates)])
    program, program_warnings = choose_program(candidates, triage.title)
    kind, kind_warnings = choose_generator_type(candidates)
    context = Context(
        document_type=triage.first_kind,
        program=program,
        generator_type=kind,
        pages=pages,
        extraction=_extraction(set(picked.routes), ocr_used),
        warnings=tuple(warnings + program_warnings + kind_warnings),
        makers=INVERTER_MAKERS,
    )
    return compose(picked, context)
