"""The record-keeping commands, driven as a coordinator would: the real console script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import Desk


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    desk = Desk(tmp_path, f"sqlite:///{tmp_path / 'var' / 'icdesk.db'}")
    desk.run("db", "upgrade")
    return desk


def show(desk: Desk, number: str) -> dict[str, object]:
    shown: dict[str, object] = json.loads(desk.run("case", "show", number, "--json").stdout)
    return shown


def test_a_case_is_walked_from_incomplete_to_closed_with_the_commands(desk: Desk, tmp_path: Path) -> None:
    number = desk.new("--received-at", "2026-11-02T09:00:00-08:00", "--customer-class", "residential",
                      generator__export_kw=None)["number"]
    assert desk.run("case", "notice", number).stdout.startswith("notice recorded: missing export capacity (kW); ")
    assert desk.run("case", "set", number, "facility.export_kw=7.6", "--as", "jordan").stdout.strip() == \
        "changed: facility"
    for kind in ("one_line_diagram", "site_plan", "spec_sheet"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(f"%PDF-1.4 {kind}".encode())
        assert desk.run("case", "doc", number, kind, str(path)).stdout.strip() == f"added {kind} to {number}"
    assert desk.run("case", "doc", number, "spec_sheet", str(tmp_path / "spec_sheet.pdf")).stdout.strip() == \
        f"{number} already has this spec_sheet"
    assert show(desk, number)["stage"] == "complete"
    desk.run("case", "assign", number, "screening_review", "sam")
    assert desk.run("case", "done", number, "screening_review", "--as", "sam").stdout.strip() == "task done"
    for stage in ("in_review", "approved", "agreement_executed", "construction", "local_inspection_passed"):
        desk.run("case", "advance", number, stage, "--note", "ok")
    assert desk.run("case", "done", number, "schedule_final_inspection").stdout.strip() == \
        "task done; case moved to utility inspection"
    desk.run("case", "done", number, "meter_exchange")
    # The last task done, the case closes by itself.
    assert desk.run("case", "done", number, "enrol_billing").stdout.strip() == "task done; case moved to closed"
    final = show(desk, number)
    assert final["stage"] == "closed"
    tasks = {t["kind"]: (t["status"], t["assignee"]) for t in final["tasks"]}  # type: ignore[attr-defined]
    assert tasks["screening_review"] == ("done", "sam")
    actors = {e["actor"] for e in final["events"]}  # type: ignore[attr-defined]
    assert {"jordan", "sam"} <= actors


def test_extend_and_sweep(desk: Desk) -> None:
    number = desk.new("--received-at", "2026-11-02T09:00:00-08:00", "--customer-class", "residential")["number"]
    desk.run("case", "notice", number, "--at", "2026-11-02T11:00:00-08:00")
    extended = desk.run("case", "extend", number, "nm_cure_missing_info", "2026-12-01", "--agreed-by", "Marcus Bell")
    assert extended.stdout.strip() == "nm_cure_missing_info: due 2026-11-17 → 2026-12-01 (agreed by Marcus Bell)"
    assert desk.run("case", "sweep", "--today", "2026-11-20").stdout.strip() == ""
    swept = desk.run("case", "sweep", "--today", "2026-12-02").stdout.strip()
    assert swept == (f"{number}: applicant supplies missing information was due 2026-12-01 "
                     "(OAR 860-039-0025(2)): deemed withdrawn")
    assert show(desk, number)["stage"] == "deemed_withdrawn"


def test_fee_and_milestone_commands(desk: Desk) -> None:
    number = desk.new("--received-at", "2026-11-02T09:00:00-08:00", program="small_generator",
                      generator__nameplate_kw_ac=3000.0, generator__export_kw=0.0)["number"]
    assert show(desk, number)["fee_due_usd"] is None
    assert desk.run("case", "fee", number, "1500", "--reason", "study deposit").stdout.strip() == \
        "fee set to $1,500.00"
    assert show(desk, number)["fee_due_usd"] == 1500.0
    assert desk.run("case", "milestone", number, "agreement_tendered").stdout.strip() == \
        "recorded agreement tendered"


@pytest.mark.parametrize(("args", "message"), [
    (("case", "pay", "IC-2026-00001", "NaN", "x"), "error: 'NaN' is not an amount of dollars"),
    (("case", "pay", "IC-2026-00001", "1e30", "x"), "is more than any fee"),
    (("case", "note", "IC-2026-00001", "hello", "--as", "x" * 121), "error: --as wants a name of 1 to 120"),
    (("case", "set", "IC-2026-00001", "facility.export_kw"), "error: write FIELD=VALUE"),
    (("case", "set", "IC-2026-00001", "facility.export_kw=lots"), "wants a number or true/false"),
    (("case", "show", "IC-2026-00099"), "error: no case numbered IC-2026-00099"),
])
def test_bad_commands_get_one_clear_line(desk: Desk, args: tuple[str, ...], message: str) -> None:
    desk.new("--received-at", "2026-11-02T09:00:00-08:00")
    result = desk.run(*args, ok=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_implausible_receipt_date_is_refused(desk: Desk) -> None:
    result = desk.run("case", "new", "--from-json", desk.application(), "--received-at", "0001-01-01T00:00:00+00:00",
                      ok=False)
    assert result.returncode == 2
    assert "is not a plausible time of receipt" in result.stderr
