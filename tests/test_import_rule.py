"""The layout rule of docs/design.md ("who may import whom"), checked by reading the source.

Every module of the project packages is parsed with `ast`, never imported, so a module that
is broken or slow to import is still checked. Imports inside functions and under
`if TYPE_CHECKING:` count like any other: the rule is about the source, not the run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cases", "parsers", "intake", "bot", "scheduler", "config", "app")
PERSISTENCE = "cases.persistence"

# Which project packages each package may import (itself always; third-party libraries always).
MAY_IMPORT: dict[str, frozenset[str]] = {
    "cases": frozenset({"cases"}),
    "parsers": frozenset({"parsers"}),
    "config": frozenset({"config"}),
    "intake": frozenset({"intake", "cases", "parsers"}),
    "bot": frozenset({"bot", "cases"}),
    "scheduler": frozenset({"scheduler", "cases"}),
    "app": frozenset(PACKAGES),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.imported}: {self.reason}"


def _is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    """The absolute name of `from <level dots><target> import ...` in `module`, if it has one."""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level > len(parts):
        return None
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, target] if target else base)


def _imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The names one statement imports, each a candidate for a separate violation.

    `from a import b` may load the submodule `a.b`: it is one candidate, `a` when `a` itself
    is forbidden, else the first `a.b` that is.
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = _resolve_relative(module, is_package, node.level, node.module)
        if base is None:
            return ["." * node.level + (node.module or "")]
    else:
        base = node.module or ""
    submodules = [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return [next((name for name in [base, *submodules] if _forbidden(module, name)), base)]


def _forbidden(module: str, imported: str) -> str | None:
    """Why `module` may not import `imported`, or None when it may."""
    if imported.startswith("."):
        return "relative import beyond the top-level package"
    importer, target = module.partition(".")[0], imported.partition(".")[0]
    if target not in PACKAGES:
        return None
    if target not in MAY_IMPORT[importer]:
        allowed = ", ".join(sorted(MAY_IMPORT[importer] - {importer})) or "nothing"
        return f"{importer} may import only itself and {allowed} of the project"
    if _is_within(imported, PERSISTENCE) and not (
        importer == "app" or _is_within(module, PERSISTENCE)
    ):
        return f"{PERSISTENCE} is imported only by app and tests"
    return None


def check_source(source: str, module: str, path: str, is_package: bool = False) -> list[Violation]:
    """The import-rule violations in the source of `module` (read from `path`)."""
    violations = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for imported in _imported_names(node, module, is_package):
            reason = _forbidden(module, imported)
            if reason is not None:
                violations.append(Violation(path, node.lineno, module, imported, reason))
    return sorted(set(violations), key=lambda found: (found.line, found.imported))


def project_modules(root: Path = ROOT) -> Iterator[tuple[Path, str, bool]]:
    """Each .py file of the project packages with its module name and whether it is a package."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            yield path, ".".join(parts[:-1] if is_package else parts), is_package


def test_the_project_follows_the_import_rule() -> None:
    modules = list(project_modules())
    violations = [
        violation
        for path, module, is_package in modules
        for violation in check_source(
            path.read_text(encoding="utf-8"), module, str(path.relative_to(ROOT)), is_package
        )
    ]

    assert {module.partition(".")[0] for _, module, _ in modules} == set(PACKAGES)
    assert not violations, "imports that break the layout rule of docs/design.md:\n" + "\n".join(
        str(violation) for violation in violations
    )


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("cases.services", "from app import cli", "app"),
        ("cases.services", "import bot.listeners", "bot.listeners"),
        (
            "cases.services",
            "from cases.persistence.tables import CASES",
            "cases.persistence.tables",
        ),
        ("cases.services", "from cases import persistence", "cases.persistence"),
        ("cases.services", "from .persistence import tables", "cases.persistence"),
        ("cases.rules.tiers", "from ..persistence import tables", "cases.persistence"),
        ("cases.services", "def f():\n    import intake\n", "intake"),
        ("parsers.pdf", "from cases.errors import InvalidInput", "cases.errors"),
        ("config.settings", "import parsers", "parsers"),
        ("intake.poller", "from bot import notifier", "bot"),
        ("intake.poller", "from cases.persistence import UnitOfWork", "cases.persistence"),
        ("bot.listeners", "import intake.imap", "intake.imap"),
        ("bot.listeners", "from parsers import email", "parsers"),
        ("scheduler.jobs", "from app.wiring import build", "app.wiring"),
        ("scheduler.jobs", "from ... import app", "..."),
    ],
)
def test_the_checker_catches_a_forbidden_import(module: str, source: str, imported: str) -> None:
    violations = check_source(source, module, "synthetic.py")

    assert imported in [violation.imported for violation in violations]
    assert "synthetic.py:" in str(violations[0])


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        ("cases.services", "from cases.errors import InvalidInput\nimport sqlalchemy", False),
        ("cases.services", "from . import numbering\nfrom .rules import tiers", False),
        ("cases", "from .errors import DeskError", True),
        ("cases.persistence.tables", "from cases.errors import CaseNotFound", False),
        ("cases.persistence.repository", "from . import tables\nfrom .tables import t", False),
        ("cases.persistence.migrations.env", "from cases.persistence import tables", False),
        ("parsers.pdf", "import pypdf\nfrom parsers.normalise import phone", False),
        ("config", "from .settings import Settings", True),
        ("intake.poller", "from cases import services\nfrom parsers import email", False),
        ("bot.listeners", "from cases.queries import status", False),
        ("scheduler.jobs", "import apscheduler\nfrom cases import services", False),
        ("app.wiring", "from cases.persistence import UnitOfWork\nimport bot, intake", False),
    ],
)
def test_the_checker_allows_what_the_rule_allows(
    module: str, source: str, is_package: bool
) -> None:
    assert check_source(source, module, "synthetic.py", is_package) == []


def test_the_message_names_file_line_and_import() -> None:
    source = '"""Doc."""\n\nimport json\nfrom cases.persistence import tables\n'

    (violation,) = check_source(source, "bot.home", "bot/home.py")

    assert str(violation).startswith("bot/home.py:4: bot.home imports cases.persistence: ")
