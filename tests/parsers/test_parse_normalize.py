"""Value normalisation: units, phones, dates, places, checkboxes (issue item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.assemble import split_make_model
from parsers.normalize import (
    clean_text,
    field_key,
    marked_options,
    parse_count,
    parse_email,
    parse_identifier,
    parse_kilo,
    parse_license,
    parse_phone,
    parse_yes_no,
    unit_hint,
)
from parsers.places import parse_date, parse_state, parse_zip, split_address_line
from parsers.wordlists import INVERTER_MAKERS


@pytest.mark.parametrize(
    ("text", "want", "expected"),
    [
        ("7,600 W", None, 7.6),
        ("7.6 kW", None, 7.6),
        ("11.4kW AC", "ac", 11.4),
        ("DC: 9.6 kW", "dc", 9.6),
        ("7.6 kW AC / 9.6 kW DC", "ac", 7.6),
        ("7.6 kW AC / 9.6 kW DC", "dc", 9.6),
        ("DC: 9.6 kW", "ac", None),
        ("1.2 MW", None, 1200.0),
        ("7,6 kW", None, None),
        ("about 7 or 8 kW", None, None),
        ("", None, None),
    ],
)
def test_power_in_kilowatts(text: str, want: str | None, expected: float | None) -> None:
    assert parse_kilo(text, want=want) == expected  # type: ignore[arg-type]


def test_bare_number_takes_the_unit_of_its_label() -> None:
    assert parse_kilo("7600", default_unit=unit_hint("Nameplate Rating (W)")) == 7.6
    assert parse_kilo("7.6", default_unit=unit_hint("Nameplate Rating (kVA/kW AC)")) == 7.6
    assert parse_kilo("13.5", energy=True, default_unit="kwh") == 13.5
    assert parse_kilo("13.5 kW", energy=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(503) 555-0142", "5035550142"),
        ("503.555.0199", "5035550199"),
        ("+1 971 555 0123", "9715550123"),
        ("541-555-0110 ext. 4", "5415550110"),
        ("555-0142", None),
        ("call me", None),
    ],
)
def test_phone_is_ten_digits(text: str, expected: str | None) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/03/2026", dt.date(2026, 11, 3)),
        ("11/3/26", dt.date(2026, 11, 3)),
        ("2026-11-03", dt.date(2026, 11, 3)),
        ("November 3, 2026", dt.date(2026, 11, 3)),
        ("Nov. 3rd, 2026", dt.date(2026, 11, 3)),
        ("3 November 2026", dt.date(2026, 11, 3)),
        ("13/45/2026", None),
        ("soon", None),
    ],
)
def test_dates_become_iso(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_places() -> None:
    assert parse_zip("97217") == "97217"
    assert parse_zip("97217-1234") == "97217-1234"
    assert parse_zip("972171234") == "97217-1234"
    assert parse_zip("9721") is None
    assert parse_state("Oregon") == "OR"
    assert parse_state("or") == "OR"
    assert parse_state("Ore.") == "OR"
    assert parse_state("Atlantis") is None
    assert split_address_line("4417 N Williams Ave, Portland, OR 97217") == (
        "4417 N Williams Ave", ("Portland", "OR", "97217"))
    assert split_address_line("PO Box 1187") == ("PO Box 1187", None)


def test_text_values() -> None:
    assert parse_email("Marcus.Bell@Example.COM") == "marcus.bell@example.com"
    assert parse_email("mailto: a.b @ example.org") == "a.b@example.org"
    assert parse_email("Permits@ BridgetownS olar.example") == "permits@bridgetownsolar.example"
    assert parse_email("no address") is None
    assert parse_identifier("8827 4410 22") == "8827441022"
    assert parse_identifier("N/A") is None
    assert parse_license("CCB 212345") == "CCB 212345"
    assert parse_license("# 219876") == "219876"
    assert clean_text("  Marcus   Bell ") == "Marcus Bell"
    assert clean_text("__________") is None
    assert parse_count("24 microinverters") == 24
    assert parse_count("two") == 2
    assert parse_count("16 + 8") is None


def test_checkboxes() -> None:
    assert marked_options("☒ Yes ☐ No") == ["Yes"]
    assert marked_options("[X] Net Metering   [ ] Small Generator") == ["Net Metering"]
    assert marked_options("[ ] Yes [ ] No") == []
    assert marked_options("Yes") is None
    assert parse_yes_no("[ ] Yes [x] No") is False
    assert parse_yes_no("[ ] Yes [ ] No") is None
    assert parse_yes_no("/Yes") is True
    assert parse_yes_no("UL 1741 SB") is True
    assert parse_yes_no("IEEE 1547") is None


def test_field_names_are_compared_without_case_or_punctuation() -> None:
    assert field_key("txtApplicantName") == "txtapplicantname"
    assert field_key("form1[0].Page1[0].Site_Zip[0]") == "form1page1sitezip"
    assert field_key("Electric Account #") == "electricaccountno"


def test_make_and_model_split_on_a_known_maker() -> None:
    assert split_make_model("Fronius Primo 11.4-1", INVERTER_MAKERS) == ("Fronius", "Primo 11.4-1")
    assert split_make_model("SolarEdge SE7600H-US", INVERTER_MAKERS) == ("SolarEdge", "SE7600H-US")
    assert split_make_model("Acme X-100", INVERTER_MAKERS) == (None, "Acme X-100")
