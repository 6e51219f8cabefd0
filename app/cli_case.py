"""`icdesk case ...`: open, list, show and change cases from the command line."""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path
from typing import Any

import click

from app.context import DeskContext, parse_timestamp, pass_context
from app.render import case_card, history, summary_line
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.errors import InvalidInput
from cases.numbering import normalise_case_number
from cases.queries import to_contract
from cases.stages import parse_stage

ACTOR_OPTION = click.option("--as", "actor", default=None, help="who is acting (default: your login name)")


def acting_user(actor: str | None) -> str:
    """Who is acting: `--as NAME`, else the login name (kept in every event of the log)."""
    name = (actor or getpass.getuser()).strip()
    if not name or len(name) > 120:
        raise InvalidInput("--as wants a name of 1 to 120 characters")
    return name


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path} is not valid JSON: {error.msg} at line {error.lineno}") from None


def _print_case(context: DeskContext, number: str, as_json: bool) -> None:
    desk = context.desk()
    view = desk.reader().get(number)
    if as_json:
        click.echo(json.dumps(to_contract(view, desk.book.calendar), indent=2))
    else:
        click.echo(case_card(view))


@click.group(help="Cases: open, list, show, change.")
def case() -> None:
    pass


@case.command("new", help="Open a case from a parsed application (the parser's JSON).")
@click.option("--from-json", "source", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--received-at", help="ISO 8601 time of receipt with offset (default: now)")
@click.option("--customer-class", type=click.Choice(["residential", "non_residential", "unknown"]))
@click.option("--attach", multiple=True, metavar="KIND=FILE", help="a document received with it")
@click.option("--json", "as_json", is_flag=True, help="print the case as `case show --json` does")
@ACTOR_OPTION
@pass_context
def case_new(context: DeskContext, source: Path, received_at: str | None, customer_class: str | None,
             attach: tuple[str, ...], as_json: bool, actor: str | None) -> None:
    desk = context.desk()
    application = application_from_contract(_load_json(source), customer_class)
    moment = parse_timestamp(received_at) or desk.now()
    documents = tuple(document_from_file(spec, moment) for spec in attach)
    number = services.register_application(
        desk.unit_of_work(), desk.book, application, moment, acting_user(actor), documents=documents,
    )
    if as_json:
        _print_case(context, number, True)
    else:
        click.echo(number)


def document_from_file(spec: str, received_at: Any) -> Document:
    kind, _, name = spec.partition("=")
    if not kind or not name:
        raise InvalidInput(f"--attach wants KIND=FILE, e.g. one_line_diagram=diagram.pdf, not {spec!r}")
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    return Document(kind=kind, filename=path.name, sha256=hashlib.sha256(data).hexdigest(),
                    size_bytes=len(data), received_at=received_at)


@case.command("list", help="List cases, optionally by stage, tier, or only the overdue.")
@click.option("--stage")
@click.option("--tier", type=click.IntRange(1, 4))
@click.option("--overdue", is_flag=True, help="open cases with a clock or task past due")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def case_list(context: DeskContext, stage: str | None, tier: int | None, overdue: bool, as_json: bool) -> None:
    desk = context.desk()
    views = desk.reader().list_cases(stage=stage, tier=tier, overdue_on=desk.today() if overdue else None)
    if as_json:
        click.echo(json.dumps([to_contract(v, desk.book.calendar) for v in views], indent=2))
        return
    for view in views:
        click.echo(summary_line(view))
    click.echo(f"{len(views)} case{'s' if len(views) != 1 else ''}", err=True)


@case.command("show", help="Show one case; --history adds its event log.")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--history", "with_history", is_flag=True)
@pass_context
def case_show(context: DeskContext, number: str, as_json: bool, with_history: bool) -> None:
    number = normalise_case_number(number)
    _print_case(context, number, as_json)
    if with_history and not as_json:
        click.echo("history:")
        click.echo(history(context.desk().reader().get(number)))


@case.command("advance", help="Move a case to another stage (e.g. in_review, approved).")
@click.argument("number")
@click.argument("stage")
@click.option("--note", help="why (for decisions: the reasons)")
@ACTOR_OPTION
@pass_context
def case_advance(context: DeskContext, number: str, stage: str, note: str | None, actor: str | None) -> None:
    desk = context.desk()
    number, target = normalise_case_number(number), parse_stage(stage)
    before = services.advance_stage(desk.unit_of_work(), desk.book, number, target, desk.now(),
                                    acting_user(actor), note)
    click.echo(f"{number}: {before.label} → {target.label}")


@case.command("notice", help="Record that the completeness notice was sent to the applicant.")
@click.argument("number")
@click.option("--at", "sent_at", help="when it was sent, ISO 8601 with offset (default: now)")
@ACTOR_OPTION
@pass_context
def case_notice(context: DeskContext, number: str, sent_at: str | None, actor: str | None) -> None:
    desk = context.desk()
    missing = services.send_completeness_notice(
        desk.unit_of_work(), desk.book, normalise_case_number(number), parse_timestamp(sent_at) or desk.now(),
        acting_user(actor))
    click.echo("notice recorded: " + ("missing " + "; ".join(missing) if missing else "complete"))


@case.command("sweep", help="Lapse overdue clocks and apply deemed outcomes (as of --today).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="default: today (Pacific)")
@pass_context
def case_sweep(context: DeskContext, today: Any) -> None:
    desk = context.desk()
    day = today.date() if today else desk.today()
    for lapse in services.sweep_clocks(desk.unit_of_work(), desk.book, day, desk.now()):
        click.echo(f"{lapse.number}: {lapse.title} was due {lapse.due_on.isoformat()} "
                   f"({lapse.citation}): {lapse.outcome}")
