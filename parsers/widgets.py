"""Form-field values placed where they appear on the page, as if the form were flattened.

Many fillable forms name their fields "Text7" or "Check Box3" (Acrobat's defaults) or in a
house style no synonym table can foresee; their meaning is only in the printed label beside
each widget. Turning every widget's value into positioned words (text where a text field
shows it, a ticked or empty box where a checkbox is) and laying them out with the page's own
text lets the label reader, with its sections, columns and checkbox lists, read them as it
reads a flat form.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader

from parsers.layout import Word
from parsers.normalize import CHECKED, UNCHECKED

_PUSH_BUTTON = 1 << 16  # /Ff bit 17: a push button carries no value
_FONT_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s+Tf")
_CHAR_WIDTH = 0.5  # average Helvetica glyph width in ems, to place the words of a value


@dataclass
class PageWidgets:
    """One page's widget values as words, and the qualified names of the fields shown."""

    words: list[Word] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


def _inherited(annot: Any, key: str) -> Any:
    node, depth = annot, 0
    while node is not None and depth < 12:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1
    return None


def _qualified_name(annot: Any) -> str:
    parts: list[str] = []
    node, depth = annot, 0
    while node is not None and depth < 12:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1
    return ".".join(reversed(parts))


def _text_value(raw: Any) -> str:
    if isinstance(raw, list | tuple):
        return ", ".join(str(v) for v in raw)
    text = str(raw) if raw is not None else ""
    return "" if text.startswith("/") and text[1:] in {"Off", ""} else text.lstrip("/")


def _value_words(text: str, x0: float, top: float, bottom: float, size: float) -> list[Word]:
    """The value's words left-aligned in the box, vertically centred on one line."""
    middle = (top + bottom) / 2
    if bottom - top > 2.5 * size:  # a multi-line box: the text starts at its top
        middle = top + size
    words, x = [], x0 + 2
    for token in text.split():
        width = max(len(token), 1) * size * _CHAR_WIDTH
        words.append(Word(token, x, x + width, middle - size / 2, middle + size / 2))
        x += width + size * 0.28
    return words


def _box_word(annot: Any, x0: float, x1: float, top: float, bottom: float) -> Word:
    state = annot.get("/AS")
    if state is None:  # no appearance state: compare the field's value with its on-state
        value = _inherited(annot, "/V")
        ticked = value is not None and str(value) not in {"/Off", "Off", ""}
    else:
        ticked = str(state) not in {"/Off", "Off"}
    return Word(CHECKED if ticked else UNCHECKED, x0, x1, top, bottom)


def page_widgets(reader: PdfReader, index: int) -> PageWidgets:
    """The widgets of page `index` (0-based) as words in pdfplumber's coordinates."""
    page = reader.pages[index]
    found = PageWidgets()
    annots = page.get("/Annots")
    if annots is None:
        return found
    page_top = float(page.mediabox.top)
    for ref in annots.get_object():
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget" or "/Rect" not in annot:
            continue
        left, low, right, high = (float(v) for v in annot["/Rect"])
        x0, x1 = min(left, right), max(left, right)
        top, bottom = page_top - max(low, high), page_top - min(low, high)
        kind = _inherited(annot, "/FT")
        if kind == "/Btn":
            if int(_inherited(annot, "/Ff") or 0) & _PUSH_BUTTON:
                continue
            found.words.append(_box_word(annot, x0, x1, top, bottom))
        elif kind in {"/Tx", "/Ch"}:
            text = _text_value(_inherited(annot, "/V"))
            if not text.strip():
                continue
            match = _FONT_SIZE.search(str(_inherited(annot, "/DA") or ""))
            size = float(match.group(1)) if match else 0.0
            if not 4 <= size <= 24:
                size = min(max((bottom - top) * 0.6, 6.0), 14.0)
            found.words.extend(_value_words(text, x0, top, bottom, size))
        else:
            continue
        found.names.add(_qualified_name(annot))
    return found


def overlay_pages(reader: PdfReader, count: int, wanted: Collection[str]) -> dict[int, PageWidgets]:
    """Pages (0-based, among the first `count`) showing any of the fields named in `wanted`."""
    pages: dict[int, PageWidgets] = {}
    for index in range(count):
        widgets = page_widgets(reader, index)
        if widgets.names & set(wanted):
            pages[index] = widgets
    return pages
