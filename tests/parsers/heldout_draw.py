"""Drawing primitives for the held-out layouts, independent of `pdf_factory`.

A `Sheet` draws one form either fillable (values live in AcroForm widgets, named as the
layout says or, like Acrobat's auto-naming, "Text7" / "Check Box3") or flat (values printed
in Courier, as a form filled on screen and then printed to PDF). Coordinates are reportlab
points from the bottom-left corner.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.colors import black, lightgrey, white
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = letter


class Sheet:
    """One form being drawn; `fillable` puts values into widgets instead of the page text."""

    def __init__(self, fillable: bool) -> None:
        self.out = io.BytesIO()
        self.canvas = Canvas(self.out, pagesize=letter, invariant=1)
        self.fillable = fillable
        self.counter = 0

    def _auto(self, prefix: str, name: str | None) -> str:
        self.counter += 1
        return name or f"{prefix}{self.counter}"

    def text(self, x: float, y: float, text: str, size: float = 9, bold: bool = False) -> None:
        """Printed text (labels, headings)."""
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.canvas.drawString(x, y, text)

    def para(self, x: float, y: float, text: str, width: float, size: float = 8.5) -> float:
        """A wrapped paragraph; returns the y below it."""
        self.canvas.setFont("Helvetica", size)
        line = ""
        for word in text.split():
            if self.canvas.stringWidth(f"{line} {word}", "Helvetica", size) > width:
                self.canvas.drawString(x, y, line)
                y, line = y - size * 1.35, word
            else:
                line = f"{line} {word}".strip()
        self.canvas.drawString(x, y, line)
        return y - size * 2

    def bar(self, y: float, text: str, x: float = 40, width: float = WIDTH - 80) -> None:
        """A shaded section bar with a heading in it."""
        self.canvas.setFillColor(lightgrey)
        self.canvas.rect(x, y - 4, width, 15, stroke=0, fill=1)
        self.canvas.setFillColor(black)
        self.text(x + 4, y, text, 9.5, bold=True)

    def value(self, x: float, y: float, width: float, value: str, name: str | None = None,
              size: float = 10) -> None:
        """A value on a line starting at (x, y): a widget when fillable, Courier text when flat."""
        field = self._auto("Text", name)
        if self.fillable:
            self.canvas.acroForm.textfield(
                name=field, value=value, x=x, y=y - 4, width=width, height=size + 6,
                fontSize=size, borderWidth=0, fillColor=white, textColor=black,
                fontName="Helvetica")
        elif value:
            self.canvas.setFont("Courier", size)
            self.canvas.drawString(x + 2, y, value)

    def underline(self, x: float, y: float, width: float) -> None:
        """The printed line a value is written on."""
        self.canvas.line(x, y - 3, x + width, y - 3)

    def box(self, x: float, y: float, width: float, height: float) -> None:
        """A cell border; (x, y) is its top-left corner."""
        self.canvas.rect(x, y - height, width, height, stroke=1, fill=0)

    def cell(self, x: float, y: float, width: float, label: str, value: str,
             name: str | None = None, height: float = 30) -> None:
        """A bordered cell with a small label at its top and the value below it."""
        self.box(x, y, width, height)
        self.text(x + 3, y - 9, label, 7)
        self.value(x + 4, y - 23, width - 8, value, name)

    def check(self, x: float, y: float, ticked: bool, name: str | None = None,
              size: float = 8, mark: str = "zapf") -> None:
        """A checkbox: a widget when fillable; printed, a drawn box with a tick glyph or an X."""
        field = self._auto("Check Box", name)
        if self.fillable:
            self.canvas.acroForm.checkbox(name=field, x=x, y=y - 1, size=size, checked=ticked,
                                          buttonStyle="check", borderWidth=1)
            return
        self.canvas.rect(x, y - 1, size, size, stroke=1, fill=0)
        if ticked and mark == "zapf":
            self.canvas.setFont("ZapfDingbats", size - 1)
            self.canvas.drawString(x + 1, y + 0.5, "4")
        elif ticked:
            self.canvas.setFont("Helvetica-Bold", size)
            self.canvas.drawString(x + 1.5, y + 0.5, "X")

    def options(self, x: float, y: float, options: Sequence[str], ticked: Sequence[str],
                names: Sequence[str | None] | None = None, size: float = 9) -> float:
        """A row of boxes, each followed by its option's text; returns the x after the last."""
        for number, option in enumerate(options):
            name = names[number] if names else None
            self.check(x, y, option in ticked, name)
            self.text(x + 12, y, option, size)
            x += 24 + self.canvas.stringWidth(option, "Helvetica", size)
        return x

    def radio(self, x: float, y: float, group: str, options: Sequence[str], chosen: str,
              size: float = 9) -> None:
        """A radio group, each button followed by its option's text (fillable only)."""
        for option in options:
            if self.fillable:
                self.canvas.acroForm.radio(name=group, value=option.replace(" ", ""),
                                           selected=option == chosen, x=x, y=y - 1, size=9,
                                           buttonStyle="circle", borderWidth=1)
            else:
                self.canvas.circle(x + 4.5, y + 3.5, 4.5)
                if option == chosen:  # a flattened radio button: a dingbat dot
                    self.canvas.setFont("ZapfDingbats", 7)
                    self.canvas.drawString(x + 1.5, y + 1, "l")
            self.text(x + 13, y, option, size)
            x += 26 + self.canvas.stringWidth(option, "Helvetica", size)

    def grid(self, x: float, y: float, widths: Sequence[float], header: Sequence[str],
             rows: Sequence[Sequence[str]], row_height: float = 16) -> float:
        """A bordered table whose cells hold values; returns the y below it."""
        for column, title in enumerate(header):
            left = x + sum(widths[:column])
            self.box(left, y, widths[column], row_height)
            self.text(left + 3, y - 11, title, 8, bold=True)
        y -= row_height
        for row in rows:
            for column, cell in enumerate(row):
                left = x + sum(widths[:column])
                self.box(left, y, widths[column], row_height)
                self.value(left + 2, y - 12, widths[column] - 4, cell, size=8.5)
            y -= row_height
        return y - 12

    def page(self) -> None:
        """End the current page."""
        self.canvas.showPage()

    def bytes(self) -> bytes:
        """The finished PDF."""
        self.canvas.save()
        return self.out.getvalue()
