"""What a message does to the desk once it is known to be new, readable and from a person:
open a case, add documents, record an inspection sign-off or payment reference, or log a
question. Runs inside `process_message`'s transaction."""

from __future__ import annotations

import re
from dataclasses import replace

from cases import services
from cases.applications import application_from_contract
from cases.messaging import Outcome
from cases.services.inbound import (
    find_case,
    link_message,
    receive_documents,
    record_inspection_signoff,
    record_payment_reference,
)
from cases.stages import Stage
from intake.attachments import Attachments
from intake.context import Intake, Result
from parsers.email_message import IntakeMessage
from parsers.pdf import to_contract_dict

# Who the event log names for what a message did: its sender, as a Slack user's id is named for
# what they did; "intake" only for mail with no usable From. The column holds 120 characters.
ACTOR = "intake"
_ACTOR_LENGTH = 120
_INSPECTION = re.compile(r"\binspection\b.*\b(pass(ed)?|approved|sign[- ]?off|final(ed)?)\b|"
                         r"\b(pass(ed)?|approved|sign[- ]?off|final(ed)?)\b.*\binspection\b", re.I | re.S)
_PAYMENT = re.compile(r"\b(paid|payment|check (no\.?|number|#)\s*\d+|receipt|transaction)\b", re.I)


def _reply_to(message: IntakeMessage) -> str | None:
    return message.reply_to or message.sender


def _actor(message: IntakeMessage) -> str:
    return (message.sender or ACTOR)[:_ACTOR_LENGTH]


def _open_case(intake: Intake, message: IntakeMessage, key: str, found: Attachments) -> Result:
    application = application_from_contract(to_contract_dict(found.applications[0]))
    number = services.register_application(
        intake.uow, intake.book, application, intake.now(), _actor(message), message_id=message.message_id,
        documents=tuple(found.documents))
    case = intake.uow.cases.get(number)
    if case.eligible:
        services.send_completeness_notice(intake.uow, intake.book, number, intake.now(), _actor(message))
    to = _reply_to(message)
    if to:
        intake.queue_reply(intake.replies.acknowledgement(case, to, message.sender_name), message,
                           f"reply:{key}:acknowledgement", number)
    detail = f"Tier {case.tier}, {case.stage.label}" if case.tier else case.stage.label
    return Result(Outcome.NEW_CASE, number, detail)


def _supplement(intake: Intake, message: IntakeMessage, key: str, number: str, found: Attachments) -> Result:
    was_complete = intake.uow.cases.get(number).stage != Stage.INCOMPLETE
    added = receive_documents(intake.uow, intake.book, number, found.documents, message.message_id,
                              intake.now(), _actor(message))
    case = intake.uow.cases.get(number)
    if not was_complete and case.stage == Stage.COMPLETE:
        services.send_completeness_notice(intake.uow, intake.book, number, intake.now(), _actor(message))
    to = _reply_to(message)
    if to and added:
        draft = intake.replies.supplement(case, to, message.sender_name, [d.kind for d in added])
        intake.queue_reply(draft, message, f"reply:{key}:supplement", number)
    kinds = ", ".join(d.kind for d in added) or "nothing new"
    return Result(Outcome.SUPPLEMENT, number, f"added {kinds}; {case.stage.label}")


def _inspection(intake: Intake, message: IntakeMessage, key: str, number: str, found: Attachments) -> Result:
    # The city's sign-off usually comes as a PDF the parser cannot name: file it as what it is.
    documents = [replace(d, kind="inspection_approval") if d.kind == "other" else d for d in found.documents]
    actor = _actor(message)
    receive_documents(intake.uow, intake.book, number, documents, message.message_id or key, intake.now(), actor)
    moved = record_inspection_signoff(intake.uow, intake.book, number, intake.now(), actor)
    return Result(Outcome.INSPECTION, number, "stage moved" if moved else "left for the coordinator")


def act_on_message(intake: Intake, message: IntakeMessage, key: str, found: Attachments) -> Result:
    """Decide what the message is and call the case services (inside the caller's transaction)."""
    first = found.applications[0] if found.applications else None
    number = find_case(
        intake.uow, [*message.in_reply_to, *message.references], list(message.case_numbers),
        first.site.address if first else None, first.site.account_number if first else None,
    )
    if number is None:
        if first is not None:
            return _open_case(intake, message, key, found)
        to = _reply_to(message)
        if to:
            intake.queue_reply(intake.replies.no_application(to, message.subject), message, f"reply:{key}:no-case",
                               None)
        return Result(Outcome.NO_CASE, None, "no case matched and no application attached")
    text = f"{message.subject}\n{message.new_text}"
    if _INSPECTION.search(text):
        return _inspection(intake, message, key, number, found)
    if found.documents:
        return _supplement(intake, message, key, number, found)
    link_message(intake.uow, number, message.message_id or key, "in", intake.now())
    if _PAYMENT.search(text):
        record_payment_reference(intake.uow, intake.book, number, message.new_text.strip()[:500] or message.subject,
                                 intake.now(), _actor(message))
        return Result(Outcome.PAYMENT_REFERENCE, number, None)
    services.log_issue(intake.uow, number, message.new_text.strip() or message.subject, intake.now(),
                       _actor(message))
    return Result(Outcome.QUESTION, number, None)
