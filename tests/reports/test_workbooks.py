"""The workbook writers on awkward values: the streamed sheet must stay a file Excel opens."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from cases.reports.streamed import streamed_table_workbook
from cases.reports.xlsx import Column, get_column_letter, new_workbook, table_sheet

COLUMNS = (Column("name", 20), Column("count", 8, "int"), Column("kW", 8, "number"), Column("fee", 10, "money"),
           Column("day", 12, "date"))


def test_streamed_rows_keep_text_numbers_and_dates() -> None:
    rows = [("A & B <Solar> \x07 ltd", 3, 7.6, Decimal("200.00"), date(2026, 11, 25)),
            ("  padded  ", None, None, None, None),
            ("moment", 0, 0.0, Decimal("0.00"), datetime(2026, 11, 25, 20, 30, tzinfo=UTC))]
    workbook = openpyxl.load_workbook(io.BytesIO(streamed_table_workbook("Q", "Q", COLUMNS, rows)))
    sheet = workbook["Q"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("name", "count", "kW", "fee", "day"),
        ("A & B <Solar>  ltd", 3, 7.6, 200, datetime(2026, 11, 25)),
        ("  padded  ", None, None, None, None),
        ("moment", 0, 0, 0, datetime(2026, 11, 25, 20, 30)),
    ]
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == '"$"#,##0.00'
    assert sheet.tables["Q"].ref == "A1:E4"
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold


def test_an_empty_table_still_opens() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(streamed_table_workbook("Q", "Q", COLUMNS, [])))["Q"]
    assert sheet.tables["Q"].ref == "A1:E2"
    assert [c.value for c in sheet[1]] == ["name", "count", "kW", "fee", "day"]


def test_repeated_headers_are_refused() -> None:
    with pytest.raises(ValueError, match="repeated column headers"):
        table_sheet(new_workbook(), "S", "S", (Column("kW", 5), Column("kW", 5)), [])


def test_column_letters() -> None:
    assert [get_column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
