"""Session-wide PDFs for the parser tests, generated once into memory (none checked in)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pdf_documents as docs
import pytest
import samples
from pdf_factory import render

from parsers.pdf import ParserSettings

GOLDEN = Path(__file__).parent / "golden"
IN_PROCESS = ParserSettings(isolate=False)


def golden(name: str) -> dict[str, Any]:
    """The checked-in expected contract JSON for fixture `name`."""
    loaded: dict[str, Any] = json.loads((GOLDEN / f"{name}.json").read_text())
    return loaded


@pytest.fixture(scope="session")
def pdfs() -> dict[str, bytes]:
    """Every text-layer fixture by name (cheap: a few milliseconds each)."""
    flat = render(samples.net_metering_form(), fillable=False)
    boxed = render(samples.boxed_form(), fillable=False)
    return {
        "net_metering_fillable": render(samples.net_metering_form(), fillable=True),
        "net_metering_flat": flat,
        "small_generator_flat": render(samples.small_generator_form(), fillable=False),
        "boxed_flat": boxed,
        "one_line_diagram": docs.one_line_diagram(),
        "site_plan": docs.site_plan(),
        "spec_sheet": docs.spec_sheet(2),
        "certificate_of_completion": docs.certificate_of_completion(),
        "packet": docs.join(boxed, docs.one_line_diagram(), docs.site_plan(), docs.spec_sheet(6)),
        "owner_password": docs.encrypted(flat, user_password=""),
        "user_password": docs.encrypted(flat, user_password="sunshine"),
    }


@pytest.fixture(scope="session")
def scans(pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """Scanned fixtures (pdftoppm + JPEG re-wrap); poppler and Tesseract are required."""
    if shutil.which("pdftoppm") is None or shutil.which("tesseract") is None:
        pytest.fail("pdftoppm and tesseract must be installed (scripts/setup-system.sh)")
    return {
        "net_metering_scan": docs.scan(pdfs["net_metering_flat"], dpi=150),
        "boxed_scan_sideways": docs.scan(pdfs["boxed_flat"], dpi=200, rotate=90),
    }
