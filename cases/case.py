"""The case aggregate: one interconnection application from receipt to closure.

Every change goes through a method here and appends an `Event` in the same breath, so the
audit log and the state can never disagree (they are committed in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cases import team_news
from cases.entities import (
    Clock,
    ClockStatus,
    CustomerIssue,
    Document,
    Event,
    Meeting,
    MessageRef,
    Note,
    Payment,
    PurchaseOrder,
    PurchaseOrderStatus,
    Task,
    TaskStatus,
)
from cases.errors import IllegalTransition, InvalidInput
from cases.messaging import OutboxItem
from cases.parties import Applicant, CustomerClass, Facility, Installer, Program, Site
from cases.stages import TERMINAL, Stage, allowed_next, is_allowed


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(v) for k, v in vars(value).items()}
    return value


@dataclass(eq=False)
class Case:
    """One interconnection application, from receipt to closure, with its audit log."""

    number: str
    received_at: datetime
    program: Program
    customer_class: CustomerClass
    rule_version: str
    applicant: Applicant = field(default_factory=Applicant)
    site: Site = field(default_factory=Site)
    installer: Installer = field(default_factory=Installer)
    facility: Facility = field(default_factory=Facility)
    stage: Stage = Stage.RECEIVED
    tier: int | None = None
    tier_reasons: list[str] = field(default_factory=list)
    eligible: bool = True
    signed: bool = False
    signature_date: date | None = None
    fee_due_usd: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    deemed_complete_at: datetime | None = None
    decided_at: datetime | None = None
    decision_reasons: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    issues: list[CustomerIssue] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    purchase_orders: list[PurchaseOrder] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    messages: list[MessageRef] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    # -- reading -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Not closed, withdrawn or deemed withdrawn."""
        return self.stage not in TERMINAL

    @property
    def fee_paid_usd(self) -> Decimal:
        """The sum of the payments recorded, in US dollars."""
        return sum((p.amount_usd for p in self.payments), Decimal(0))

    @property
    def complete(self) -> bool:
        """Eligible and nothing missing (fields, documents, fee)."""
        return self.eligible and not self.missing

    def active_clocks(self) -> list[Clock]:
        """Clocks still counting (running or extended)."""
        return [clock for clock in self.clocks if clock.active]

    def open_tasks(self) -> list[Task]:
        """Tasks not yet done or cancelled."""
        return [task for task in self.tasks if task.status == TaskStatus.OPEN]

    def find_task(self, ref: str) -> Task:
        """A task by its position among all tasks (1-based, as shown) or its kind."""
        if ref.isdigit() and 1 <= int(ref) <= len(self.tasks):
            return self.tasks[int(ref) - 1]
        for task in self.open_tasks():
            if task.kind == ref:
                return task
        kinds = ", ".join(t.kind for t in self.open_tasks()) or "none open"
        raise InvalidInput(f"{self.number} has no open task {ref!r} (open: {kinds})")

    def find_clock(self, name: str) -> Clock:
        """The running clock called `name`; the error lists the running ones."""
        for clock in self.clocks:
            if clock.name == name and clock.active:
                return clock
        names = ", ".join(c.name for c in self.active_clocks()) or "none running"
        raise InvalidInput(f"{self.number} has no running clock {name!r} (running: {names})")

    # -- the audit log -------------------------------------------------------------------

    def record(
        self,
        at: datetime,
        actor: str,
        action: str,
        changes: dict[str, tuple[Any, Any]] | None = None,
        note: str | None = None,
    ) -> None:
        """Append one event; `changes` maps field → (before, after)."""
        json_changes = {
            name: [_jsonable(before), _jsonable(after)]
            for name, (before, after) in (changes or {}).items()
        }
        self.events.append(Event(at=at, actor=actor, action=action, changes=json_changes, note=note))

    def change(self, at: datetime, actor: str, action: str, **values: Any) -> None:
        """Set fields and log the ones whose value actually changed."""
        changed = {}
        for name, after in values.items():
            before = getattr(self, name)
            if before != after:
                changed[name] = (before, after)
                setattr(self, name, after)
        if changed:
            self.record(at, actor, action, changed)

    # -- stage ---------------------------------------------------------------------------

    def move_to(self, target: Stage, at: datetime, actor: str, note: str | None = None) -> None:
        """Move to `target` if the process allows it from the current stage, and tell the
        channels of the teams with tasks on the case."""
        net_metering = self.program == Program.NET_METERING
        if not is_allowed(self.stage, target, net_metering=net_metering):
            allowed = [stage.value for stage in allowed_next(self.stage, net_metering=net_metering)]
            raise IllegalTransition(self.number, self.stage.value, target.value, allowed)
        before = self.stage
        self.stage = target
        self.record(at, actor, "stage changed", {"stage": (before.value, target.value)}, note)
        # Each team that had work on the case before this change has a card showing the stage;
        # a task opened in this same change brings its own card, drawn after the move.
        for team in sorted({task.team.value for task in self.tasks if task.opened_at < at}):
            self.notify(team_news.stage_moved(self.number, team, before, target, at, note))

    # -- parts ---------------------------------------------------------------------------

    def add_document(self, document: Document, actor: str) -> None:
        """Attach a received document (its metadata; the bytes live in storage)."""
        self.documents.append(document)
        self.record(
            document.received_at, actor, "document added",
            {"documents": (None, f"{document.kind}: {document.filename}")},
        )

    def link_message(self, message: MessageRef) -> None:
        """Remember an e-mail's Message-ID so replies thread here; repeats are ignored."""
        if any(m.message_id == message.message_id for m in self.messages):
            return
        self.messages.append(message)

    def open_task(self, task: Task, actor: str) -> None:
        """Give a team a task on this case, and tell the team's channel."""
        self.tasks.append(task)
        self.record(task.opened_at, actor, "task opened",
                    {"task": (None, f"{task.team.value}: {task.title}")})
        self.notify(team_news.task_card(self.number, task))

    # -- notifications -------------------------------------------------------------------

    def notify(self, item: OutboxItem) -> None:
        """Queue a notification; the unit of work writes it to the outbox in the same commit."""
        self.__dict__.setdefault("_notifications", []).append(item)

    def _card_pending(self, task: Task) -> bool:
        """Whether the task's card is still waiting in this change's notifications."""
        key = team_news.task_card_key(self.number, task)
        return any(item.key == key for item in self.__dict__.get("_notifications", ()))

    def take_notifications(self) -> list[OutboxItem]:
        """The notifications queued since the last commit (the unit of work calls this)."""
        taken: list[OutboxItem] = self.__dict__.pop("_notifications", [])
        return taken

    def assign_task(self, task: Task, assignee: str, at: datetime, actor: str) -> None:
        """Give a task to a person, and tell the team's channel; the log keeps who had it before."""
        before, task.assignee = task.assignee, assignee
        self.record(at, actor, "task assigned", {f"task {task.kind} assignee": (before, assignee)})
        self.notify(team_news.task_assigned(self.number, task, assignee, at, actor))

    def finish_task(self, task: Task, at: datetime, actor: str) -> None:
        """Mark an open task done by `actor` and tell the team's channel; a finished task
        cannot be finished again."""
        if task.status != TaskStatus.OPEN:
            raise InvalidInput(f"the task {task.kind!r} of {self.number} is already {task.status}")
        task.status, task.done_at, task.done_by = TaskStatus.DONE, at, actor
        self.record(at, actor, "task done", {f"task {task.kind}": ("open", "done")})
        if not self._card_pending(task):  # else the card, drawn at delivery, shows it done
            self.notify(team_news.task_done(self.number, task, at, actor))

    def cancel_open_tasks(self, at: datetime, actor: str, reason: str) -> None:
        """Cancel what is left to do, e.g. when the case is withdrawn or closed."""
        for task in self.open_tasks():
            task.status = TaskStatus.CANCELLED
            self.record(at, actor, "task cancelled", {f"task {task.kind}": ("open", "cancelled")},
                        reason)

    def start_clock(self, clock: Clock, at: datetime, actor: str) -> None:
        """Start counting a clock (its due date is already computed)."""
        self.clocks.append(clock)
        self.record(at, actor, "clock started",
                    {f"clock {clock.name}": (None, f"due {clock.due_on.isoformat()}")})

    def stop_clock(self, clock: Clock, on: date, at: datetime, actor: str) -> None:
        """Stop a clock because its event happened on `on`: met in time, or lapsed if late."""
        status = ClockStatus.MET if on <= clock.due_on else ClockStatus.LAPSED
        before, clock.status, clock.stopped_on = clock.status, status, on
        self.record(at, actor, "clock stopped", {f"clock {clock.name}": (before.value, status.value)})

    def cancel_clock(self, clock: Clock, at: datetime, actor: str, reason: str) -> None:
        """Drop a running clock that no longer applies (the case was withdrawn, or became
        incomplete again); the event log keeps what it was."""
        self.clocks.remove(clock)
        self.record(at, actor, "clock cancelled",
                    {f"clock {clock.name}": (f"due {clock.due_on.isoformat()}", None)}, reason)

    def lapse_clock(self, clock: Clock, at: datetime, actor: str) -> None:
        """Record that a clock's due date passed without its event."""
        before, clock.status, clock.stopped_on = clock.status, ClockStatus.LAPSED, clock.due_on
        self.record(at, actor, "clock lapsed", {f"clock {clock.name}": (before.value, "lapsed")})

    def extend_clock(
        self, clock: Clock, new_due: date, agreed_by: str, reason: str | None,
        at: datetime, actor: str,
    ) -> None:
        """Move a clock's due date later by agreement, keeping the original and who agreed."""
        if new_due <= clock.due_on:
            raise InvalidInput(
                f"an extension must move {clock.name} past {clock.due_on.isoformat()}"
            )
        before = clock.due_on
        clock.original_due_on = clock.original_due_on or before
        clock.due_on, clock.status = new_due, ClockStatus.EXTENDED
        clock.extended_by, clock.extension_reason = agreed_by, reason
        self.record(at, actor, "clock extended",
                    {f"clock {clock.name} due": (before, new_due)}, f"agreed by {agreed_by}")

    def add_payment(self, payment: Payment) -> None:
        """Record a fee payment."""
        self.payments.append(payment)
        self.record(payment.recorded_at, payment.recorded_by, "payment recorded",
                    {"fee_paid_usd": (self.fee_paid_usd - payment.amount_usd, self.fee_paid_usd)},
                    f"reference {payment.reference}")

    def open_issue(self, issue: CustomerIssue) -> None:
        """Log something the customer raised."""
        self.issues.append(issue)
        self.record(issue.opened_at, issue.opened_by, "customer issue opened", note=issue.text)

    def resolve_issue(self, index: int, resolution: str, at: datetime, actor: str) -> None:
        """Record how issue `index` (1-based) was resolved."""
        if not 1 <= index <= len(self.issues):
            raise InvalidInput(f"{self.number} has no issue #{index} (it has {len(self.issues)})")
        issue = self.issues[index - 1]
        if not issue.open:
            raise InvalidInput(f"issue #{index} of {self.number} is already resolved")
        issue.resolution, issue.resolved_at, issue.resolved_by = resolution, at, actor
        self.record(at, actor, "customer issue resolved", note=f"#{index}: {resolution}")

    def add_note(self, note: Note) -> None:
        """Add a free-text note."""
        self.notes.append(note)
        self.record(note.at, note.author, "note added", note=note.text)

    def add_purchase_order(self, order: PurchaseOrder, actor: str) -> None:
        """Record utility equipment ordered for this interconnection."""
        self.purchase_orders.append(order)
        self.record(order.opened_at, actor, "purchase order opened",
                    {"purchase order": (None, f"{order.equipment} {order.po_number or ''}".strip())})

    def update_purchase_order(
        self, index: int, status: PurchaseOrderStatus, po_number: str | None,
        at: datetime, actor: str,
    ) -> None:
        """Change a purchase order's status (and its PO number once known)."""
        if not 1 <= index <= len(self.purchase_orders):
            raise InvalidInput(f"{self.number} has no purchase order #{index}")
        order = self.purchase_orders[index - 1]
        before = (order.status.value, order.po_number)
        order.status, order.po_number = status, po_number or order.po_number
        self.record(at, actor, "purchase order updated",
                    {f"purchase order #{index}": (before, (status.value, order.po_number))})

    def schedule_meeting(self, meeting: Meeting, at: datetime, actor: str) -> None:
        """Put a meeting, site visit or witness test on the case."""
        self.meetings.append(meeting)
        self.record(at, actor, "meeting scheduled",
                    {meeting.kind.value: (None, meeting.starts_at)}, meeting.location)
