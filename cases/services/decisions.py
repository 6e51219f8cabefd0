"""The written notice of a decision on an application (OAR 860-039-0030(3), 860-082-0045 and
following): the applicant is told in writing whether the application is approved, approved
with conditions, denied or deemed approved, and why. The core queues it in the same
transaction as the decision, so a decision is never recorded without its notice; the e-mail
sender writes the text from the coordinator-editable `decision` template."""

from __future__ import annotations

from datetime import datetime

from cases.case import Case
from cases.ics import usable_address
from cases.messaging import Channel, OutboxItem
from cases.parties import Program
from cases.services.meetings import invitee
from cases.stages import Stage

_LABELS = {Stage.APPROVED: "Approved", Stage.APPROVED_WITH_CONDITIONS: "Approved with conditions",
           Stage.DENIED: "Denied", Stage.DEEMED_WITHDRAWN: "Withdrawn"}
# The outcomes the applicant is told of in writing: the decisions, and the withdrawal the
# rules deem when the missing items did not come in time.
NOTIFIED = frozenset(_LABELS)
DEEMED = "deemed approved"


def decision_notice(case: Case, decision: Stage, reasons: str, at: datetime) -> OutboxItem | None:
    """The notice of `decision` (one of `NOTIFIED`) to the installer (else the applicant);
    None when the case has no e-mail address to write to (the coordinators then write)."""
    to = invitee(case)
    # An address no mail server would take is not tried at all; the coordinators write
    # instead (the case card shows the address as it was read).
    if to is None or decision not in _LABELS or not usable_address(to.email):
        return None
    deemed = decision == Stage.APPROVED and reasons.startswith(DEEMED)
    label = "Deemed approved" if deemed else _LABELS[decision]
    site = ", ".join(p for p in (case.site.address, case.site.city) if p) or "your site"
    references = [message.message_id for message in case.messages]
    values = {
        "greeting": to.name or "there", "number": case.number, "site": site, "decision": decision.value,
        "deemed": deemed, "reasons": reasons, "net_metering": case.program == Program.NET_METERING,
        "tier": case.tier,
    }
    return OutboxItem(
        key=f"decision:{case.number}:{decision.value}:{at.isoformat()}", channel=Channel.EMAIL, recipient=to.email,
        case_number=case.number, created_at=at,
        payload={"to": to.email, "subject": f"[{case.number}] {label}: {case.site.address or site}",
                 "template": "decision",
                 "values": values, "in_reply_to": references[-1] if references else None,
                 "references": references},
    )
