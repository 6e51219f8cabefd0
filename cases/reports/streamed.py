"""A one-table workbook for 100,000 rows within seconds.

openpyxl (without lxml, as here) writes about 40,000 cells a second: the queue export's two
million cells would take most of a minute. So openpyxl still builds the workbook (styles, the
Excel table, frozen panes, widths) around the header row, and only the rows are written as
SpreadsheetML here, straight into the sheet's `<sheetData>`, with the styles openpyxl made.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from cases.reports.xlsx import (
    NUMBER_FORMATS,
    Column,
    add_table,
    get_column_letter,
    new_workbook,
    set_widths,
    style_header,
)

_SHEET_PART = "xl/worksheets/sheet1.xml"
_SHEET_DATA = re.compile(r"<sheetData>.*</sheetData>|<sheetData\s*/>", re.DOTALL)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
# Characters XML 1.0 forbids; a pasted e-mail can carry them and would make the file unreadable.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_ROWS_PER_WRITE = 2000

Cell = Callable[[str, object], str]


def _text_cell(style: int) -> Cell:
    def cell(ref: str, value: object) -> str:
        text = value if isinstance(value, str) else str(value)
        # Most text is plain: the cheap C-level tests skip the regex and the escaping.
        if not text.isprintable():
            text = _ILLEGAL.sub("", text)
        if "&" in text or "<" in text or ">" in text:
            text = escape(text)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    return cell


def _number_cell(style: int) -> Cell:
    def cell(ref: str, value: object) -> str:
        number = value if isinstance(value, int | float | Decimal) else float(str(value))
        return f'<c r="{ref}" s="{style}"><v>{number}</v></c>'
    return cell


def _date_cell(style: int, zone: ZoneInfo | None) -> Cell:
    def cell(ref: str, value: object) -> str:
        if isinstance(value, datetime):
            local = value.astimezone(zone) if zone is not None and value.tzinfo else value
            day = local.date().toordinal() - _EXCEL_EPOCH
            seconds = local.hour * 3600 + local.minute * 60 + local.second
            return f'<c r="{ref}" s="{style}"><v>{day + seconds / 86400}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{style}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
        return _text_cell(0)(ref, value)
    return cell


def _cells(sheet: Any, columns: Sequence[Column], zone: ZoneInfo | None) -> list[Cell]:
    """One writer per column, using the style ids openpyxl gives a cell of that kind in row 2."""
    writers: list[Cell] = []
    for index, column in enumerate(columns, start=1):
        probe = sheet.cell(row=2, column=index)
        if column.kind == "text":
            writers.append(_text_cell(0))
            continue
        probe.number_format = NUMBER_FORMATS[column.kind]
        style = int(probe.style_id)
        writers.append(_date_cell(style, zone) if column.kind == "date" else _number_cell(style))
    return writers


def _rows_xml(columns: Sequence[Column], header_styles: Sequence[int], writers: Sequence[Cell],
              rows: Sequence[Sequence[object]]) -> Iterator[str]:
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    yield '<row r="1">' + "".join(
        _text_cell(style)(f"{letter}1", column.header)
        for letter, style, column in zip(letters, header_styles, columns, strict=True)) + "</row>"
    chunk: list[str] = []
    for number, row in enumerate(rows, start=2):
        cells = [writer(f"{letter}{number}", value)
                 for letter, writer, value in zip(letters, writers, row, strict=True) if value is not None]
        chunk.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(chunk) == _ROWS_PER_WRITE:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def streamed_table_workbook(
    title: str, table_name: str, columns: Sequence[Column], rows: Sequence[Sequence[object]],
    *, zone: ZoneInfo | None = None, freeze: str = "B2",
) -> bytes:
    """An .xlsx with one sheet that is one Excel table of `rows` (values in `columns` order;
    None leaves a cell empty; aware times are shown in `zone`)."""
    workbook = new_workbook()
    sheet = workbook.create_sheet(title)
    sheet.append([column.header for column in columns])
    style_header(sheet, columns)
    header_styles = [int(sheet.cell(row=1, column=i).style_id) for i in range(1, len(columns) + 1)]
    writers = _cells(sheet, columns, zone)
    set_widths(sheet, columns)
    add_table(sheet, table_name, columns, 1, len(rows))
    sheet.freeze_panes = freeze
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _splice(buffer.getvalue(), _rows_xml(columns, header_styles, writers, rows),
                   f"A1:{get_column_letter(len(columns))}{len(rows) + 1}")


def _splice(template: bytes, rows_xml: Iterator[str], dimension: str) -> bytes:
    """The template workbook with the sheet's rows replaced by `rows_xml`."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename != _SHEET_PART:
                target.writestr(info, source.read(info))
                continue
            sheet_xml = _DIMENSION.sub(f'<dimension ref="{dimension}"/>', source.read(info).decode("utf-8"))
            found = _SHEET_DATA.search(sheet_xml)
            if found is None:
                raise RuntimeError("openpyxl wrote a worksheet without <sheetData>")
            # Level 1 (the archive's): the sheet is ~100 MB of repetitive XML, and higher levels
            # cost seconds for a few percent of size.
            with target.open(_SHEET_PART, "w") as part, \
                    io.TextIOWrapper(part, encoding="utf-8") as text:
                text.write(sheet_xml[:found.start()] + "<sheetData>")
                for piece in rows_xml:
                    text.write(piece)
                text.write("</sheetData>" + sheet_xml[found.end():])
    return output.getvalue()
