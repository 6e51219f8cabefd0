"""Route 3: pages without a text layer, read by Tesseract.

The page is rendered in-process (pdfium, grayscale) and piped to the `tesseract` program as a
PGM image; its TSV output gives word boxes, which are scaled to points so the same layout and
label logic as the text layer applies. Tesseract runs with OMP_THREAD_LIMIT=1 (it is several
times slower with threads on two cores) and page segmentation mode 6, which keeps the
reading order of a form.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from parsers.layout import Word

_GOOD_WORDS = 12  # fewer confident words than this suggests a rotated page


@dataclass(frozen=True)
class OcrPage:
    """Recognised words (in points) of one page, and the rotation applied, in degrees."""

    words: tuple[Word, ...]
    rotation: int


class OcrUnavailable(Exception):
    """Tesseract is missing or failed; the caller warns and carries on without OCR."""


def _render(document: pdfium.PdfDocument, index: int, dpi: int, rotation: int) -> bytes:
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, rotation=rotation, grayscale=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = bytes(bitmap.buffer)
    finally:
        page.close()
    if stride != width:
        buffer = b"".join(buffer[row * stride : row * stride + width] for row in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + buffer


def _tesseract(image: bytes, args: list[str], command: str, timeout: float) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [command, "stdin", "stdout", *args],
            input=image, capture_output=True, timeout=max(timeout, 0.1), env=env, check=False,
        )
    except FileNotFoundError as exc:
        raise OcrUnavailable(f"Tesseract ({command}) is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrUnavailable("Tesseract did not finish in time") from exc
    if done.returncode != 0:
        raise OcrUnavailable(f"Tesseract failed: {done.stderr.decode(errors='replace')[:120]}")
    return done.stdout.decode("utf-8", errors="replace")


def _words(tsv: str, dpi: int) -> list[tuple[Word, float]]:
    scale = 72 / dpi
    found = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip():
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        word = Word(cells[11].strip(), left * scale, (left + width) * scale, top * scale,
                    (top + height) * scale)
        found.append((word, float(cells[10])))
    return found


def _confident(words: list[tuple[Word, float]]) -> int:
    return sum(1 for w, conf in words if conf >= 60 and re.fullmatch(r"[A-Za-z]{3,}", w.text))


def _osd_rotation(image: bytes, command: str, timeout: float) -> int:
    try:
        report = _tesseract(image, ["--psm", "0"], command, timeout)
    except OcrUnavailable:
        return 0
    match = re.search(r"Rotate:\s*(\d+)", report)
    return int(match.group(1)) % 360 if match else 0


def ocr_page(data: bytes, index: int, *, dpi: int, command: str, timeout: float) -> OcrPage:
    """Recognise page `index` (0-based) of the PDF; `timeout` is in seconds for this page.

    A page that yields almost no confident words is tried once more after orientation
    detection, for scans fed into the scanner sideways or upside down.
    """
    document = pdfium.PdfDocument(data)
    try:
        image = _render(document, index, dpi, 0)
        words = _words(_tesseract(image, ["--psm", "6", "tsv"], command, timeout), dpi)
        rotation = 0
        if _confident(words) < _GOOD_WORDS:
            rotation = _osd_rotation(image, command, timeout)
            if rotation:
                image = _render(document, index, dpi, rotation)
                turned = _words(_tesseract(image, ["--psm", "6", "tsv"], command, timeout), dpi)
                if _confident(turned) > _confident(words):
                    words = turned
                else:
                    rotation = 0
    finally:
        document.close()
    return OcrPage(tuple(w for w, _ in words), rotation)
