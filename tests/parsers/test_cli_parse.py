"""The `icdesk parse` command, driven through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import golden

from app.cli_parse import parse_command


def test_json_output_is_the_contract(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "application.pdf"
    path.write_bytes(pdfs["small_generator_flat"])
    outcome = CliRunner().invoke(parse_command, [str(path), "--json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout) == golden("small_generator_flat")


def test_summary_is_readable(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "application.pdf"
    path.write_bytes(pdfs["net_metering_flat"])
    outcome = CliRunner().invoke(parse_command, [str(path)])
    assert outcome.exit_code == 0, outcome.output
    assert "applicant: Marcus Bell" in outcome.stdout
    assert "7.6 kW AC" in outcome.stdout
    assert "1 × SolarEdge SE7600H-US · UL 1741 yes" in outcome.stdout
    assert "signed:    yes on 2026-11-03" in outcome.stdout


def test_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"<html><body>Please sign in</body></html>")
    outcome = CliRunner().invoke(parse_command, [str(path), "--json"])
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith("scan.pdf: The file is a web page (HTML), not a PDF;")
    assert "Traceback" not in outcome.stderr


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(parse_command, [str(tmp_path / "nope.pdf")])
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1
    assert "cannot read the file" in outcome.stderr
