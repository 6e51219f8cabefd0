"""Reading the rule files from disk into a validated catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cases.errors import RuleFileError
from cases.rules.catalog import RuleCatalog, build_calendar_rules, build_rule_set

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "config" / "rules"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RuleFileError(f"{path}:{where}: not valid YAML: {problem}") from None
    except OSError as error:
        raise RuleFileError(f"{path}: cannot be read: {error.strerror}") from None


def load_catalog(rules_dir: Path | None) -> RuleCatalog:
    """Every rule-set folder under `rules_dir` (each holding ruleset.yaml and its parts) and
    the shared calendar.yaml, validated."""
    root = rules_dir or SHIPPED_RULES
    if not root.is_dir():
        raise RuleFileError(f"rules folder {root} does not exist")
    calendar_file = root / "calendar.yaml"
    if not calendar_file.exists():
        raise RuleFileError(f"{calendar_file} is missing")
    calendar = build_calendar_rules(_read_yaml(calendar_file), str(calendar_file))
    rule_sets = []
    for folder in sorted(p for p in root.iterdir() if (p / "ruleset.yaml").exists()):
        parts = {path.stem: _read_yaml(path) for path in sorted(folder.glob("*.yaml"))}
        rule_sets.append(build_rule_set(parts, str(folder)))
    return RuleCatalog(rule_sets, calendar)
