"""The queue export through `icdesk report queue`: a real Excel table and the same rows as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
from conftest import Run
from report_seed import TODAY

from cases.rulebook import RuleBook

HEADER = ["case", "customer", "site address", "city", "zip", "program", "tier", "nameplate kW AC", "export kW",
          "stage", "received", "in stage since", "business days in stage", "next clock", "next clock due",
          "business days left", "next clock citation", "running clocks", "open tasks", "assignees", "fee due USD",
          "fee paid USD", "fee outstanding USD"]


def _rows(sheet: object) -> dict[str, dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    header = list(values[0])
    return {str(row[0]): dict(zip(header, row, strict=True)) for row in values[1:]}


def test_the_queue_is_an_excel_table_and_a_csv_of_the_open_cases(run: Run, numbers: dict[str, str], book: RuleBook,
                                                                 tmp_path: Path) -> None:
    xlsx, csv_path = tmp_path / "queue.xlsx", tmp_path / "queue.csv"
    result = run("queue", "--xlsx", str(xlsx), "--csv", str(csv_path), "--today", TODAY.isoformat())
    assert result.output.splitlines() == [f"wrote 5 cases to {xlsx}", f"wrote 5 cases to {csv_path}"]

    workbook = openpyxl.load_workbook(xlsx)
    sheet = workbook["Queue"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.freeze_panes == "B2"
    assert sheet.tables["Queue"].ref == "A1:W6"
    assert sheet.column_dimensions["A"].width == 15
    rows = _rows(sheet)
    assert sorted(rows) == sorted(numbers[k] for k in ("sg_t4", "nm_deemed", "nm_open_incomplete", "nm_open_review",
                                                       "sg_open"))
    review = rows[numbers["nm_open_review"]]
    assert (review["customer"], review["zip"], review["program"], review["tier"], review["stage"]) == \
        ("Marcus Bell", "97217", "net metering", 1, "in review")
    assert review["nameplate kW AC"] == 7.6
    assert review["received"] == datetime(2026, 6, 15)
    assert review["in stage since"] == datetime(2026, 6, 17)
    # June 19 (Juneteenth) is an Oregon legal holiday: 8 business days from June 17 to June 30.
    assert review["business days in stage"] == book.calendar.business_days_between(date(2026, 6, 17), TODAY) == 8
    assert (review["next clock"], review["next clock due"], review["business days left"]) == \
        ("Tier 1 screen result", datetime(2026, 7, 1), 1)
    assert review["running clocks"] == ("Tier 1 screen result due 2026-07-01; "
                                        "Tier 1 decision before deemed approval due 2026-07-15")
    assert "protection: run the interconnection screens (@sam)" in str(review["open tasks"])
    assert review["assignees"] == "sam"
    date_cell = next(c for c in sheet[2] if c.column_letter == "K")
    assert date_cell.is_date
    assert date_cell.number_format == "yyyy-mm-dd"

    extended = rows[numbers["nm_open_incomplete"]]
    assert extended["running clocks"] == "applicant supplies missing information due 2026-06-30 (extended)"
    assert extended["business days left"] == 0
    tier4 = rows[numbers["sg_t4"]]
    assert (tier4["fee due USD"], tier4["fee paid USD"], tier4["fee outstanding USD"]) == (1500, 1500, 0)
    assert tier4["next clock"] is None
    to_set = rows[numbers["sg_open"]]
    assert (to_set["fee due USD"], to_set["fee outstanding USD"], to_set["tier"]) == (None, None, 4)

    text = csv_path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert [line["case"] for line in lines] == [str(c.value) for c in sheet["A"][1:]]
    line = next(x for x in lines if x["case"] == numbers["nm_open_review"])
    assert (line["next clock due"], line["business days in stage"], line["received"], line["fee due USD"]) == \
        ("2026-07-01", "8", "2026-06-15", "0.00")


def test_all_cases_and_errors_are_one_line(run: Run, numbers: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    run("queue", "--all", "--csv", str(path), "--today", TODAY.isoformat())
    lines = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {line["case"] for line in lines} == set(numbers.values())
    closed = next(x for x in lines if x["case"] == numbers["nm_done"])
    assert (closed["stage"], closed["in stage since"], closed["open tasks"]) == ("closed", "2025-04-22", "")

    missing = run("queue", ok=False)
    assert missing.exit_code == 1
    assert str(missing.exception) == "say where to write the queue: --xlsx FILE, --csv FILE, or both"
