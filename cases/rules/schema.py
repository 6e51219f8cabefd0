"""The shape of a rule set, validated when it is loaded.

A rule set is one version of the tariff rules with the date it takes effect. Every item
carries its citation and whether its value was verified against the rule text; items marked
`verified: false` are listed by `icdesk rules check` for a tariff administrator to confirm.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cases.entities import Team
from cases.parties import CustomerClass, Program


class Milestone(StrEnum):
    """Events in a case's life that start or stop clocks and open tasks."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    MISSING_LIST_SENT = "missing_list_sent"
    COMPLETE_NOTICE_SENT = "complete_notice_sent"
    COMPLETE = "complete"
    DECIDED = "decided"
    APPROVED = "approved"
    AGREEMENT_TENDERED = "agreement_tendered"
    AGREEMENT_EXECUTED = "agreement_executed"
    OPTIONS_MEETING_REQUESTED = "options_meeting_requested"
    OPTIONS_MEETING_HELD = "options_meeting_held"
    SCOPING_MEETING_SCHEDULED = "scoping_meeting_scheduled"
    LOCAL_INSPECTION_PASSED = "local_inspection_passed"
    UTILITY_INSPECTION = "utility_inspection"
    METER_EXCHANGED = "meter_exchanged"
    BILLING_ENROLLED = "billing_enrolled"
    WITHDRAWN = "withdrawn"


class LapseOutcome(StrEnum):
    """What the rules do when a clock lapses."""

    ESCALATE = "escalate"
    DEEMED_APPROVED = "deemed_approved"
    DEEMED_WITHDRAWN = "deemed_withdrawn"


class Quantity(StrEnum):
    """The powers tier criteria compare against a limit."""

    NAMEPLATE_KW = "nameplate_kw"
    EXPORT_KW = "export_kw"


def applies_to(programs: tuple[Program, ...], tiers: tuple[int, ...] | None, program: Program,
               tier: int | None) -> bool:
    """Whether a rule item for `programs` (and `tiers`, None meaning every tier) covers a case."""
    return program in programs and (tiers is None or (tier is not None and tier in tiers))


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    citation: str = Field(min_length=3)
    verified: bool
    note: str | None = None


class Criterion(_Item):
    """One eligibility test: a quantity at most a limit, or a required property."""

    test: Literal["max", "inverter_based", "ul1741", "non_exporting"]
    quantity: Quantity | None = None
    limit_kw: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _max_needs_quantity_and_limit(self) -> Criterion:
        if self.test == "max" and (self.quantity is None or self.limit_kw is None):
            raise ValueError("a 'max' criterion needs both 'quantity' and 'limit_kw'")
        return self


class TierRule(_Item):
    """A tier and the criteria that must all hold for it."""

    tier: int = Field(ge=1, le=4)
    criteria: tuple[Criterion, ...]


class ProgramLimit(_Item):
    """The largest facility the program accepts for a customer class (or for everyone)."""

    customer_class: CustomerClass | Literal["any"]
    max_kw: float = Field(gt=0)
    # Above this, a case whose customer class is unknown is flagged for the coordinator.
    flag_above_kw: float | None = None


class ProgramTiers(BaseModel):
    """A program's size limits and its tiers, tried in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nameplate_basis: Literal["ac", "dc"]
    nameplate_basis_verified: bool
    limits: tuple[ProgramLimit, ...]
    tiers: tuple[TierRule, ...]


class FeeRule(_Item):
    """The fee of one tier: base plus a rate per kW on a basis; None where no rule sets it."""

    tier: int = Field(ge=1, le=4)
    base_usd: float | None = Field(ge=0)
    per_kw_usd: float | None = Field(default=0, ge=0)
    kw_basis: Literal["nameplate_ac", "nameplate_dc", "export"] = "nameplate_ac"


class FieldRequirement(_Item):
    """A field the application must state, for some programs and tiers."""

    field: str = Field(pattern=r"^(applicant|site|installer|facility|signature)\.[a-z_0-9]+$")
    label: str
    programs: tuple[Program, ...]
    tiers: tuple[int, ...] | None = None
    # Only required when the facility has inverters (the inverter make, model and listing).
    inverter_only: bool = False


class DocumentRequirement(_Item):
    """A document the application needs, for some programs and tiers."""

    kind: str
    label: str
    programs: tuple[Program, ...]
    tiers: tuple[int, ...] | None = None


class FeeGate(_Item):
    """Whether an unpaid (or not yet set) fee keeps an application incomplete."""

    applies: bool


class Completeness(BaseModel):
    """What makes an application complete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: tuple[FieldRequirement, ...]
    documents: tuple[DocumentRequirement, ...]
    fee_gate: FeeGate


class ClockRule(_Item):
    """A deadline: when it starts, how long it runs, what meets it, what its lapse means."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    programs: tuple[Program, ...]
    tiers: tuple[int, ...] | None = None
    starts_on: Milestone
    met_by: tuple[Milestone, ...]
    days: int = Field(ge=1)
    unit: Literal["business", "calendar"] = "business"
    on_lapse: LapseOutcome = LapseOutcome.ESCALATE


class RouteRule(_Item):
    """A task opened for a team when a milestone happens."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    team: Team
    opens_on: Milestone
    programs: tuple[Program, ...]
    tiers: tuple[int, ...] | None = None
    when: Literal["always", "fee_required", "telemetry", "class_unknown_over_limit"] = "always"
    due_business_days: int | None = Field(default=None, ge=1)
    advances_to: str | None = None
    # Milestones that do the task's work by themselves (the notice it asks for went out, the
    # agreement it asks to send was executed): reaching one finishes the task.
    done_on: tuple[Milestone, ...] = ()


class RuleSet(BaseModel):
    """One version of the tariff rules, in effect from `effective_from`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    title: str
    effective_from: date
    tiers: dict[Program, ProgramTiers]
    fees: dict[Program, tuple[FeeRule, ...]]
    completeness: Completeness
    clocks: tuple[ClockRule, ...]
    routing: tuple[RouteRule, ...]

    @model_validator(mode="after")
    def _names_are_unique(self) -> RuleSet:
        for label, names in (
            ("clock", [c.name for c in self.clocks]),
            ("route", [r.kind for r in self.routing]),
        ):
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label} names: {', '.join(duplicates)}")
        return self


class CalendarRules(BaseModel):
    """Which days count: legal holidays from the `holidays` package, plus utility closures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str
    country: str
    subdivision: str | None
    citation: str
    closure_days: tuple[date, ...] = ()
    closure_days_verified: bool
    extra_holidays: tuple[date, ...] = ()
    receipt_cutoff: time | None
    receipt_cutoff_verified: bool
