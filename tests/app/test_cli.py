"""The `icdesk` command line as other tools drive it: the real console script, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import contract

from cases.persistence.migrate import head_revision

ICDESK = str(Path(sys.executable).with_name("icdesk"))
CONTRACT_KEYS = {"number", "program", "tier", "tier_reasons", "stage", "complete", "missing", "fee_due_usd",
                 "fee_paid_usd", "clocks", "tasks", "events", "applicant", "site", "installer", "facility",
                 "documents", "message_ids"}


class Desk:
    """Runs icdesk in a scratch directory with its own database."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.env = {**os.environ, "ICDESK_DATABASE_URL": database_url, "ICDESK_CONFIG": ""}
        self.env.pop("ICDESK_CONFIG")

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([ICDESK, *args], cwd=self.folder, env=self.env, capture_output=True, text=True,
                                timeout=60, check=False)
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    def application(self, name: str = "app.json", **changes: Any) -> str:
        path = self.folder / name
        path.write_text(json.dumps(contract(**changes)), encoding="utf-8")
        return str(path)

    def new(self, *args: str, **changes: Any) -> dict[str, Any]:
        result = self.run("case", "new", "--from-json", self.application(**changes), "--json", *args)
        loaded: dict[str, Any] = json.loads(result.stdout)
        return loaded


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Desk:
    if request.param == "sqlite":
        return Desk(tmp_path, f"sqlite:///{tmp_path / 'var' / 'icdesk.db'}")
    return Desk(tmp_path, request.getfixturevalue("postgres_database_url"))


def test_new_case_prints_the_contract_and_counts_over_thanksgiving(desk: Desk) -> None:
    shown = desk.new("--received-at", "2026-11-25T16:30:00-08:00", "--customer-class", "residential")
    assert shown.keys() >= CONTRACT_KEYS
    assert (shown["number"], shown["program"], shown["tier"], shown["fee_due_usd"]) == \
        ("IC-2026-00001", "net_metering", 1, 0.0)
    assert shown["clocks"] == [{
        "name": "nm_ack_and_completeness", "title": "acknowledgement and completeness notice",
        "citation": "OAR 860-039-0025(2)", "started_on": "2026-11-25", "due_on": "2026-12-01",
        "status": "running", "verified": True}]
    assert "a one-line diagram showing the AC disconnect and the utility meter" in shown["missing"]
    assert shown["complete"] is False
    assert shown["facility"]["nameplate_kw_ac"] == 7.6
    assert set(shown["facility"]) == {"type", "nameplate_kw_ac", "nameplate_kw_dc", "export_kw",
                                      "inverter_manufacturer", "inverter_model", "inverter_quantity",
                                      "inverter_ul1741", "storage_kwh", "storage_kw"}
    assert shown["events"][0]["action"] == "case opened"
    late = desk.new("--received-at", "2026-11-25T17:30:00-08:00")
    assert late["clocks"][0]["due_on"] == "2026-12-02"


def test_show_and_list_print_the_same_objects(desk: Desk) -> None:
    created = desk.new("--received-at", "2026-11-02T09:00:00-08:00")
    shown = json.loads(desk.run("case", "show", created["number"], "--json").stdout)
    listed = json.loads(desk.run("case", "list", "--json").stdout)
    assert shown == created
    assert listed == [shown]


def test_without_json_new_prints_the_number_and_show_a_card(desk: Desk) -> None:
    number = desk.run("case", "new", "--from-json", desk.application(), "--received-at",
                      "2026-11-02T09:00:00-08:00").stdout.strip()
    assert number == "IC-2026-00001"
    card = desk.run("case", "show", "ic-2026-00001", "--history").stdout
    assert card.splitlines()[0] == "IC-2026-00001 · Marcus Bell · 4417 N Williams Ave, Portland"
    assert "why: Tier 1: export 7.6 kW <= 25 kW: OAR 860-039-0030(1)" in card
    assert "history:" in card


def test_tier_2_fee_payment_and_advance(desk: Desk, tmp_path: Path) -> None:
    for kind in ("one_line_diagram", "site_plan", "spec_sheet"):
        (tmp_path / f"{kind}.pdf").write_bytes(f"%PDF-1.4 {kind}".encode())
    attach = [arg for kind in ("one_line_diagram", "site_plan", "spec_sheet")
              for arg in ("--attach", f"{kind}={tmp_path / (kind + '.pdf')}")]
    shown = desk.new("--received-at", "2026-11-02T09:00:00-08:00", "--customer-class", "non_residential", *attach,
                     generator__nameplate_kw_ac=150.0, generator__export_kw=150.0)
    assert (shown["tier"], shown["fee_due_usd"], shown["stage"]) == (2, 200.0, "incomplete")
    assert shown["tier_reasons"] == ["not Tier 1: nameplate 150 kW > 50 kW: OAR 860-039-0030(1)",
                                     "Tier 2: nameplate 150 kW <= 2000 kW: OAR 860-039-0035(1)"]
    paid = desk.run("case", "pay", shown["number"], "$200", "check 4471").stdout
    assert paid.strip() == "recorded $200.00: fee $200.00, paid $200.00"
    assert desk.run("case", "advance", shown["number"], "in review").stdout.strip() == \
        "IC-2026-00001: complete → in review"
    refused = desk.run("case", "advance", shown["number"], "closed", ok=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("error: IC-2026-00001 is in_review; it cannot move to closed (allowed next: "
                                      "approved, approved_with_conditions, denied, withdrawn)")
    desk.run("case", "note", shown["number"], "called the customer")
    final = json.loads(desk.run("case", "show", shown["number"], "--json").stdout)
    assert final["fee_paid_usd"] == 200.0
    assert [d["kind"] for d in final["documents"]] == ["one_line_diagram", "site_plan", "spec_sheet"]
    assert final["notes"][-1].endswith(": called the customer")


def test_12_mw_is_rejected_with_a_clear_reason(desk: Desk) -> None:
    shown = desk.new("--received-at", "2026-11-02T09:00:00-08:00", program="small_generator",
                     generator__nameplate_kw_ac=12000.0, generator__export_kw=12000.0)
    assert shown["tier"] is None
    assert shown["stage"] == "denied"
    assert shown["tier_reasons"] == [
        ("nameplate 12000 kW > 10000 kW small generator limit: "
        "OAR 860-082-0005 (small generator facilities up to 10 MW)")]


def test_overdue_listing(desk: Desk) -> None:
    desk.new("--received-at", "2025-06-02T09:00:00-07:00")
    listed = desk.run("case", "list", "--overdue").stdout
    assert listed.startswith("IC-2025-00001  Marcus Bell")


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
    ('{"generator": {"nameplate_kw_ac": "lots"}}', "'generator.nameplate_kw_ac' must be a non-negative number"),
    ('{"program": "community_solar"}', "'program' must be net_metering, small_generator or null"),
    ("[1, 2]", "the application must be a JSON object"),
])
def test_bad_input_gets_one_clear_line(desk: Desk, content: str, message: str) -> None:
    desk.run("db", "upgrade")
    path = desk.folder / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = desk.run("case", "new", "--from-json", str(path), ok=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_naive_receipt_time_is_refused(desk: Desk) -> None:
    result = desk.run("case", "new", "--from-json", desk.application(), "--received-at", "2026-11-25T16:30", ok=False)
    assert result.returncode == 2
    assert "has no UTC offset" in result.stderr


def test_fresh_database_is_created_by_any_command_and_db_upgrade_is_idempotent(desk: Desk) -> None:
    listed = desk.run("case", "list")
    assert "initialised a new database" in listed.stderr
    assert desk.run("db", "upgrade").stdout.startswith(f"database at {head_revision()}")
    assert "(was" not in desk.run("db", "upgrade").stdout


def test_settings_errors_are_readable(tmp_path: Path) -> None:
    desk = Desk(tmp_path, "mysql://nobody@nowhere/db")
    result = desk.run("case", "list", ok=False)
    assert result.returncode == 2
    assert "ICDESK_DATABASE_URL: Value error, use a sqlite:/// or postgresql+psycopg:// URL" in result.stderr


def test_settings_from_icdesk_toml(tmp_path: Path) -> None:
    (tmp_path / "icdesk.toml").write_text(f'ICDESK_DATABASE_URL = "sqlite:///{tmp_path}/from-toml.db"\n')
    desk = Desk(tmp_path, "")
    desk.env.pop("ICDESK_DATABASE_URL")
    desk.run("case", "list")
    assert (tmp_path / "from-toml.db").exists()


def test_rules_check_lists_unverified_values(desk: Desk) -> None:
    out = desk.run("rules", "check").stdout
    assert "valid; versions: or-2024-04-09 (from 2024-04-09)" in out
    assert "or-2024-04-09: fees.small_generator[tier=3] [OAR 860-082-0025 (fee text not retrieved)]" in out
    assert "calendar: receipt_cutoff" in out


def test_customer_issues_are_logged_resolved_and_searched(desk: Desk) -> None:
    number = desk.new("--received-at", "2026-11-02T09:00:00-08:00")["number"]
    assert desk.run("case", "issue", number, "Meter socket damaged", "--as", "jordan").stdout.strip() == \
        "issue #1 logged"
    desk.run("case", "resolve", number, "1", "customer replaced the socket", "--as", "jordan")
    found = desk.run("case", "issues", "--search", "socket").stdout.strip().splitlines()
    assert len(found) == 1
    assert found[0].startswith(f"{number} #1 ")
    assert found[0].endswith("jordan: Meter socket damaged — resolved: customer replaced the socket")
    refused = desk.run("case", "resolve", number, "1", "again", ok=False)
    assert refused.stderr.strip() == f"error: issue #1 of {number} is already resolved"
