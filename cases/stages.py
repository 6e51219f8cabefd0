"""The stages a case moves through, and which moves the process allows.

The order follows the utility process (PGE net metering steps, OAR 860-082): receipt, completeness, review,
decision, agreement, construction, inspections, meter exchange, billing enrolment, closure.
Withdrawal (by the applicant, or deemed by rule when a cure period lapses) is possible from
every open stage.
"""

from __future__ import annotations

from enum import StrEnum

from cases.errors import InvalidInput


class Stage(StrEnum):
    """Where a case is in the utility's process."""

    RECEIVED = "received"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    DENIED = "denied"
    AGREEMENT_EXECUTED = "agreement_executed"
    CONSTRUCTION = "construction"
    LOCAL_INSPECTION_PASSED = "local_inspection_passed"
    UTILITY_INSPECTION = "utility_inspection"
    METER_EXCHANGED = "meter_exchanged"
    BILLING_ENROLLED = "billing_enrolled"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    DEEMED_WITHDRAWN = "deemed_withdrawn"

    @property
    def label(self) -> str:
        """How people say it: `in_review` → `in review`."""
        return self.value.replace("_", " ")


TERMINAL = frozenset({Stage.CLOSED, Stage.WITHDRAWN, Stage.DEEMED_WITHDRAWN})
DECIDED = frozenset({Stage.APPROVED, Stage.APPROVED_WITH_CONDITIONS, Stage.DENIED})

_FORWARD: dict[Stage, tuple[Stage, ...]] = {
    # An application that is not eligible under any tier is denied at receipt.
    Stage.RECEIVED: (Stage.INCOMPLETE, Stage.COMPLETE, Stage.DENIED),
    Stage.INCOMPLETE: (Stage.COMPLETE, Stage.DENIED),
    # A document found deficient after the fact sends a complete case back.
    Stage.COMPLETE: (Stage.IN_REVIEW, Stage.INCOMPLETE),
    Stage.IN_REVIEW: (Stage.APPROVED, Stage.APPROVED_WITH_CONDITIONS, Stage.DENIED),
    Stage.APPROVED: (Stage.AGREEMENT_EXECUTED,),
    Stage.APPROVED_WITH_CONDITIONS: (Stage.AGREEMENT_EXECUTED,),
    Stage.DENIED: (Stage.CLOSED,),
    Stage.AGREEMENT_EXECUTED: (Stage.CONSTRUCTION,),
    Stage.CONSTRUCTION: (Stage.LOCAL_INSPECTION_PASSED,),
    Stage.LOCAL_INSPECTION_PASSED: (Stage.UTILITY_INSPECTION,),
    Stage.UTILITY_INSPECTION: (Stage.METER_EXCHANGED,),
    Stage.METER_EXCHANGED: (Stage.BILLING_ENROLLED,),
    Stage.BILLING_ENROLLED: (Stage.CLOSED,),
}

# The order of the main line, to tell whether a case is already past a stage.
PROCESS_ORDER = (
    Stage.RECEIVED, Stage.INCOMPLETE, Stage.COMPLETE, Stage.IN_REVIEW, Stage.APPROVED,
    Stage.APPROVED_WITH_CONDITIONS, Stage.AGREEMENT_EXECUTED, Stage.CONSTRUCTION,
    Stage.LOCAL_INSPECTION_PASSED, Stage.UTILITY_INSPECTION, Stage.METER_EXCHANGED,
    Stage.BILLING_ENROLLED, Stage.CLOSED,
)


def allowed_next(current: Stage, *, net_metering: bool = True) -> tuple[Stage, ...]:
    """Every stage reachable in one move from `current`, in process order.

    Small generators are not enrolled on net-metering billing: they close after the meter.
    Deemed withdrawal is the rule's answer to a lapsed cure period, so only an incomplete
    application can be deemed withdrawn; the applicant can withdraw any open case.
    """
    if current in TERMINAL:
        return ()
    forward = _FORWARD.get(current, ())
    if current == Stage.METER_EXCHANGED and not net_metering:
        forward = (Stage.CLOSED,)
    if current == Stage.DENIED:
        return forward
    deemed = (Stage.DEEMED_WITHDRAWN,) if current == Stage.INCOMPLETE else ()
    return (*forward, Stage.WITHDRAWN, *deemed)


def is_allowed(current: Stage, target: Stage, *, net_metering: bool = True) -> bool:
    """Whether the process allows moving straight from `current` to `target`."""
    return target in allowed_next(current, net_metering=net_metering)


def reached(current: Stage, stage: Stage) -> bool:
    """Whether a case at `current` is at or past `stage` on the main line."""
    if current not in PROCESS_ORDER or stage not in PROCESS_ORDER:
        return current == stage
    return PROCESS_ORDER.index(current) >= PROCESS_ORDER.index(stage)


def parse_stage(text: str) -> Stage:
    """A stage from how a person types it (`in review`, `In-Review`, `in_review`)."""
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Stage(key)
    except ValueError:
        names = ", ".join(stage.value for stage in Stage)
        raise InvalidInput(f"unknown stage {text!r}; stages are: {names}") from None
