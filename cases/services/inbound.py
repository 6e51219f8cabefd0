"""What mail does to a case: which case it belongs to, documents that arrive, the local
inspection sign-off, a payment reference, a question. Intake calls these inside its own
transaction, together with the message log and the acknowledgement."""

from __future__ import annotations

from datetime import datetime

from cases.entities import Document, MessageRef, Task, Team
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.services.lifecycle import move, reassess
from cases.stages import Stage

# A sign-off that arrives before construction was recorded still counts: the case walks
# through the stages in between, each with its event.
_TO_INSPECTION = {
    Stage.AGREEMENT_EXECUTED: (Stage.CONSTRUCTION, Stage.LOCAL_INSPECTION_PASSED),
    Stage.CONSTRUCTION: (Stage.LOCAL_INSPECTION_PASSED,),
}


def find_case(
    uow: UnitOfWork, message_ids: list[str], case_numbers: list[str],
    site_address: str | None = None, account_number: str | None = None,
) -> str | None:
    """The case a message belongs to, in the order helpdesks have learned to trust: a reply
    to a message we stored or sent, then a case number quoted in it, then the exact site
    address and account number of an open case."""
    with uow:
        found = uow.cases.number_for_message_ids(message_ids)
        if found:
            return found
        for number in case_numbers:
            if uow.cases.exists(number):
                return number
        if site_address and account_number:
            return uow.cases.open_number_for_site(site_address, account_number)
        return None


def receive_documents(
    uow: UnitOfWork, book: RuleBook, number: str, documents: list[Document], message_id: str | None,
    at: datetime, actor: str,
) -> list[Document]:
    """Attach the documents a message brought (skipping files the case already has) and
    reassess completeness; returns the documents that were new."""
    with uow:
        case = uow.cases.get(number)
        if message_id:
            case.link_message(MessageRef(message_id, "in", at))
        known = {(d.kind, d.sha256) for d in case.documents}
        added = [d for d in documents if (d.kind, d.sha256) not in known]
        for document in added:
            case.add_document(document, actor)
        if added:
            reassess(case, book, at, actor)
        uow.commit()
    return added


def record_inspection_signoff(uow: UnitOfWork, book: RuleBook, number: str, at: datetime, actor: str) -> bool:
    """The local electrical inspection passed: move the case to that stage when the process
    allows; otherwise note it for the coordinator. Returns whether the stage moved."""
    with uow:
        case = uow.cases.get(number)
        steps = _TO_INSPECTION.get(case.stage)
        if steps is None:
            case.open_task(Task(Team.COORDINATOR, "review_inspection_signoff",
                                f"inspection sign-off received while the case is {case.stage.label}",
                                opened_at=at, due_on=book.calendar.add_business_days(
                                    book.calendar.local_date(at), 2)), actor)
        else:
            for stage in steps:
                move(case, book, stage, at, actor, "local electrical inspection sign-off received")
        uow.commit()
        return steps is not None


def record_payment_reference(uow: UnitOfWork, book: RuleBook, number: str, reference: str, at: datetime,
                             actor: str) -> None:
    """A payment the applicant says they made: billing verifies it before it counts."""
    with uow:
        case = uow.cases.get(number)
        case.record(at, actor, "payment reference received", note=reference)
        if "verify_payment_reference" not in {t.kind for t in case.open_tasks()}:
            case.open_task(Task(Team.BILLING, "verify_payment_reference",
                                f"verify the payment the applicant reported: {reference[:150]}", opened_at=at,
                                due_on=book.calendar.add_business_days(book.calendar.local_date(at), 2)), actor)
        uow.commit()


def link_message(uow: UnitOfWork, number: str, message_id: str, direction: str, at: datetime) -> None:
    """Remember a Message-ID on the case so later replies thread to it."""
    with uow:
        uow.cases.get(number).link_message(MessageRef(message_id, direction, at))
        uow.commit()
