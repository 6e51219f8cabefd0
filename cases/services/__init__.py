"""The services: each opens one transaction, changes one case, and records why."""

from cases.services.clocks import Lapse, extend_clock, sweep_clocks
from cases.services.corrections import correct_case, set_fee
from cases.services.progress import (
    advance_stage,
    assign_task,
    complete_task,
    record_milestone,
    send_completeness_notice,
)
from cases.services.records import (
    MeetingScheduled,
    PaymentResult,
    add_document,
    add_note,
    add_purchase_order,
    log_issue,
    record_payment,
    resolve_issue,
    schedule_meeting,
    update_purchase_order,
)
from cases.services.registration import register_application

__all__ = [
    "Lapse",
    "MeetingScheduled",
    "PaymentResult",
    "add_document",
    "add_note",
    "add_purchase_order",
    "advance_stage",
    "assign_task",
    "complete_task",
    "correct_case",
    "extend_clock",
    "log_issue",
    "record_milestone",
    "record_payment",
    "register_application",
    "resolve_issue",
    "schedule_meeting",
    "send_completeness_notice",
    "set_fee",
    "sweep_clocks",
    "update_purchase_order",
]
