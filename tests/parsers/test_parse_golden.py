"""Whole documents against golden JSON: every route, every layout (issue items 1-3)."""

from __future__ import annotations

import pytest
from conftest import IN_PROCESS, golden

from parsers.pdf import parse_application, to_contract_dict
from parsers.warmup import sample_pdf

TEXT_FIXTURES = ["net_metering_fillable", "net_metering_flat", "small_generator_flat",
                 "boxed_flat"]


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_layouts_match_their_golden_json(pdfs: dict[str, bytes], name: str) -> None:
    assert to_contract_dict(parse_application(pdfs[name], settings=IN_PROCESS)) == golden(name)


def test_fillable_form_is_read_from_its_fields(pdfs: dict[str, bytes]) -> None:
    result = parse_application(pdfs["net_metering_fillable"], settings=IN_PROCESS)
    assert result.extraction == "form_fields"
    assert result.generator.type == "solar_storage"  # two ticked checkboxes
    assert result.generator.inverter_ul1741 is True  # the "UL1741_Yes" box


def test_the_same_form_flat_gives_the_same_values(pdfs: dict[str, bytes]) -> None:
    fillable = to_contract_dict(parse_application(pdfs["net_metering_fillable"],
                                                  settings=IN_PROCESS))
    flat = to_contract_dict(parse_application(pdfs["net_metering_flat"], settings=IN_PROCESS))
    assert {**fillable, "extraction": "text"} == flat


def test_isolated_parse_gives_the_in_process_result(pdfs: dict[str, bytes]) -> None:
    isolated = parse_application(pdfs["small_generator_flat"])
    assert isolated == parse_application(pdfs["small_generator_flat"], settings=IN_PROCESS)


def test_scanned_form_is_read_by_ocr(scans: dict[str, bytes]) -> None:
    result = to_contract_dict(parse_application(scans["net_metering_scan"], settings=IN_PROCESS))
    assert result == golden("net_metering_scan")
    assert result["extraction"] == "ocr"


def test_sideways_scan_is_turned_before_ocr(scans: dict[str, bytes]) -> None:
    result = parse_application(scans["boxed_scan_sideways"], settings=IN_PROCESS)
    assert result.document_type == "application"
    assert result.applicant.name == "Priya Natarajan"
    assert result.generator.nameplate_kw_ac == 11.4
    assert result.site.zip == "97701"


def test_owner_password_only_is_read_normally(pdfs: dict[str, bytes]) -> None:
    # Regression: pdfminer overflowed on the /P 0 of this file; the parser now hands it a
    # decrypted copy.
    result = to_contract_dict(parse_application(pdfs["owner_password"], settings=IN_PROCESS))
    assert result == golden("net_metering_flat")


def test_forkserver_warm_up_sample_is_a_readable_form() -> None:
    result = parse_application(sample_pdf(), settings=IN_PROCESS)
    assert result.applicant.name == "Jo Ruiz"
    assert result.generator.nameplate_kw_ac == 7.6
