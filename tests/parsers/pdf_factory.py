"""Application forms drawn with reportlab, fillable or flat, in three layouts.

The tests and the benchmark generate their PDFs here instead of checking binaries in. Each
layout is a list of pages of rows; a row is a heading, a paragraph, a labelled value, a
checkbox question or an inverter table. `render` draws the rows either as AcroForm fields
carrying the values (fillable) or as plain text (a form printed flat).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.colors import black, white
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = letter
TERMS = (
    "The customer-generator agrees to operate the facility in parallel with the utility's "
    "system only after written approval and a final inspection. The utility may disconnect "
    "the facility in an emergency. The customer shall maintain the facility in compliance "
    "with IEEE 1547 and the National Electrical Code, and shall notify the utility of any "
    "change to the inverter settings or to the nameplate rating of the facility."
)


@dataclass(frozen=True)
class Row:
    """One line of a form: kind is heading, para, field, check, table or title."""

    kind: str
    label: str = ""
    value: str = ""
    name: str = ""
    options: tuple[str, ...] = ()
    ticked: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    column: int = 0


@dataclass
class Layout:
    """A form: pages of rows, the x of labels and values per column, and the font size."""

    pages: list[list[Row]]
    label_x: Sequence[float] = (54,)
    value_x: Sequence[float] = (250,)
    size: float = 10
    labels_above: bool = False
    field_names: dict[str, str] = field(default_factory=dict)


def _tick(canvas: Canvas, x: float, y: float, size: float, ticked: bool, flat: bool) -> None:
    canvas.rect(x, y - 1, size, size, stroke=1, fill=0)
    if ticked and flat:
        canvas.setFont("ZapfDingbats", size - 1)
        canvas.drawString(x + 1, y + 0.5, "4")


class _Writer:
    def __init__(self, canvas: Canvas, layout: Layout, fillable: bool) -> None:
        self.canvas = canvas
        self.layout = layout
        self.fillable = fillable
        self.y = [HEIGHT - 60.0] * len(layout.label_x)

    def _font(self, bold: bool = False, size: float | None = None) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size or self.layout.size)

    def row(self, row: Row) -> None:
        col = row.column
        x, vx, size = self.layout.label_x[col], self.layout.value_x[col], self.layout.size
        if row.kind == "title":
            self._font(True, 15)
            self.canvas.drawString(54, self.y[col], row.label)
            self.y = [y - 30 for y in self.y]
            return
        if row.kind == "heading":
            self._font(True, size + 1)
            self.canvas.drawString(x, self.y[col], row.label)
            self.y[col] -= size * 2
            return
        if row.kind == "para":
            self._paragraph(row.label, x)
            return
        if row.kind == "table":
            self._table(row, x)
            return
        if row.kind == "check":
            self._check(row, x, vx)
            return
        self._field(row, x, vx)

    def _paragraph(self, text: str, x: float) -> None:
        self._font(size=9)
        words, line = text.split(), ""
        for word in words:
            if self.canvas.stringWidth(f"{line} {word}", "Helvetica", 9) > WIDTH - 2 * x:
                self.canvas.drawString(x, self.y[0], line)
                self.y = [y - 12 for y in self.y]
                line = word
            else:
                line = f"{line} {word}".strip()
        self.canvas.drawString(x, self.y[0], line)
        self.y = [y - 22 for y in self.y]

    def _field(self, row: Row, x: float, vx: float) -> None:
        col, size = row.column, self.layout.size
        self._font()
        label = row.label if self.layout.labels_above else f"{row.label}:"
        self.canvas.drawString(x, self.y[col], label)
        if self.layout.labels_above:
            vx, self.y[col] = x + 4, self.y[col] - size * 1.5
        else:
            vx = max(vx, x + self.canvas.stringWidth(label, "Helvetica", size) + 12)
        width = (self.layout.label_x[col + 1] if col + 1 < len(self.layout.label_x)
                 else WIDTH - 40) - vx - 10
        if self.fillable:
            name = self.layout.field_names.get(row.name, row.name)
            self.canvas.acroForm.textfield(
                name=name, value=row.value, x=vx, y=self.y[col] - 4, width=width,
                height=size + 6, fontSize=size, borderWidth=0, fillColor=white,
                textColor=black, fontName="Helvetica",
            )
        elif row.value:
            self.canvas.drawString(vx, self.y[col], row.value)
        self.y[col] -= size * (2.2 if self.layout.labels_above else 1.9)

    def _check(self, row: Row, x: float, vx: float) -> None:
        col, size = row.column, self.layout.size
        self._font()
        self.canvas.drawString(x, self.y[col], f"{row.label}:")
        cursor = vx
        for option in row.options:
            ticked = option in row.ticked
            if self.fillable:
                self.canvas.acroForm.checkbox(
                    name=f"{row.name}_{option.replace(' ', '')}", x=cursor, y=self.y[col] - 2,
                    size=size + 1, checked=ticked, buttonStyle="check", borderWidth=1,
                )
            else:
                _tick(self.canvas, cursor, self.y[col], size, ticked, flat=True)
            self._font()
            self.canvas.drawString(cursor + size + 4, self.y[col], option)
            cursor += size + 14 + self.canvas.stringWidth(option, "Helvetica", size)
        self.y[col] -= size * 1.9

    def _table(self, row: Row, x: float) -> None:
        columns = [x, x + 130, x + 290, x + 360]
        self._font(True)
        for cx, head in zip(columns, row.options, strict=False):
            self.canvas.drawString(cx, self.y[0], head)
        self.y = [y - 16 for y in self.y]
        self._font()
        for cells in row.rows:
            for cx, cell in zip(columns, cells, strict=False):
                self.canvas.drawString(cx, self.y[0], cell)
            self.y = [y - 14 for y in self.y]
        self.y = [y - 10 for y in self.y]


def render(layout: Layout, *, fillable: bool, compress: bool = True) -> bytes:
    """The layout as PDF bytes; values in AcroForm fields if `fillable`, else as text.

    `compress=False` leaves content streams readable, for mutation by the fuzz tests.
    """
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=1, pageCompression=1 if compress else 0)
    for number, page in enumerate(layout.pages):
        writer = _Writer(canvas, layout, fillable)
        for row in page:
            writer.row(row)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(54, 30, f"Page {number + 1} of {len(layout.pages)}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
