"""`icdesk demo`: the embedded desk with sample applications, for a first look."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time
from importlib import resources
from typing import Any

import click

from app.bootstrap import Desk
from app.context import DeskContext, pass_context
from app.render import case_card, summary_line
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document


def _received_at(desk: Desk, sample: dict[str, Any]) -> datetime:
    day = desk.today()
    for _ in range(int(sample["received_business_days_ago"])):
        day = desk.book.calendar.previous_business_day(day)
    return datetime.combine(day, time.fromisoformat(sample["received_time"]), desk.book.calendar.zone)


def seed_samples(desk: Desk) -> list[str]:
    """Register the sample applications, received over the last business days."""
    samples = json.loads(resources.files("app.samples").joinpath("applications.json").read_text("utf-8"))
    numbers = []
    for sample in samples:
        received_at = _received_at(desk, sample)
        documents = tuple(
            Document(kind=kind, filename=f"{kind}.pdf", sha256=hashlib.sha256(kind.encode()).hexdigest(),
                     size_bytes=0, received_at=received_at)
            for kind in sample["documents"]
        )
        application = application_from_contract(sample["application"], sample["customer_class"])
        numbers.append(services.register_application(
            desk.unit_of_work(), desk.book, application, received_at, "demo", documents=documents))
    return numbers


@click.command("demo", help="Set up the embedded desk with sample applications and show them.")
@pass_context
def demo(context: DeskContext) -> None:
    desk = context.desk()
    reader = desk.reader()
    if not reader.list_cases():
        numbers = seed_samples(desk)
        click.echo(f"seeded {len(numbers)} sample applications into {context.settings.database_url}")
    views = reader.list_cases()
    click.echo(f"icdesk · embedded desk · {context.settings.database_url} · {len(views)} cases")
    for view in views:
        click.echo("  " + summary_line(view))
    if views:
        click.echo("")
        click.echo(case_card(views[0]))
    click.echo("\nTry: icdesk case show IC-… --history · icdesk case list --overdue · icdesk rules check")
