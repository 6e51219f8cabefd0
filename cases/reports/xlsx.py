"""Excel workbooks with openpyxl: sheets that are real Excel tables (header row with filter
buttons, frozen panes, dates as dates, sensible widths) and the cover sheet of a filing.

openpyxl is imported inside the functions: the `icdesk` command line imports this module for
every command, and most of them never write a workbook.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its header, width in characters and kind of value.

    Kinds: text, int, number (kW, days), money (US dollars), date.
    """

    header: str
    width: float
    kind: str = "text"


NUMBER_FORMATS = {
    "text": "General",
    "int": "0",
    "number": "#,##0.0##",
    "money": '"$"#,##0.00',
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}

_HEADER_FILL = "1F4E78"


def get_column_letter(index: int) -> str:
    """The letters of column `index` (1 is A, 27 is AA), as Excel names them."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def new_workbook() -> Any:
    """An empty workbook (its default sheet removed, so sheets come in the order added)."""
    from openpyxl import Workbook  # noqa: PLC0415 - see the module docstring

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def cell_value(value: object, zone: ZoneInfo | None = None) -> object:
    """A value Excel can hold: aware times become Pacific wall-clock times (Excel has no zones),
    Decimals become floats, tuples become "; "-joined text."""
    if isinstance(value, datetime):
        local = value.astimezone(zone) if zone is not None and value.tzinfo else value
        return local.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple | list):
        return "; ".join(str(item) for item in value)
    return value


def style_header(sheet: Any, columns: Sequence[Column], row: int = 1) -> None:
    """Bold white on dark blue, so the header reads as one even when filters are off."""
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415 - see the module docstring

    for index in range(1, len(columns) + 1):
        cell = sheet.cell(row=row, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def add_table(sheet: Any, name: str, columns: Sequence[Column], first_row: int, rows: int) -> None:
    """Make the block starting at `first_row` (the header) an Excel table named `name`.

    An empty table still spans one blank row: Excel repairs a table that is only a header.
    """
    from openpyxl.worksheet.filters import AutoFilter  # noqa: PLC0415 - see the module docstring
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo  # noqa: PLC0415

    headers = [column.header for column in columns]
    if len(set(headers)) != len(headers):
        # Excel "repairs" a table with two columns of one name by dropping the table.
        raise ValueError(f"table {name} has repeated column headers: {headers}")
    last = get_column_letter(len(columns))
    table = Table(displayName=name, ref=f"A{first_row}:{last}{first_row + max(rows, 1)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    # Named here: left to itself, openpyxl reads `sheet[table.ref]` on save to name them, which
    # creates every cell of the range (seconds for a streamed sheet of 100,000 rows).
    table.tableColumns = [TableColumn(id=index, name=header) for index, header in enumerate(headers, start=1)]
    table.autoFilter = AutoFilter(ref=table.ref)
    sheet.add_table(table)


def set_widths(sheet: Any, columns: Sequence[Column]) -> None:
    """Column widths in characters, chosen per column so dates and numbers are never ####."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def table_sheet(
    workbook: Any, title: str, table_name: str, columns: Sequence[Column],
    rows: Iterable[Sequence[object]], *, zone: ZoneInfo | None = None, freeze: str = "B2",
) -> Any:
    """A sheet that is one Excel table: header in row 1, data below, panes frozen at `freeze`."""
    sheet = workbook.create_sheet(title)
    sheet.append([column.header for column in columns])
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.append([cell_value(value, zone) for value in row])
        for index, column in enumerate(columns, start=1):
            if column.kind != "text":
                sheet.cell(row=count + 1, column=index).number_format = NUMBER_FORMATS[column.kind]
    style_header(sheet, columns)
    set_widths(sheet, columns)
    add_table(sheet, table_name, columns, 1, count)
    sheet.freeze_panes = freeze
    return sheet


def cover_sheet(workbook: Any, title: str, lines: Sequence[tuple[str, object]], notes: Sequence[str]) -> Any:
    """The first sheet of a filing: what it is, under which rule, for which period, when made.

    `lines` are label/value pairs (dates stay dates); `notes` are sentences below them.
    """
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415 - see the module docstring

    sheet = workbook.create_sheet("Cover", 0)
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    for offset, (label, value) in enumerate(lines, start=3):
        sheet.cell(row=offset, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=offset, column=2, value=cell_value(value))
        if isinstance(value, datetime):
            cell.number_format = NUMBER_FORMATS["datetime"]
        elif isinstance(value, date):
            cell.number_format = NUMBER_FORMATS["date"]
        cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
    row = len(lines) + 4
    for note in notes:
        sheet.cell(row=row, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = 15 * max(1, len(note) // 95 + 1)
        row += 1
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    return sheet


def workbook_bytes(workbook: Any) -> bytes:
    """The .xlsx file of `workbook`."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
