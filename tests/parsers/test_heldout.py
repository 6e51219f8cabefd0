"""Field-level accuracy on the held-out layouts (forms the parser was not written against).

Every layout is parsed as drawn (fillable and/or flat) and two flat ones also as scans; each
of the 29 contract leaf fields of each document counts once. The per-field misses are
printed so that a failing run says what to fix. Run as a script for the report alone:
`.venv/bin/python tests/parsers/test_heldout.py`.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pdf_documents as docs
from heldout import FIELDS, Heldout, layouts, leaf

from parsers.pdf import ParserSettings, parse_application, to_contract_dict

BAR = 0.97
SCANNED = ("two_column_level1", "inline_runs")
IN_PROCESS = ParserSettings(isolate=False)


def documents() -> Iterator[tuple[str, Heldout, bytes]]:
    """(document name, layout, PDF bytes) for every variant that is measured."""
    for layout in layouts():
        if layout.fillable:
            yield f"{layout.name}/fillable", layout, layout.draw(True)
        if layout.flat:
            flat = layout.draw(False)
            yield f"{layout.name}/flat", layout, flat
            if layout.name in SCANNED:
                yield f"{layout.name}/scan", layout, docs.scan(flat, dpi=200)


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return abs(got - want) <= 1e-6 * max(1.0, abs(want))
    return bool(got == want) and type(got) is type(want)


def measure() -> tuple[int, int, Counter[str], list[str]]:
    """(fields right, fields counted, misses per field, one line per miss)."""
    right = total = 0
    misses: Counter[str] = Counter()
    lines: list[str] = []
    for name, layout, data in documents():
        result = to_contract_dict(parse_application(data, settings=IN_PROCESS))
        for path in FIELDS:
            got, want = leaf(result, path), layout.expected[path]
            total += 1
            if _same(got, want):
                right += 1
            else:
                misses[path] += 1
                lines.append(f"{name:<34} {path:<32} got {got!r}, want {want!r}")
    return right, total, misses, lines


def report() -> tuple[float, str]:
    """The accuracy and a printable report of it."""
    right, total, misses, lines = measure()
    accuracy = right / total
    documents_count = total // len(FIELDS)
    text = [f"held-out accuracy: {right}/{total} = {accuracy:.1%} over {documents_count} documents"]
    text += [f"  {path:<32} {documents_count - misses[path]:>3}/{documents_count}"
             for path in FIELDS if misses[path]]
    text += ["misses:", *lines]
    return accuracy, "\n".join(text)


def test_every_layout_states_every_field() -> None:
    for layout in layouts():
        assert set(layout.expected) == set(FIELDS), layout.name


def test_heldout_accuracy_meets_the_bar() -> None:
    accuracy, text = report()
    print(text)
    assert accuracy >= BAR, text


if __name__ == "__main__":
    print(report()[1])
