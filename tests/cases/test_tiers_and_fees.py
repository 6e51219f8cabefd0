"""Tier boundaries (25/50 kW, 2 MW, 10 MW, non-exporting), customer class, and fees."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.parties import CustomerClass, Facility, Program
from cases.rulebook import RuleBook
from cases.rules.fees import decide_fee
from cases.rules.tiers import TierDecision, decide_tier

NM, SG = Program.NET_METERING, Program.SMALL_GENERATOR
RES, NONRES, UNKNOWN = CustomerClass.RESIDENTIAL, CustomerClass.NON_RESIDENTIAL, CustomerClass.UNKNOWN


def solar(ac: float | None, export: float | None = None, ul1741: bool | None = True) -> Facility:
    return Facility(type="solar", nameplate_kw_ac=ac, export_kw=ac if export is None else export,
                    inverter_manufacturer="SolarEdge", inverter_model="SE", inverter_ul1741=ul1741)


def decide(book: RuleBook, program: Program, klass: CustomerClass, facility: Facility) -> TierDecision:
    return decide_tier(book.catalog.rule_sets[-1], program, klass, facility)


def test_residential_7_6_kw_solar_is_tier_1_with_cited_reasons(book: RuleBook) -> None:
    decision = decide(book, NM, RES, solar(7.6))
    assert decision.tier == 1
    assert decision.eligible
    assert "Tier 1: export 7.6 kW <= 25 kW: OAR 860-039-0030(1)" in decision.reasons
    assert "Tier 1: nameplate 7.6 kW <= 50 kW: OAR 860-039-0030(1)" in decision.reasons
    assert all("OAR" in reason or "PGE" in reason for reason in decision.reasons)


@pytest.mark.parametrize(("ac", "export", "tier"), [
    (50, 25, 1),        # both Tier 1 limits exactly
    (50, 25.01, 2),     # export just over 25 kW
    (50.01, 25, 2),     # nameplate just over 50 kW
    (150, 150, 2),
    (2000, 2000, 2),    # the 2 MW net-metering limit exactly
])
def test_net_metering_tier_boundaries_non_residential(book: RuleBook, ac: float, export: float, tier: int) -> None:
    assert decide(book, NM, NONRES, solar(ac, export)).tier == tier


def test_failing_a_lower_tier_is_explained(book: RuleBook) -> None:
    decision = decide(book, NM, NONRES, solar(150))
    assert decision.reasons[0] == "not Tier 1: nameplate 150 kW > 50 kW: OAR 860-039-0030(1)"
    assert decision.reasons[1] == "Tier 2: nameplate 150 kW <= 2000 kW: OAR 860-039-0035(1)"


def test_over_2_mw_is_not_net_metering(book: RuleBook) -> None:
    decision = decide(book, NM, NONRES, solar(2000.5))
    assert not decision.eligible
    assert decision.tier is None
    assert decision.reasons[0].startswith("nameplate 2000.5 kW > 2000 kW net metering limit for non-residential")
    assert "small generators" in decision.reasons[0]


@pytest.mark.parametrize(("ac", "eligible"), [(25, True), (25.1, False)])
def test_residential_limit_is_25_kw(book: RuleBook, ac: float, eligible: bool) -> None:
    assert decide(book, NM, RES, solar(ac)).eligible is eligible


def test_unknown_class_above_25_kw_is_flagged_not_refused(book: RuleBook) -> None:
    decision = decide(book, NM, UNKNOWN, solar(30, 20))
    assert decision.eligible
    assert decision.tier == 1
    assert decision.flags
    assert decision.flags[0].startswith("customer class not stated and nameplate 30 kW > 25 kW")
    assert decide(book, NM, UNKNOWN, solar(25)).flags == ()


def test_non_inverter_generator_is_not_net_metering_tier_1(book: RuleBook) -> None:
    hydro = Facility(type="hydro", nameplate_kw_ac=10, export_kw=10)
    decision = decide(book, NM, NONRES, hydro)
    assert decision.tier == 2
    assert decision.reasons[0] == "not Tier 1: not inverter-based: OAR 860-039-0030(1)"


def test_silent_ul1741_keeps_the_tier_provisional(book: RuleBook) -> None:
    decision = decide(book, NM, RES, solar(7.6, ul1741=None))
    assert decision.tier == 1
    assert decision.provisional
    assert any(r.startswith("Tier 1: to confirm: UL 1741 listed inverter") for r in decision.reasons)


def test_missing_export_is_taken_as_nameplate(book: RuleBook) -> None:
    facility = Facility(type="solar", nameplate_kw_ac=30, inverter_ul1741=True)
    decision = decide(book, NM, NONRES, facility)
    assert decision.reasons[0] == "export capacity not stated: taken as the nameplate, 30 kW"
    assert decision.tier == 2


def test_no_nameplate_means_no_tier_yet(book: RuleBook) -> None:
    decision = decide(book, NM, RES, Facility(type="solar"))
    assert decision.tier is None
    assert decision.eligible


@pytest.mark.parametrize(("ac", "export", "tier"), [
    (50, 25, 1),
    (50, 26, 2),
    (2000, 2000, 2),
    (2001, 0, 3),       # non-exporting above 2 MW
    (2001, 100, 4),     # exporting above 2 MW
    (10000, 0, 3),
    (10000, 5000, 4),   # the 10 MW limit exactly
])
def test_small_generator_tier_boundaries(book: RuleBook, ac: float, export: float, tier: int) -> None:
    assert decide(book, SG, UNKNOWN, solar(ac, export)).tier == tier


def test_12_mw_is_rejected_with_the_rule(book: RuleBook) -> None:
    decision = decide(book, SG, NONRES, solar(12000, 12000))
    assert not decision.eligible
    assert decision.reasons == (
        ("nameplate 12000 kW > 10000 kW small generator limit: "
        "OAR 860-082-0005 (small generator facilities up to 10 MW)"),
    )


def test_dc_rating_is_used_when_ac_is_missing(book: RuleBook) -> None:
    facility = Facility(type="solar", nameplate_kw_dc=60, export_kw=20, inverter_ul1741=True)
    assert decide(book, NM, NONRES, facility).tier == 2


# -- fees ----------------------------------------------------------------------------------

def fee(book: RuleBook, program: Program, tier: int | None, facility: Facility) -> Decimal | None:
    return decide_fee(book.catalog.rule_sets[-1], program, tier, facility).amount_usd


def test_tier_1_net_metering_has_no_fee(book: RuleBook) -> None:
    assert fee(book, NM, 1, solar(7.6)) == Decimal("0.00")


def test_tier_2_net_metering_is_50_plus_1_per_kw(book: RuleBook) -> None:
    result = decide_fee(book.catalog.rule_sets[-1], NM, 2, solar(150))
    assert result.amount_usd == Decimal("200.00")
    assert result.explanation.startswith("$50 + $1/kW × 150 kW = $200.00 for Tier 2")
    assert fee(book, NM, 2, solar(33.3)) == Decimal("83.30")


def test_fee_not_set_by_rule_is_left_to_the_coordinator(book: RuleBook) -> None:
    result = decide_fee(book.catalog.rule_sets[-1], SG, 3, solar(3000, 0))
    assert result.amount_usd is None
    assert "the coordinator sets it" in result.explanation
    assert fee(book, SG, 1, solar(20)) == Decimal("100.00")
    assert fee(book, NM, None, solar(20)) is None


def test_just_over_10_mw_is_not_a_small_generator(book: RuleBook) -> None:
    assert decide(book, SG, NONRES, solar(10000.5, 0)).eligible is False
    assert decide(book, SG, NONRES, solar(10000, 0)).eligible is True
