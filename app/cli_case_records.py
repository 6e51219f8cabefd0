"""`icdesk case ...` commands that record things on a case: payments, fees, notes, customer
issues, documents, tasks, clock extensions and corrections."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from app.cli_case import ACTOR_OPTION, acting_user, document_from_file
from app.context import DeskContext, pass_context
from cases import services
from cases.errors import InvalidInput
from cases.money import parse_dollars
from cases.numbering import normalise_case_number
from cases.rules.schema import Milestone
from cases.services.inbound import receive_documents


@click.command("pay", help="Record a fee payment: AMOUNT in dollars and its REFERENCE.")
@click.argument("number")
@click.argument("amount")
@click.argument("reference")
@ACTOR_OPTION
@pass_context
def case_pay(context: DeskContext, number: str, amount: str, reference: str, actor: str | None) -> None:
    desk = context.desk()
    dollars = parse_dollars(amount)
    result = services.record_payment(desk.unit_of_work(), desk.book, normalise_case_number(number),
                                     dollars, reference, desk.now(), acting_user(actor))
    due = "no fee set" if result.fee_due_usd is None else f"fee ${result.fee_due_usd:,.2f}"
    click.echo(f"recorded ${dollars:,.2f}: {due}, paid ${result.fee_paid_usd:,.2f}"
               + (f" — {result.discrepancy}" if result.discrepancy else ""))


@click.command("note", help="Add a note to a case.")
@click.argument("number")
@click.argument("text")
@ACTOR_OPTION
@pass_context
def case_note(context: DeskContext, number: str, text: str, actor: str | None) -> None:
    desk = context.desk()
    services.add_note(desk.unit_of_work(), normalise_case_number(number), text, desk.now(), acting_user(actor))
    click.echo("note added")


@click.command("issue", help="Log something the customer raised (a question, a complaint).")
@click.argument("number")
@click.argument("text")
@ACTOR_OPTION
@pass_context
def case_issue(context: DeskContext, number: str, text: str, actor: str | None) -> None:
    desk = context.desk()
    index = services.log_issue(desk.unit_of_work(), normalise_case_number(number), text, desk.now(), acting_user(actor))
    click.echo(f"issue #{index} logged")


@click.command("resolve", help="Record how customer issue INDEX of a case was resolved.")
@click.argument("number")
@click.argument("index", type=click.IntRange(min=1))
@click.argument("resolution")
@ACTOR_OPTION
@pass_context
def case_resolve(context: DeskContext, number: str, index: int, resolution: str, actor: str | None) -> None:
    desk = context.desk()
    services.resolve_issue(desk.unit_of_work(), normalise_case_number(number), index, resolution, desk.now(),
                           acting_user(actor))
    click.echo(f"issue #{index} resolved")


@click.command("issues", help="Search customer issues and their resolutions across all cases.")
@click.option("--search", "text", default="", help="words to look for (default: list all)")
@pass_context
def case_issues(context: DeskContext, text: str) -> None:
    desk = context.desk()
    for issue in desk.reader().search_issues(text):
        state = f"resolved: {issue.resolution}" if issue.resolution else "open"
        opened = desk.book.calendar.local_date(issue.opened_at).isoformat()
        click.echo(f"{issue.number} #{issue.index} {opened} {issue.opened_by}: {issue.text} — {state}")


@click.command("extend", help="Extend a clock by agreement: CLOCK name, new due DATE (YYYY-MM-DD).")
@click.argument("number")
@click.argument("clock")
@click.argument("due", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--agreed-by", required=True, help="who agreed to the extension")
@click.option("--reason")
@ACTOR_OPTION
@pass_context
def case_extend(context: DeskContext, number: str, clock: str, due: Any, agreed_by: str,
                reason: str | None, actor: str | None) -> None:
    desk = context.desk()
    new_due: date = due.date()
    before = services.extend_clock(desk.unit_of_work(), normalise_case_number(number), clock, new_due,
                                   agreed_by, desk.now(), acting_user(actor), reason)
    click.echo(f"{clock}: due {before.isoformat()} → {new_due.isoformat()} (agreed by {agreed_by})")


@click.command("done", help="Mark a case's task done (TASK: its number on the card, or its kind).")
@click.argument("number")
@click.argument("task")
@ACTOR_OPTION
@pass_context
def case_done(context: DeskContext, number: str, task: str, actor: str | None) -> None:
    desk = context.desk()
    moved = services.complete_task(desk.unit_of_work(), desk.book, normalise_case_number(number), task,
                                   desk.now(), acting_user(actor))
    click.echo("task done" + (f"; case moved to {moved.label}" if moved else ""))



@click.command("fee", help="Set the fee of a case where no rule sets it (AMOUNT in dollars).")
@click.argument("number")
@click.argument("amount")
@click.option("--reason", required=True, help="why this amount (e.g. the study deposit schedule)")
@ACTOR_OPTION
@pass_context
def case_fee(context: DeskContext, number: str, amount: str, reason: str, actor: str | None) -> None:
    desk = context.desk()
    dollars = services.set_fee(desk.unit_of_work(), desk.book, normalise_case_number(number), amount, reason,
                               desk.now(), acting_user(actor))
    click.echo(f"fee set to ${dollars:,.2f}")


@click.command("doc", help="Add a received document to a case: KIND (one_line_diagram, site_plan, …) and FILE.")
@click.argument("number")
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@ACTOR_OPTION
@pass_context
def case_doc(context: DeskContext, number: str, kind: str, file: Path, actor: str | None) -> None:
    desk = context.desk()
    number = normalise_case_number(number)
    document = document_from_file(f"{kind}={file}", desk.now())
    added = receive_documents(desk.unit_of_work(), desk.book, number, [document], None, desk.now(), acting_user(actor))
    click.echo(f"added {kind} to {number}" if added else f"{number} already has this {kind}")


@click.command("assign", help="Give a task (its number on the card, or its kind) to a person.")
@click.argument("number")
@click.argument("task")
@click.argument("assignee")
@ACTOR_OPTION
@pass_context
def case_assign(context: DeskContext, number: str, task: str, assignee: str, actor: str | None) -> None:
    desk = context.desk()
    services.assign_task(desk.unit_of_work(), normalise_case_number(number), task, assignee, desk.now(),
                         acting_user(actor))
    click.echo(f"task {task} assigned to {assignee}")


@click.command("milestone", help="Record a milestone that is not a stage (e.g. agreement_tendered).")
@click.argument("number")
@click.argument("name", type=click.Choice([m.value for m in Milestone]))
@ACTOR_OPTION
@pass_context
def case_milestone(context: DeskContext, number: str, name: str, actor: str | None) -> None:
    desk = context.desk()
    services.record_milestone(desk.unit_of_work(), desk.book, normalise_case_number(number), Milestone(name),
                              desk.now(), acting_user(actor))
    click.echo(f"recorded {name.replace('_', ' ')}")


# Values given as text on the command line but numbers, flags or null in the contract.
_TYPED = {"facility.nameplate_kw_ac", "facility.nameplate_kw_dc", "facility.export_kw", "facility.storage_kw",
          "facility.storage_kwh", "facility.inverter_quantity", "facility.inverter_ul1741", "signature.signed"}


def _value(path: str, text: str) -> Any:
    if text.strip().lower() in ("", "null", "none"):
        return None
    if path in _TYPED:
        try:
            return json.loads(text.strip().lower())
        except json.JSONDecodeError:
            raise InvalidInput(f"{path} wants a number or true/false, not {text!r}") from None
    return text.strip()


@click.command("set", help="Correct what the application says: FIELD=VALUE … (e.g. facility.export_kw=20).")
@click.argument("number")
@click.argument("assignments", nargs=-1, required=True)
@ACTOR_OPTION
@pass_context
def case_set(context: DeskContext, number: str, assignments: tuple[str, ...], actor: str | None) -> None:
    desk = context.desk()
    changes: dict[str, Any] = {}
    for assignment in assignments:
        path, sep, text = assignment.partition("=")
        if not sep:
            raise InvalidInput(f"write FIELD=VALUE, e.g. facility.export_kw=20, not {assignment!r}")
        changes[path.strip()] = _value(path.strip(), text)
    changed = services.correct_case(desk.unit_of_work(), desk.book, normalise_case_number(number), changes,
                                    desk.now(), acting_user(actor))
    click.echo("changed: " + ", ".join(changed) if changed else "nothing changed")


RECORD_COMMANDS = [
    case_pay, case_fee, case_note, case_issue, case_resolve, case_issues, case_extend, case_done, case_assign,
    case_doc, case_milestone, case_set,
]
