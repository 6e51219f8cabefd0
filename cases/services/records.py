"""What arrives on a case or is written on it: documents, payments, notes, customer issues,
purchase orders and meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cases.case import Case
from cases.entities import (
    CustomerIssue,
    Document,
    Meeting,
    MeetingKind,
    Note,
    Payment,
    PurchaseOrder,
    PurchaseOrderStatus,
)
from cases.errors import InvalidInput
from cases.ics import usable_address
from cases.money import parse_dollars
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.rules.schema import Milestone
from cases.services.lifecycle import reach, reassess
from cases.services.meetings import Invitee, invitation_item, invitee, revision


def add_document(uow: UnitOfWork, book: RuleBook, number: str, document: Document, actor: str) -> bool:
    """Attach a document and reassess completeness; the same file twice is ignored (False)."""
    with uow:
        case = uow.cases.get(number)
        if any(d.sha256 == document.sha256 and d.kind == document.kind for d in case.documents):
            return False
        case.add_document(document, actor)
        reassess(case, book, document.received_at, actor)
        uow.commit()
    return True


@dataclass(frozen=True)
class PaymentResult:
    """The fee due and paid after a payment, and what does not match, in words."""

    fee_due_usd: Decimal | None
    fee_paid_usd: Decimal
    discrepancy: str | None


def record_payment(
    uow: UnitOfWork, book: RuleBook, number: str, amount_usd: Decimal, reference: str,
    at: datetime, actor: str, received_on: date | None = None,
) -> PaymentResult:
    """Record a fee payment and say whether it matches the fee due (under, over, or no fee)."""
    amount_usd = parse_dollars(amount_usd)
    if not reference.strip():
        raise InvalidInput("a payment needs a reference (check number, receipt, transaction id)")
    with uow:
        case = uow.cases.get(number)
        case.add_payment(Payment(
            amount_usd=amount_usd, reference=reference.strip(),
            received_on=received_on or book.calendar.local_date(at), recorded_by=actor, recorded_at=at,
        ))
        due, paid = case.fee_due_usd, case.fee_paid_usd
        discrepancy = None
        if due is None:
            discrepancy = f"${paid:,.2f} received but no fee is set for this case"
        elif paid > due:
            discrepancy = f"overpaid by ${paid - due:,.2f} (fee ${due:,.2f}, paid ${paid:,.2f}): refund due"
        elif paid < due:
            discrepancy = f"underpaid by ${due - paid:,.2f} (fee ${due:,.2f}, paid ${paid:,.2f})"
        if discrepancy:
            case.record(at, actor, "payment discrepancy", note=discrepancy)
        reassess(case, book, at, actor)
        uow.commit()
    return PaymentResult(due, paid, discrepancy)


def add_note(uow: UnitOfWork, number: str, text: str, at: datetime, actor: str) -> None:
    """Add a note to the case."""
    if not text.strip():
        raise InvalidInput("a note needs some text")
    with uow:
        uow.cases.get(number).add_note(Note(text=text.strip(), author=actor, at=at))
        uow.commit()


def log_issue(uow: UnitOfWork, number: str, text: str, at: datetime, actor: str) -> int:
    """Log something the customer raised; returns the issue's number on the case."""
    if not text.strip():
        raise InvalidInput("an issue needs a description")
    with uow:
        case = uow.cases.get(number)
        case.open_issue(CustomerIssue(text=text.strip(), opened_at=at, opened_by=actor))
        uow.commit()
        return len(case.issues)


def resolve_issue(uow: UnitOfWork, number: str, index: int, resolution: str, at: datetime, actor: str) -> None:
    """Record how a customer issue (numbered from 1 on the case) was resolved."""
    if not resolution.strip():
        raise InvalidInput("say how the issue was resolved")
    with uow:
        uow.cases.get(number).resolve_issue(index, resolution.strip(), at, actor)
        uow.commit()


def add_purchase_order(
    uow: UnitOfWork, number: str, equipment: str, po_number: str | None, at: datetime, actor: str,
) -> int:
    """Open a purchase order for utility equipment; returns its number on the case."""
    with uow:
        case = uow.cases.get(number)
        status = PurchaseOrderStatus.ORDERED if po_number else PurchaseOrderStatus.REQUESTED
        case.add_purchase_order(PurchaseOrder(equipment, po_number, status, at), actor)
        uow.commit()
        return len(case.purchase_orders)


def update_purchase_order(
    uow: UnitOfWork, number: str, index: int, status: PurchaseOrderStatus, po_number: str | None,
    at: datetime, actor: str,
) -> None:
    """Change a purchase order's status and PO number."""
    with uow:
        uow.cases.get(number).update_purchase_order(index, status, po_number, at, actor)
        uow.commit()


@dataclass(frozen=True)
class MeetingScheduled:
    """A meeting put on a case: its revision (0 the first time, more for a reschedule) and
    who was sent the invitation, or why nobody was."""

    kind: MeetingKind
    starts_at: datetime
    sequence: int
    invited: Invitee | None
    not_invited_because: str | None


def schedule_meeting(
    uow: UnitOfWork, book: RuleBook, number: str, kind: MeetingKind, starts_at: datetime,
    location: str | None, attendees: list[str], at: datetime, actor: str,
) -> MeetingScheduled:
    """Put a review meeting, site visit or witness test on the case and send the installer
    an invitation in the same commit; scheduling the same kind again is a reschedule, sent as
    an update of the same calendar event. Scheduling the Tier 4 scoping meeting meets its clock."""
    if starts_at.tzinfo is None:
        raise InvalidInput(f"the meeting time {starts_at.isoformat()} has no time zone")
    with uow:
        case = uow.cases.get(number)
        to, reason = _invitee_or_reason(case, starts_at, at)
        meeting = Meeting(kind, starts_at, location, [*attendees, *([to.email] if to else [])], actor)
        case.schedule_meeting(meeting, at, actor)
        if kind == MeetingKind.SCOPING_MEETING:
            reach(case, book, Milestone.SCOPING_MEETING_SCHEDULED, at, actor)
        if to is not None:
            case.notify(invitation_item(case, meeting, book.calendar.zone, to, at))
        uow.commit()
        return MeetingScheduled(kind, starts_at, revision(case, meeting), to, reason)


def _invitee_or_reason(case: Case, starts_at: datetime, at: datetime) -> tuple[Invitee | None, str | None]:
    """Whom to invite, or why no invitation goes out."""
    to = invitee(case)
    if to is None:
        return None, "the case has no installer or applicant e-mail address"
    if not usable_address(to.email):
        return None, f"the {to.role}'s e-mail address {to.email!r} is not one an invitation can go to"
    if not case.is_open:
        return None, f"the case is {case.stage.value.replace('_', ' ')}"
    if starts_at <= at:
        return None, "that time has already passed"
    return to, None
