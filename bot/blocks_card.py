"""The case card in Block Kit: who and where, tier and why, stage, fee, what is missing, the
clocks with the business days left, the open tasks with a Done button each, the customer's
issues and the documents received, and the actions a coordinator takes from there. Every
list shows its first entries and a "Show all" button for the rest (`bot.blocks_show_all`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.blocks_kit import (
    ELLIPSIS,
    SECTION_TEXT,
    SHOW_ALL,
    Block,
    actions,
    button,
    clip,
    confirm,
    context,
    day,
    escape,
    fields_section,
    header,
    more,
    pack,
    person,
    plural,
    section,
)
from bot.blocks_lists import document_line, issue_line, short_list, show_all_key
from bot.content import CaseCard
from bot.masking import masked_view
from cases.parties import Program
from cases.queries import CaseView, ClockView, TaskView
from cases.stages import TERMINAL, Stage, allowed_next

# Enough to act on at a glance; the rest are one "Show all" away.
TASKS_SHOWN = 10
CLOCK_SECTIONS = 2
ISSUES_SHOWN = 3
DOCUMENTS_SHOWN = 5
# Withdrawal is a request from the applicant or the rule's answer to a lapsed clock, never
# the "next step" a coordinator advances to, so the confirmation does not offer it.
_NOT_ADVANCES = frozenset({Stage.WITHDRAWN, Stage.DEEMED_WITHDRAWN})


def _joined(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _name(view: CaseView) -> str:
    return str(view.applicant.get("name") or "name not stated")


def _address(view: CaseView) -> str:
    site = view.site
    place = " ".join(str(p) for p in (site.get("city"), site.get("zip")) if p)
    return ", ".join(str(p) for p in (site.get("address"), place) if p) or "address not stated"


def title_line(view: CaseView) -> str:
    """"IC-2026-00412 · Marcus Bell · 4417 N Williams Ave, Portland 97217", unescaped."""
    return _joined(view.number, _name(view), _address(view))


def _tier(view: CaseView) -> str:
    if view.tier is None:
        return "no tier yet" if view.eligible else "not eligible under any tier"
    # The reason that names the tier decided explains it; the ones before it say which tiers failed.
    own = next((r for r in view.tier_reasons if r.startswith(f"Tier {view.tier}:")), None)
    reason = own or (view.tier_reasons[0] if view.tier_reasons else None)
    return f"*Tier {view.tier}*" + (f" — {escape(reason)}" if reason else "")


def _kw(value: Any) -> str | None:
    return None if value is None else f"{float(value):g} kW"


def _facility(view: CaseView) -> str:
    facility = view.facility
    ac, export = _kw(facility.get("nameplate_kw_ac")), _kw(facility.get("export_kw"))
    kind = str(facility.get("type") or "").replace("_", " ")
    listed = "UL 1741" if facility.get("inverter_ul1741") else None
    return escape(_joined(f"{ac} AC" if ac else None, f"export {export}" if export else None, kind, listed))


def _overview(view: CaseView) -> str:
    program = view.program.replace("_", " ").capitalize()
    stage = f"Stage: *{escape(view.stage.replace('_', ' '))}*"
    flags = f"Flags: {escape(', '.join(view.flags))}" if view.flags else None
    return "\n".join(line for line in (f"*{escape(program)}* · {_tier(view)}", _facility(view),
                                       _joined(stage, flags)) if line)


def _usd(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def fee_text(due: Decimal | None, paid: Decimal) -> str:
    """What the fee stands at: unset, none, or due, paid and outstanding."""
    if due is None:
        return "not set yet" + (f" · {_usd(paid)} paid" if paid else "")
    if due == 0:
        return "none"
    outstanding = due - paid
    state = f"{_usd(outstanding)} outstanding" if outstanding > 0 else "paid in full"
    return f"{_usd(due)} due · {_usd(paid)} paid · {state}"


def _facts(view: CaseView) -> list[str]:
    applicant, site, installer = view.applicant, view.site, view.installer
    contact = _joined(applicant.get("email"), applicant.get("phone"))
    meter = f"meter {site['meter_number']}" if site.get("meter_number") else None
    account = _joined(site.get("account_number"), meter) or "not stated"
    fields = [f"*Fee*\n{fee_text(view.fee_due_usd, view.fee_paid_usd)}",
              f"*Customer*\n{escape(_name(view))}" + (f"\n{escape(contact)}" if contact else ""),
              f"*Account*\n{escape(account)}"]
    company = _joined(installer.get("company"), installer.get("contact"))
    if company:
        reach = _joined(installer.get("phone"), installer.get("email"))
        fields.append(f"*Installer*\n{escape(company)}" + (f"\n{escape(reach)}" if reach else ""))
    return fields


def clock_line(clock: ClockView, today: date) -> str:
    """One clock: its title, due date, and the business days left, overdue, met or lapsed."""
    due = f"due {day(clock.due_on, today)}"
    left = clock.business_days_left
    if clock.status == "met":
        state = "✓ met"
    elif clock.status == "lapsed":
        state = "✗ lapsed"
    elif left is None:
        state = escape(clock.status)
    elif left < 0:
        state = f":rotating_light: overdue by {plural(-left, 'business day')}"
    elif left == 0:
        state = "due today"
    else:
        state = f"{plural(left, 'business day')} left"
    if clock.status == "extended":
        state = f"extended · {state}"
    unverified = " · _length not verified_" if not clock.verified else ""
    return f"*{escape(clock.title)}* · {due} · {state} _({escape(clock.citation)})_{unverified}"


def _task_line(task: TaskView, today: date) -> str:
    due = None
    if task.due_on is not None:
        late = ":warning: " if task.due_on < today else ""
        due = f"{late}due {day(task.due_on, today)}"
    return _joined(f"*{escape(task.team)}*", escape(task.title), due, person(task.assignee) or "_unassigned_")


def _task_blocks(view: CaseView, today: date) -> list[Block]:
    open_tasks = [t for t in view.tasks if t.status == "open"]
    if not open_tasks:
        return [context("No open tasks.")]
    blocks = [section(f"*Open tasks* ({len(open_tasks)})")]
    blocks += [section(_task_line(task, today),
                       accessory=button("Done", "case_task_done", f"{view.number}|{task.kind}"))
               for task in open_tasks[:TASKS_SHOWN]]
    hidden = len(open_tasks) - TASKS_SHOWN
    return blocks + (more(hidden, "open tasks", f"tasks|{view.number}") if hidden > 0 else [])


def _advance(view: CaseView) -> dict[str, Any] | None:
    try:
        stage = Stage(view.stage)
    except ValueError:
        return None
    if stage in TERMINAL:
        return None
    nexts = [s.label for s in allowed_next(stage, net_metering=view.program == Program.NET_METERING.value)
             if s not in _NOT_ADVANCES]
    question = (f"Move {view.number} on from *{stage.label}*?"
                + (f" Next: {', '.join(nexts)}." if nexts else ""))
    return button("Advance…", "case_advance", view.number,
                  confirmation=confirm("Advance this case?", question, "Advance", "Cancel"))


def _buttons(view: CaseView) -> list[dict[str, Any]]:
    buttons = [button("Assign to me", "case_assign_me", view.number, style="primary")]
    # Nothing to request from a complete application; the button would only invite a mistake.
    if view.missing:
        buttons.append(button("Request documents", "case_request_documents", view.number))
    advance = _advance(view)
    buttons += [advance] if advance else []
    # The event log is too long for any card; its pages are one press away.
    if view.events:
        buttons.append(button("History", SHOW_ALL, show_all_key("events", view.number)))
    return buttons


def _issues(view: CaseView) -> list[Block]:
    """The customer's issues, open ones first, each with the number `resolve` takes."""
    numbered = list(enumerate(view.issues, start=1))
    ordered = [n for n in numbered if not n[1].get("resolution")] + [n for n in numbered if n[1].get("resolution")]
    return short_list("Customer issues", [issue_line(i, issue) for i, issue in ordered], ISSUES_SHOWN, "issues",
                      view.number)


def _missing(items: tuple[str, ...]) -> str:
    """The missing items on one section, as many as fit, then how many more."""
    text, room = "*Missing:* ", SECTION_TEXT - 40
    for shown, item in enumerate(items):
        piece = ("" if shown == 0 else ", ") + escape(item)
        if len(text) + len(piece) > room:
            return f"{text} {ELLIPSIS} and {len(items) - shown} more"
        text += piece
    return text


def card_blocks(card: CaseCard) -> list[Block]:
    """The case card's blocks; masked values when the card goes where others can read it."""
    view = masked_view(card.case) if card.masked else card.case
    blocks = [header(title_line(view)), section(_overview(view)), fields_section(_facts(view))]
    if view.missing:
        blocks.append(section(_missing(view.missing)))
    if view.clocks:
        clocks, shown = pack([clock_line(c, card.today) for c in view.clocks], CLOCK_SECTIONS)
        blocks += [section("*Clocks*"), *clocks]
        if shown < len(view.clocks):
            blocks += more(len(view.clocks) - shown, "clocks", f"clocks|{view.number}")
    blocks += _task_blocks(view, card.today)
    blocks += _issues(view)
    blocks += short_list("Documents", [document_line(d, card.today) for d in view.documents], DOCUMENTS_SHOWN,
                         "documents", view.number)
    blocks.append(actions(_buttons(view)))
    footer = _joined(plural(len(view.documents), "document") + " received", f"rules {escape(view.rule_version)}",
                     "account and contact details masked" if card.masked else None)
    blocks.append(context(footer))
    return blocks


def card_fallback(card: CaseCard) -> str:
    """The notification line of a case card: number, name, address, stage and tier."""
    view = card.case
    tier = f"Tier {view.tier}" if view.tier is not None else "no tier"
    return clip(escape(f"{title_line(view)} — {view.stage.replace('_', ' ')}, {tier}"), 3000)
