"""Public API of the PDF parser: `parse_application(bytes) -> ParsedApplication`.

Pure: bytes in, a frozen result out, no I/O besides the worker process and Tesseract.
Intake calls `parse_application`; the CLI and tests turn the result into the contract's
JSON with `to_contract_dict`.
"""

from __future__ import annotations

from parsers.errors import UnreadablePdf
from parsers.isolation import parse_isolated
from parsers.pipeline import parse_in_process
from parsers.result import ParsedApplication, to_contract_dict
from parsers.settings import ParserSettings, merge_synonyms

__all__ = [
    "ParsedApplication",
    "ParserSettings",
    "UnreadablePdf",
    "merge_synonyms",
    "parse_application",
    "to_contract_dict",
]

DEFAULT_SETTINGS = ParserSettings()


def parse_application(data: bytes, *, settings: ParserSettings | None = None) -> ParsedApplication:
    """Parse one emailed PDF into the contract's structure.

    Why this order: form fields are exact, the text layer is next best, OCR is slow and
    approximate, so each route runs only when the one before it found nothing to read.
    Bounded by `settings.timeout_s` (seconds) and `settings.memory_mb` (MiB) when
    `settings.isolate` is on (the default). Raises UnreadablePdf, and only that, for a file
    that cannot be read; its `.reason` is one line to pass on to the sender.
    """
    chosen = settings or DEFAULT_SETTINGS
    if chosen.isolate:
        return parse_isolated(data, chosen)
    return parse_in_process(data, chosen)
