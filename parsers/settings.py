"""Tunable bounds and vocabularies of the PDF parser.

Everything an operator may want to change without touching code lives here: the time and
memory bound that keeps one hostile file from stalling intake, the OCR budget, and the
synonym tables that map a form's field names and printed labels onto the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from parsers.synonyms import FIELD_SYNONYMS, LABEL_SYNONYMS, SECTION_HEADINGS, SECTION_LABELS

Synonyms = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class ParserSettings:
    """Bounds and vocabularies for one parse.

    timeout_s: wall-clock seconds for the whole document, OCR included.
    memory_mb: address-space limit, in MiB, of the worker process that parses the file.
    isolate: parse in a forked worker so the two bounds above can be enforced; False runs
        in-process (faster to debug, but only the cooperative deadline applies).
    max_bytes: files larger than this are refused before parsing.
    max_pages: pages beyond this are not looked at (a warning says so).
    ocr: whether image-only pages go through Tesseract at all.
    ocr_dpi: rendering resolution, in dots per inch, of pages sent to Tesseract.
    ocr_max_pages: at most this many image-only pages are recognised per document.
    tesseract_cmd: the Tesseract executable (name on PATH or absolute path).
    field_synonyms: contract key -> AcroForm field names that carry it.
    label_synonyms: contract key -> printed labels that introduce it.
    section_headings / section_labels: headings that set the context of generic labels
        such as "Phone", and what those labels mean inside each section.
    """

    timeout_s: float = 60.0
    memory_mb: int = 1536
    isolate: bool = True
    max_bytes: int = 64 * 1024 * 1024
    max_pages: int = 300
    ocr: bool = True
    ocr_dpi: int = 300
    ocr_max_pages: int = 6
    tesseract_cmd: str = "tesseract"
    field_synonyms: Synonyms = field(default_factory=lambda: FIELD_SYNONYMS)
    label_synonyms: Synonyms = field(default_factory=lambda: LABEL_SYNONYMS)
    section_headings: Synonyms = field(default_factory=lambda: SECTION_HEADINGS)
    section_labels: Mapping[str, Synonyms] = field(default_factory=lambda: SECTION_LABELS)


def merge_synonyms(base: Synonyms, extra: Synonyms) -> dict[str, tuple[str, ...]]:
    """Return `base` with the names in `extra` added to each key.

    Why: a utility that adds one odd field name should not have to copy the whole table.
    """
    merged = {key: tuple(names) for key, names in base.items()}
    for key, names in extra.items():
        merged[key] = merged.get(key, ()) + tuple(names)
    return merged
