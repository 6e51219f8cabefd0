"""The e-mails intake sends, written from templates a coordinator can edit (Jinja2 files in
`intake/templates`, or a folder of the same names given in the settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from cases.case import Case
from cases.rulebook import RuleBook
from cases.rules.tiers import kw

SHIPPED_TEMPLATES = Path(__file__).with_name("templates")
_CURE_CLOCKS = ("nm_cure_missing_info", "sg_cure_missing_info")
_NOTICE_CLOCKS = frozenset({"nm_ack_and_completeness", "sg_ack_receipt", "sg_completeness_notice", *_CURE_CLOCKS})


@dataclass(frozen=True)
class Draft:
    to: str
    subject: str
    body: str


def long_date(day: date) -> str:
    """"Tuesday, November 3, 2026", as people write dates in letters."""
    return f"{day:%A, %B} {day.day}, {day.year}"


class Templates:
    """The plain-text mail templates: a coordinator's folder first, so it can override any
    one of them, then the shipped ones."""

    def __init__(self, template_dir: Path | None = None) -> None:
        search = [str(path) for path in (template_dir, SHIPPED_TEMPLATES) if path is not None]
        self._environment = Environment(
            loader=FileSystemLoader(search), undefined=StrictUndefined, keep_trailing_newline=True,
            autoescape=False,  # noqa: S701 - plain-text mail, never rendered as HTML
        )

    def render(self, name: str, **values: object) -> str:
        """`name`.txt.j2 filled with `values`; a value the template needs and lacks is an
        error (StrictUndefined), never a blank in a letter."""
        return self._environment.get_template(f"{name}.txt.j2").render(**values)


class Replies:
    def __init__(self, book: RuleBook, template_dir: Path | None = None) -> None:
        self._book = book
        self._templates = Templates(template_dir)

    def _render(self, name: str, **values: object) -> str:
        return self._templates.render(name, **values)

    def _case_values(self, case: Case, greeting_name: str | None) -> dict[str, object]:
        site = ", ".join(p for p in (case.site.address, case.site.city) if p) or "your site"
        cure = next((c for c in case.active_clocks() if c.name in _CURE_CLOCKS), None)
        rule = next((r for r in self._book.rules_for(case).clocks if cure and r.name == cure.name), None)
        upcoming = sorted((c for c in case.active_clocks() if c.name not in _NOTICE_CLOCKS), key=lambda c: c.due_on)
        next_step = (f"Next: {upcoming[0].title}, by {long_date(upcoming[0].due_on)} ({upcoming[0].citation})."
                     if upcoming else "We will be in touch about the next step.")
        return {
            "greeting": greeting_name or case.applicant.name or "there",
            "number": case.number, "site": site, "missing": case.missing, "next_step": next_step,
            "cure_due": long_date(cure.due_on) if cure else None,
            "cure_days": rule.days if rule else None, "cure_citation": cure.citation if cure else None,
        }

    def acknowledgement(self, case: Case, to: str, greeting_name: str | None) -> Draft:
        """The first answer to an application: case number, tier and why, fee, what is missing."""
        facility = case.facility
        size = facility.nameplate_kw_ac if facility.nameplate_kw_ac is not None else facility.nameplate_kw_dc
        export = f", {kw(facility.export_kw)} kW export" if facility.export_kw is not None else ""
        tiers = self._book.rules_for(case).tiers[case.program].tiers
        rule = next((t.citation for t in tiers if t.tier == case.tier), "")
        tier_line = (f"Tier {case.tier} ({kw(size)} kW nameplate{export}; {rule})" if case.tier and size is not None
                     else "the tier will be decided once the nameplate rating is known")
        if case.fee_due_usd is None:
            fee_line = "to be confirmed by the coordinator."
        elif case.fee_due_usd == 0:
            fee_line = f"none for Tier {case.tier}."
        else:
            fee_line = (f"${case.fee_due_usd:,.2f}, payable to the utility by check or online; "
                        f"please quote {case.number} with the payment.")
        body = self._render(
            "acknowledgement", **self._case_values(case, greeting_name),
            program=case.program.value.replace("_", " "), eligible=case.eligible, reasons=case.tier_reasons,
            received_on=long_date(self._book.calendar.local_date(case.received_at)),
            tier_line=tier_line, fee_line=fee_line,
        )
        what = "Not eligible" if not case.eligible else "Received"
        program = case.program.value.replace("_", " ")
        return Draft(to, f"[{case.number}] {what}: {program} application, {case.site.address or 'your site'}", body)

    def supplement(self, case: Case, to: str, greeting_name: str | None, received: list[str]) -> Draft:
        """The answer to documents sent for an open case: what is still missing, or complete."""
        names = ", ".join(kind.replace("_", " ") for kind in received) or "your message"
        body = self._render("supplement", **self._case_values(case, greeting_name), received=names)
        state = "Complete" if not case.missing else "Documents received"
        return Draft(to, f"[{case.number}] {state}: {case.site.address or 'your application'}", body)

    def unreadable(self, to: str, subject: str, reason: str, number: str | None) -> Draft:
        """The sender's file or message could not be read: say what is wrong and what to do."""
        tag = f"[{number}] " if number else ""
        return Draft(to, f"{tag}Could not process: {subject}"[:200],
                     self._render("unreadable", subject=subject, reason=reason, number=number))

    def no_application(self, to: str, subject: str) -> Draft:
        """A message that neither belongs to a case nor carries an application form."""
        return Draft(to, f"Not matched to a case: {subject}"[:200], self._render("no_application", subject=subject))

    def oversize(self, to: str, subject: str, size: int, limit: int) -> Draft:
        """A message over the size limit, not processed."""
        return Draft(to, f"Too large to process: {subject}"[:200], self._render(
            "oversize", subject=subject, size_mb=f"{size / 1_000_000:.1f}", limit_mb=f"{limit / 1_000_000:.0f}"))
