"""The database tables. A case is one row in `cases` plus rows in the child tables; the
event log is append-only (the migration installs triggers that refuse UPDATE and DELETE)."""

from __future__ import annotations

import sqlalchemy as sa

from cases.entities import ClockStatus, MeetingKind, PurchaseOrderStatus, TaskStatus, Team
from cases.messaging import Channel, Outcome
from cases.parties import CustomerClass, Program
from cases.persistence.types import Money, UtcDateTime, text_enum
from cases.stages import Stage

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def _party_columns(prefix: str, names: tuple[str, ...]) -> list[sa.Column[str]]:
    return [sa.Column(f"{prefix}_{name}", sa.String(300)) for name in names]


cases = sa.Table(
    "cases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(16), nullable=False, unique=True),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("program", text_enum(Program), nullable=False),
    sa.Column("customer_class", text_enum(CustomerClass), nullable=False),
    sa.Column("rule_version", sa.String(60), nullable=False),
    sa.Column("stage", text_enum(Stage), nullable=False, index=True),
    sa.Column("tier", sa.Integer),
    sa.Column("tier_reasons", sa.JSON, nullable=False),
    sa.Column("eligible", sa.Boolean, nullable=False),
    sa.Column("signed", sa.Boolean, nullable=False),
    sa.Column("signature_date", sa.Date),
    sa.Column("fee_due_usd", Money),
    sa.Column("missing", sa.JSON, nullable=False),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("deemed_complete_at", UtcDateTime),
    sa.Column("decided_at", UtcDateTime),
    sa.Column("decision_reasons", sa.JSON, nullable=False),
    *_party_columns("applicant", ("name", "email", "phone", "mailing_address")),
    *_party_columns("site", ("address", "city", "state", "zip", "account_number", "meter_number")),
    *_party_columns("installer", ("company", "contact", "email", "phone", "license")),
    sa.Column("facility_type", sa.String(40)),
    sa.Column("facility_nameplate_kw_ac", sa.Float),
    sa.Column("facility_nameplate_kw_dc", sa.Float),
    sa.Column("facility_export_kw", sa.Float),
    sa.Column("facility_inverter_manufacturer", sa.String(300)),
    sa.Column("facility_inverter_model", sa.String(300)),
    sa.Column("facility_inverter_quantity", sa.Integer),
    sa.Column("facility_inverter_ul1741", sa.Boolean),
    sa.Column("facility_storage_kwh", sa.Float),
    sa.Column("facility_storage_kw", sa.Float),
)


def _child(name: str, *columns: sa.Column[object]) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        *columns,
    )


documents = _child(
    "case_documents",
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("message_id", sa.String(998)),
)
tasks = _child(
    "case_tasks",
    sa.Column("team", text_enum(Team), nullable=False),
    sa.Column("kind", sa.String(60), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("status", text_enum(TaskStatus), nullable=False),
    sa.Column("assignee", sa.String(120)),
    sa.Column("due_on", sa.Date),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("done_at", UtcDateTime),
    sa.Column("done_by", sa.String(120)),
    sa.Column("advances_to", sa.String(40)),
)
clocks = _child(
    "case_clocks",
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("citation", sa.String(200), nullable=False),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("on_lapse", sa.String(30), nullable=False),
    sa.Column("verified", sa.Boolean, nullable=False),
    sa.Column("status", text_enum(ClockStatus), nullable=False),
    sa.Column("stopped_on", sa.Date),
    sa.Column("original_due_on", sa.Date),
    sa.Column("extended_by", sa.String(200)),
    sa.Column("extension_reason", sa.String(500)),
)
sa.Index("ix_case_clocks_status_due_on", clocks.c.status, clocks.c.due_on)
payments = _child(
    "case_payments",
    sa.Column("amount_usd", Money, nullable=False),
    sa.Column("reference", sa.String(120), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("recorded_by", sa.String(120), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)
issues = _child(
    "case_issues",
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("opened_by", sa.String(120), nullable=False),
    sa.Column("resolution", sa.Text),
    sa.Column("resolved_at", UtcDateTime),
    sa.Column("resolved_by", sa.String(120)),
)
notes = _child(
    "case_notes",
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.String(120), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)
purchase_orders = _child(
    "case_purchase_orders",
    sa.Column("equipment", sa.String(200), nullable=False),
    sa.Column("po_number", sa.String(60)),
    sa.Column("status", text_enum(PurchaseOrderStatus), nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("note", sa.String(500)),
)
meetings = _child(
    "case_meetings",
    sa.Column("kind", text_enum(MeetingKind), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("location", sa.String(300)),
    sa.Column("attendees", sa.JSON, nullable=False),
    sa.Column("scheduled_by", sa.String(120)),
)
messages = _child(
    "case_messages",
    sa.Column("message_id", sa.String(998), nullable=False, index=True),
    sa.Column("direction", sa.String(3), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)
events = _child(
    "case_events",
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("note", sa.Text),
)

case_number_counters = sa.Table(
    "case_number_counters", metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_sequence", sa.Integer, nullable=False),
)

inbound_messages = sa.Table(
    "inbound_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dedupe_key", sa.String(998), nullable=False, unique=True),
    sa.Column("mailbox", sa.String(200), nullable=False),
    sa.Column("processed_at", UtcDateTime, nullable=False),
    sa.Column("outcome", text_enum(Outcome), nullable=False, index=True),
    sa.Column("sender", sa.String(320)),
    sa.Column("subject", sa.String(998)),
    sa.Column("case_number", sa.String(16)),
    sa.Column("detail", sa.Text),
    sa.Column("raw_path", sa.String(500)),
)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    sa.Column("channel", text_enum(Channel), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("case_number", sa.String(16), index=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("available_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("delivered_at", UtcDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("abandoned_at", UtcDateTime),
)
sa.Index("ix_outbox_pending", outbox.c.delivered_at, outbox.c.available_at)
sa.Index("ix_outbox_recipient_created_at", outbox.c.recipient, outbox.c.created_at)

mailbox_cursors = sa.Table(
    "mailbox_cursors", metadata,
    sa.Column("mailbox", sa.String(300), primary_key=True),
    sa.Column("folder", sa.String(300), primary_key=True),
    sa.Column("uidvalidity", sa.BigInteger, nullable=False),
    sa.Column("last_uid", sa.BigInteger, nullable=False),
)

# Slack event ids already handled: Slack retries an event it thinks we missed, and every
# process (HTTP workers, Socket Mode) must agree that the retry is a duplicate.
slack_events = sa.Table(
    "slack_events", metadata,
    sa.Column("event_id", sa.String(100), primary_key=True),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
)

# Where each case's task card sits in each team channel (Slack's message ts), so later news
# about the case edits that card and goes into its thread instead of a new post; `posted_by`
# is the outbox item that posted it, so a retry of that item knows the card is its own.
slack_case_cards = sa.Table(
    "slack_case_cards", metadata,
    sa.Column("case_number", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(40), primary_key=True),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("posted_by", sa.String(300), nullable=False),
    sa.Column("posted_at", UtcDateTime, nullable=False),
)

# Read paths of the digest, the summary and the reports: what stopped or was decided in a
# period, and the last stage change of each case.
sa.Index("ix_case_clocks_stopped_on_status", clocks.c.stopped_on, clocks.c.status)
sa.Index("ix_case_clocks_original_due_on", clocks.c.original_due_on)
sa.Index("ix_cases_deemed_complete_at", cases.c.deemed_complete_at)
sa.Index("ix_cases_decided_at", cases.c.decided_at)
sa.Index("ix_case_events_action_case_id_at", events.c.action, events.c.case_id, events.c.at)
# The summary counts open cases by stage, tier and program from this index alone.
sa.Index("ix_cases_stage_tier_program", cases.c.stage, cases.c.tier, cases.c.program)
