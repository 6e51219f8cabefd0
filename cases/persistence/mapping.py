"""Maps the domain's plain dataclasses onto the tables, without the domain knowing.

Called once by the composition root (and by tests); mapping is a property of the classes,
so a second call is a no-op.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import composite, registry, relationship

from cases.case import Case
from cases.entities import (
    Clock,
    CustomerIssue,
    Document,
    Event,
    Meeting,
    MessageRef,
    Note,
    Payment,
    PurchaseOrder,
    Task,
)
from cases.parties import Applicant, Facility, Installer, Site
from cases.persistence import tables

_registry = registry()
_started = False


def _children(entity: type[Any], table: Any) -> Any:
    return relationship(entity, order_by=table.c.id, cascade="all, delete-orphan", lazy="selectin")


def _composite(kind: type[Any], prefix: str) -> Any:
    columns = [tables.cases.c[f"{prefix}_{name}"] for name in kind.__dataclass_fields__]
    return composite(kind, *columns)


def start_mappers() -> None:
    """Instrument the domain classes for persistence (idempotent)."""
    global _started  # noqa: PLW0603 - mapping is process-wide by nature in SQLAlchemy
    if _started:
        return
    children = {
        Document: tables.documents, Task: tables.tasks, Clock: tables.clocks,
        Payment: tables.payments, CustomerIssue: tables.issues, Note: tables.notes,
        PurchaseOrder: tables.purchase_orders, Meeting: tables.meetings,
        MessageRef: tables.messages, Event: tables.events,
    }
    for entity, table in children.items():
        _registry.map_imperatively(entity, table)
    _registry.map_imperatively(Case, tables.cases, properties={
        "applicant": _composite(Applicant, "applicant"),
        "site": _composite(Site, "site"),
        "installer": _composite(Installer, "installer"),
        "facility": _composite(Facility, "facility"),
        "documents": _children(Document, tables.documents),
        "tasks": _children(Task, tables.tasks),
        "clocks": _children(Clock, tables.clocks),
        "payments": _children(Payment, tables.payments),
        "issues": _children(CustomerIssue, tables.issues),
        "notes": _children(Note, tables.notes),
        "purchase_orders": _children(PurchaseOrder, tables.purchase_orders),
        "meetings": _children(Meeting, tables.meetings),
        "messages": _children(MessageRef, tables.messages),
        "events": _children(Event, tables.events),
    })
    _started = True
