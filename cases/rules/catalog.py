"""Rule sets by version, chosen by the date an application is received.

Building a rule set from already-parsed data is pure; reading the YAML files is done by
the caller (`app`), which passes each file's content under the file's stem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from cases.errors import RuleFileError
from cases.rules.schema import CalendarRules, RuleSet

_PARTS = ("ruleset", "tiers", "fees", "completeness", "clocks", "routing")


def _readable(error: ValidationError, source: str, files: Mapping[str, str]) -> str:
    lines = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        file_name = files.get(location[0], f"{source}/ruleset.yaml") if location else source
        where = ".".join(location[1:]) if location and location[0] in files else ".".join(location)
        lines.append(f"{file_name}: {where or '(top level)'}: {item['msg']}")
    return "\n".join(lines)


def build_rule_set(parts: Mapping[str, Any], source: str) -> RuleSet:
    """A validated rule set from the parsed files of one version folder named `source`.

    `parts` maps a file stem (`ruleset`, `tiers`, `fees`, `completeness`, `clocks`,
    `routing`) to the file's parsed content. Errors name the file and the path of the value.
    """
    missing = [name for name in _PARTS if name not in parts]
    if missing:
        raise RuleFileError(f"{source}: missing rule files: {', '.join(m + '.yaml' for m in missing)}")
    header = parts["ruleset"]
    if not isinstance(header, Mapping):
        raise RuleFileError(f"{source}/ruleset.yaml: expected a mapping of version, title, effective_from")
    data = {**header, **{name: parts[name] for name in _PARTS if name != "ruleset"}}
    files = {name: f"{source}/{name}.yaml" for name in _PARTS if name != "ruleset"}
    try:
        return RuleSet.model_validate(data)
    except ValidationError as error:
        raise RuleFileError(_readable(error, source, files)) from None


def build_calendar_rules(data: Any, source: str) -> CalendarRules:
    """Validated calendar settings from the parsed `calendar.yaml`."""
    try:
        return CalendarRules.model_validate(data)
    except ValidationError as error:
        raise RuleFileError(_readable(error, source, {})) from None


@dataclass(frozen=True)
class UnverifiedValue:
    """One value a tariff administrator must confirm against the rule text."""

    version: str
    where: str
    citation: str
    note: str | None


class RuleCatalog:
    """Every rule-set version, oldest first, and which one governs a given receipt date."""

    def __init__(self, rule_sets: list[RuleSet], calendar: CalendarRules) -> None:
        if not rule_sets:
            raise RuleFileError("no rule sets found")
        self.rule_sets = sorted(rule_sets, key=lambda r: r.effective_from)
        versions = [r.version for r in self.rule_sets]
        if len(set(versions)) != len(versions):
            raise RuleFileError(f"two rule sets share a version name: {versions}")
        self.calendar = calendar

    def for_date(self, day: date) -> RuleSet:
        """The rule set in effect on `day`: the latest whose effective date is not after it."""
        in_effect = [r for r in self.rule_sets if r.effective_from <= day]
        if not in_effect:
            first = self.rule_sets[0]
            raise RuleFileError(
                f"no rules in effect on {day.isoformat()}: the earliest rule set "
                f"({first.version}) takes effect {first.effective_from.isoformat()}"
            )
        return in_effect[-1]

    def version(self, name: str) -> RuleSet:
        """The rule set called `name`; raises `RuleFileError` when unknown."""
        for rule_set in self.rule_sets:
            if rule_set.version == name:
                return rule_set
        raise RuleFileError(f"unknown rule version {name!r}")

    def unverified(self) -> list[UnverifiedValue]:
        """Every value marked `verified: false`, with where it is and what it cites."""
        found = list(_walk_unverified("calendar", self.calendar, ""))
        for rule_set in self.rule_sets:
            found.extend(_walk_unverified(rule_set.version, rule_set, ""))
        return found


def _walk_unverified(version: str, node: Any, path: str) -> Iterator[UnverifiedValue]:
    if isinstance(node, BaseModel):
        values = dict(node)
        for key, value in values.items():
            if key.endswith("_verified") and value is False:
                subject = key.removesuffix("_verified")
                yield UnverifiedValue(version, f"{path}{subject}", str(values.get("citation", "")),
                                      f"{subject} = {values.get(subject)!r}")
        if values.get("verified") is False:
            yield UnverifiedValue(version, path.rstrip(".") or "(top)",
                                  str(values.get("citation", "")), values.get("note"))
        for key, value in values.items():
            yield from _walk_unverified(version, value, f"{path}{key}.")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_unverified(version, value, f"{path}{key}.")
    elif isinstance(node, tuple | list):
        for index, value in enumerate(node):
            yield from _walk_unverified(version, value, f"{path.rstrip('.')}[{_name(value, index)}].")


def _name(value: Any, index: int) -> str:
    for attribute in ("name", "kind", "field", "tier", "customer_class"):
        found = getattr(value, attribute, None)
        if found is not None:
            return f"{attribute}={found}"
    return str(index)
