"""`icdesk parse FILE [--json]`: run the application parser on one PDF from the shell.

For coordinators checking what intake will make of an attachment, and for installers'
support: `--json` prints the contract (application.schema.json), otherwise a short summary.
A file the parser refuses exits with status 2 and its one-line reason on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from parsers.pdf import ParsedApplication, UnreadablePdf, parse_application, to_contract_dict

BAD_FILE = 2
_YES_NO = {True: "yes", False: "no", None: "?"}


def _kw(value: float | None, unit: str = "kW") -> str:
    return "?" if value is None else f"{value:g} {unit}"


def summary(result: ParsedApplication) -> str:
    """A few readable lines: what the document is, who, where, what, and any warnings."""
    gen, site = result.generator, result.site
    place = ", ".join(p for p in (site.address, site.city, site.state, site.zip) if p)
    lines = [
        (f"{result.document_type.replace('_', ' ')} · {result.pages} page(s) · "
         f"read from {result.extraction.replace('_', ' ')}"),
        f"program:   {(result.program or '?').replace('_', ' ')}",
        f"applicant: {result.applicant.name or '?'}  {result.applicant.email or ''}".rstrip(),
        (f"site:      {place or '?'}  account {site.account_number or '?'}, "
         f"meter {site.meter_number or '?'}"),
        f"installer: {result.installer.company or '?'}  licence {result.installer.license or '?'}",
        (f"generator: {gen.type or '?'} · {_kw(gen.nameplate_kw_ac)} AC · "
         f"{_kw(gen.nameplate_kw_dc)} DC · export {_kw(gen.export_kw)}"),
        (f"inverter:  {gen.inverter_quantity or '?'} × {gen.inverter_manufacturer or '?'} "
         f"{gen.inverter_model or '?'} · UL 1741 {_YES_NO[gen.inverter_ul1741]}"),
        f"signed:    {'yes' if result.signature.signed else 'no'}"
        + (f" on {result.signature.date.isoformat()}" if result.signature.date else ""),
    ]
    if gen.storage_kwh is not None or gen.storage_kw is not None:
        lines.append(f"storage:   {_kw(gen.storage_kwh, 'kWh')} · {_kw(gen.storage_kw)}")
    lines += [f"warning:   {warning}" for warning in result.warnings]
    return "\n".join(lines)


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the contract JSON.")
def parse_command(file: Path, as_json: bool) -> None:
    """Parse an application PDF and print what was read from it."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"{file}: cannot read the file ({exc.strerror or exc}).", err=True)
        raise SystemExit(BAD_FILE) from None
    try:
        result = parse_application(data)
    except UnreadablePdf as exc:
        click.echo(f"{file.name}: {exc.reason}", err=True)
        raise SystemExit(BAD_FILE) from None
    if as_json:
        click.echo(json.dumps(to_contract_dict(result), indent=2, ensure_ascii=False))
    else:
        click.echo(summary(result))
