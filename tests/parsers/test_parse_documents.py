"""Document kinds, packets, bad files, bounds, custom synonyms, the schema (items 5-6)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pdf_documents as docs
import pytest
from conftest import IN_PROCESS
from pdf_factory import Layout, Row, render
from pypdf import PdfReader, PdfWriter

from parsers.pdf import (
    ParserSettings,
    UnreadablePdf,
    merge_synonyms,
    parse_application,
    to_contract_dict,
)
from parsers.settings import FIELD_SYNONYMS

SCHEMA_PLACES = [Path(__file__).parents[3] / "shared", Path("/work/shared")]


@pytest.mark.parametrize(
    "kind", ["one_line_diagram", "site_plan", "spec_sheet", "certificate_of_completion"]
)
def test_supporting_documents_are_classified_from_content(pdfs: dict[str, bytes],
                                                          kind: str) -> None:
    result = parse_application(pdfs[kind], settings=IN_PROCESS)
    assert result.document_type == kind
    assert result.applicant.name is None
    assert result.program is None


def test_packet_is_an_application_and_spec_sheets_are_not_read(pdfs: dict[str, bytes]) -> None:
    result = parse_application(pdfs["packet"], settings=IN_PROCESS)
    assert result.document_type == "application"
    assert result.pages == 9
    assert result.applicant.name == "Priya Natarajan"
    assert result.generator.nameplate_kw_ac == 11.4


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (lambda p: p["user_password"], "password", "password"),
        (lambda p: p["net_metering_flat"][:3000], "truncated", "incomplete"),
        (lambda p: docs.jpeg_bytes(), "not_pdf", "JPEG"),
        (lambda p: docs.HTML_PAGE, "not_pdf", "HTML"),
        (lambda p: b"", "empty", "empty"),
        (lambda p: b"%PDF-1.4\n garbage garbage\n%%EOF\n", "corrupt", "damaged"),
    ],
)
def test_bad_files_raise_one_clear_reason(pdfs: dict[str, bytes], make, kind: str,  # type: ignore[no-untyped-def]
                                          words: str) -> None:
    with pytest.raises(UnreadablePdf) as caught:
        parse_application(make(pdfs))
    assert caught.value.kind == kind
    assert words in caught.value.reason
    assert "\n" not in caught.value.reason
    assert caught.value.reason.endswith(".")


def test_oversized_file_is_refused_before_parsing(pdfs: dict[str, bytes]) -> None:
    with pytest.raises(UnreadablePdf) as caught:
        parse_application(pdfs["packet"], settings=ParserSettings(max_bytes=1000))
    assert caught.value.kind == "too_large"


def test_timeout_bound_stops_a_slow_parse(pdfs: dict[str, bytes]) -> None:
    slow = docs.join(pdfs["net_metering_flat"], docs.spec_sheet(30))
    with pytest.raises(UnreadablePdf) as caught:
        parse_application(slow, settings=ParserSettings(timeout_s=0.001))
    assert caught.value.kind == "timeout"


def test_memory_bound_stops_a_decompression_bomb() -> None:
    # 450 KB that inflate to 300 MB of page content.
    with pytest.raises(UnreadablePdf) as caught:
        parse_application(docs.flate_bomb(300), settings=ParserSettings(memory_mb=200))
    assert caught.value.kind == "memory"
    assert "memory" in caught.value.reason


def test_callers_can_add_field_names(pdfs: dict[str, bytes]) -> None:
    layout = Layout([[Row("title", "Net Metering Interconnection Application"),
                      Row("field", "Name", "Jo Ruiz", "Fld_017"),
                      Row("field", "Size", "5 kW", "Fld_018")]])
    data = render(layout, fillable=True)
    plain = parse_application(data, settings=IN_PROCESS)
    assert plain.generator.nameplate_kw_ac is None
    extra = merge_synonyms(FIELD_SYNONYMS, {"applicant.name": ("Fld_017",),
                                            "generator.nameplate_kw_ac": ("Fld_018",)})
    custom = ParserSettings(isolate=False, field_synonyms=extra)
    result = parse_application(data, settings=custom)
    assert result.applicant.name == "Jo Ruiz"
    assert result.generator.nameplate_kw_ac == 5.0


def test_unreadable_value_is_null_with_a_warning() -> None:
    layout = Layout([[Row("title", "Net Metering Interconnection Application"),
                      Row("field", "Applicant Name", "Jo Ruiz", "a"),
                      Row("field", "Nameplate Rating", "7,6 kW", "b"),
                      Row("field", "Date Signed", "13/45/2026", "c")]])
    result = parse_application(render(layout, fillable=False), settings=IN_PROCESS)
    assert result.generator.nameplate_kw_ac is None
    assert result.signature.date is None
    assert any("nameplate_kw_ac" in w and "7,6 kW" in w for w in result.warnings)
    assert any("signature.date" in w for w in result.warnings)


def test_conflicting_values_warn_and_keep_the_first() -> None:
    layout = Layout([[Row("title", "Net Metering Interconnection Application"),
                      Row("field", "Nameplate Rating", "7.6 kW", "a")],
                     [Row("field", "Nameplate Rating", "9.6 kW", "b")]])
    result = parse_application(render(layout, fillable=False), settings=IN_PROCESS)
    assert result.generator.nameplate_kw_ac == 7.6
    assert any("page 2" in w and "9.6 kW" in w for w in result.warnings)


def test_missing_values_are_null_not_empty_strings() -> None:
    layout = Layout([[Row("title", "Net Metering Interconnection Application"),
                      Row("field", "Applicant Name", "", "a"),
                      Row("field", "Meter Number", "__________", "b")]])
    result = parse_application(render(layout, fillable=False), settings=IN_PROCESS)
    assert result.applicant.name is None
    assert result.site.meter_number is None


def test_radio_group_and_signature_field() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(render(Layout([[
        Row("title", "Interconnection Application"),
        Row("field", "Applicant Name", "Jo Ruiz", "ApplicantName"),
        Row("field", "Program", "Net Metering", "Program"),
        Row("field", "Account", "1", "Acct"), Row("field", "Meter", "2", "Meter")]]),
        fillable=True))))
    out = io.BytesIO()
    writer.write(out)
    result = parse_application(out.getvalue(), settings=IN_PROCESS)
    assert result.program == "net_metering"
    assert result.extraction == "form_fields"


def _schema() -> dict[str, object]:
    for place in SCHEMA_PLACES:
        path = place / "contracts" / "application.schema.json"
        if path.exists():
            loaded: dict[str, object] = json.loads(path.read_text())
            return loaded
    pytest.fail("application.schema.json not found beside the repository")


@pytest.mark.parametrize("name", ["net_metering_fillable", "small_generator_flat", "boxed_flat",
                                  "site_plan", "packet"])
def test_output_validates_against_the_contract(pdfs: dict[str, bytes], name: str) -> None:
    result = to_contract_dict(parse_application(pdfs[name], settings=IN_PROCESS))
    jsonschema.validate(result, _schema())
    assert set(result) == set(_schema()["required"])  # type: ignore[arg-type]
