"""Plain-text renderings of cases for the terminal."""

from __future__ import annotations

from cases.queries import CaseView
from cases.rules.tiers import kw


def _fee(view: CaseView) -> str:
    if view.fee_due_usd is None:
        return "fee: to be set" if view.eligible and view.tier else "fee: —"
    if view.fee_due_usd == 0:
        return "fee: none"
    return f"fee: ${view.fee_due_usd:,.2f} due, ${view.fee_paid_usd:,.2f} paid"


def _size(view: CaseView) -> str:
    ac = view.facility.get("nameplate_kw_ac")
    dc = view.facility.get("nameplate_kw_dc")
    if ac is not None:
        return f"{kw(ac)} kW AC"
    return f"{kw(dc)} kW DC" if dc is not None else "size ?"


def _days_left(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f" ({-days} business day{'s' if days < -1 else ''} overdue)"
    return f" ({days} business day{'s' if days != 1 else ''} left)"


def summary_line(view: CaseView) -> str:
    """One line per case for listings."""
    tier = f"Tier {view.tier}" if view.tier else "no tier"
    name = (view.applicant.get("name") or "(no name)")[:24]
    missing = f" ({', '.join(view.missing)})" if view.missing and view.stage == "incomplete" else ""
    return f"{view.number}  {name:<24}  {_size(view):>12}  {tier:<7}  {view.stage.replace('_', ' ')}{missing}"


def case_card(view: CaseView) -> str:
    """The case as a coordinator reads it: who, where, tier and why, what is missing, clocks, tasks."""
    site = view.site
    where = ", ".join(part for part in (site.get("address"), site.get("city")) if part) or "(no site address)"
    lines = [
        f"{view.number} · {view.applicant.get('name') or '(no name)'} · {where}",
        f"{view.program.replace('_', ' ')} · "
        + (f"Tier {view.tier}" if view.tier else "no tier")
        + f" ({_size(view)}) · stage: {view.stage.replace('_', ' ')} · {_fee(view)}",
    ]
    lines += [f"  why: {reason}" for reason in view.tier_reasons]
    if view.missing:
        lines.append("missing: " + "; ".join(view.missing))
    lines += [f"flag: {flag}" for flag in view.flags]
    for clock in view.clocks:
        left = _days_left(clock.business_days_left)
        lines.append(f"clock: {clock.title:<45} due {clock.due_on.isoformat()}  {clock.status}{left}"
                     f"  [{clock.citation}]")
    for index, task in enumerate(view.tasks, start=1):
        due = f" due {task.due_on.isoformat()}" if task.due_on else ""
        who = f" @{task.assignee}" if task.assignee else ""
        lines.append(f"task {index}: {task.team} · {task.title}{due} · {task.status}{who}")
    lines += [f"document: {d.kind} {d.filename} ({d.received_on.isoformat()})" for d in view.documents]
    return "\n".join(lines)


def history(view: CaseView) -> str:
    """The event log, oldest first."""
    rows = []
    for event in view.events:
        changes = "; ".join(f"{name}: {before} → {after}" for name, (before, after) in event.changes.items())
        detail = " · ".join(part for part in (changes, event.note) if part)
        rows.append(f"{event.at.isoformat(timespec='minutes')}  {event.actor:<14} {event.action}"
                    + (f": {detail}" if detail else ""))
    return "\n".join(rows)
