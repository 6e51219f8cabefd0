"""Plain-text renderings of the bot's answers, for the terminal chat."""

from __future__ import annotations

from functools import singledispatch

from bot.content import CaseCard, Content, Help, Listing, Notice, PickList, Summary
from bot.masking import masked_view
from cases.rules.tiers import kw


@singledispatch
def render_text(content: Content) -> str:
    """The answer as lines of text."""
    raise TypeError(f"no text rendering for {type(content).__name__}")


@render_text.register
def _notice(content: Notice) -> str:
    return content.text if content.ok else f"! {content.text}"


def _days(left: int | None) -> str:
    if left is None:
        return ""
    return f" ({-left} business days overdue)" if left < 0 else f" ({left} business days left)"


@render_text.register
def _card(content: CaseCard) -> str:
    view = masked_view(content.case) if content.masked else content.case
    site = view.site
    size = view.facility.get("nameplate_kw_ac")
    lines = [
        f"{view.number} · {view.applicant.get('name') or '?'} · {site.get('address') or '?'}, "
        f"{site.get('city') or ''} {site.get('zip') or ''}".rstrip(),
        f"{view.program.replace('_', ' ')} · " + (f"Tier {view.tier}" if view.tier else "no tier")
        + (f" ({kw(size)} kW AC)" if size is not None else "") + f" · stage: {view.stage.replace('_', ' ')}",
        f"account {site.get('account_number') or '?'} · meter {site.get('meter_number') or '?'}",
    ]
    if view.tier_reasons:
        lines.append(f"why: {view.tier_reasons[0]}")
    fee = "none" if view.fee_due_usd == 0 else ("to be set" if view.fee_due_usd is None
                                                else f"${view.fee_due_usd:,.2f} (paid ${view.fee_paid_usd:,.2f})")
    lines.append(f"missing: {'; '.join(view.missing) or 'nothing'} · fee: {fee}")
    lines += [f"clock: {c.title} due {c.due_on.isoformat()} {c.status}{_days(c.business_days_left)}"
              for c in view.clocks]
    lines += [f"task: {t.team} · {t.title}" + (f" · due {t.due_on.isoformat()}" if t.due_on else "")
              + (f" · <@{t.assignee}>" if t.assignee else "") for t in view.tasks if t.status == "open"]
    return "\n".join(lines)


@render_text.register
def _picks(content: PickList) -> str:
    lines = [f"{len(content.matches)} cases match “{content.query}”:"]
    lines += [f"  {m.number}  {m.name or '?'} · {m.address or '?'} · {m.stage.replace('_', ' ')}"
              for m in content.matches]
    return "\n".join(lines)


@render_text.register
def _listing(content: Listing) -> str:
    if not content.rows:
        return content.empty
    lines = [content.title]
    for row in content.rows:
        late = f" · {row.late_business_days} business days late" if row.late_business_days else ""
        due = f" · due {row.due_on.isoformat()}" if row.due_on else ""
        who = f" · <@{row.who}>" if row.who else ""
        lines.append(f"  {row.number}  {row.name or '?'} · {row.what}{due}{who}{late}")
    return "\n".join(lines)


@render_text.register
def _help(content: Help) -> str:
    lines = [content.intro] if content.intro else []
    lines += [f"  {c.usage:<58} {c.summary}  e.g. `{c.example}`" for c in content.commands]
    return "\n".join(lines)


@render_text.register
def _summary(content: Summary) -> str:
    parts = [
        (f"{content.period} · {content.received} received · {content.completed} complete · "
         f"{content.decided} decided · {content.closed} closed"),
        "open by stage: " + ", ".join(f"{c.label} {c.value}" for c in content.by_stage),
        "open by tier: " + ", ".join(f"{c.label} {c.value}" for c in content.by_tier),
        "open by program: " + ", ".join(f"{c.label} {c.value}" for c in content.by_program),
    ]
    if content.median_business_days:
        parts.append("median business days: " + ", ".join(f"{c.label} {c.value}"
                                                             for c in content.median_business_days))
    parts.append(f"clocks: {content.clocks_met} met · {content.clocks_lapsed} lapsed · "
                 f"{content.clocks_extended} extended · {len(content.overdue)} overdue now")
    return "\n".join(parts)
