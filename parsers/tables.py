"""Equipment tables: an inverter table with a header row and one row per inverter model.

Forms list several inverters as rows ("Enphase | IQ8PLUS-72-2-US | 24 | 290 W"); reading the
header's column positions and assigning each row's cells to them gives the total quantity,
the make and model, and, where a per-unit rating column exists, the total AC rating.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parsers.layout import Line, Segment
from parsers.normalize import label_key, parse_count, parse_kilo, unit_hint
from parsers.vocab import Candidate, Route

_ROLES: dict[str, tuple[str, ...]] = {
    "make_model": ("make model", "manufacturer model", "manufacturer and model",
                   "manufacturer and model no", "make and model", "inverter make model"),
    "manufacturer": ("manufacturer", "make", "mfr", "brand", "inverter manufacturer",
                     "inverter make"),
    "model": ("model", "model no", "inverter model", "inverter model no", "part no"),
    "quantity": ("quantity", "qty", "no of units", "count", "units", "no", "number of units"),
    "rating": ("rating", "ac rating", "unit rating", "power rating", "nameplate rating",
               "rating each", "ac output", "output", "kw ac", "w ac", "rated power"),
    "type": ("type", "equipment", "component", "item", "equipment type", "description"),
}


_ROLE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("quantity", frozenset({"quantity", "qty"})),
    ("rating", frozenset({"rating", "output", "watts", "kw", "kva", "w"})),
)


def _role(text: str) -> str | None:
    words = label_key(text.split("(", maxsplit=1)[0]).split()
    key = " ".join(words)
    for role, names in _ROLES.items():
        if key in names:
            return role
    # Longer headers ("AC rating each (W)", "Quantity installed") by their telling word.
    for role, telling in _ROLE_WORDS:
        if telling & set(words):
            return role
    return None


@dataclass(frozen=True)
class _Column:
    role: str
    x0: float
    x1: float
    label: str


def _header(line: Line) -> list[_Column] | None:
    # Unknown headers stay columns ("other") so that their cells are not given to a neighbour.
    columns = [_Column(_role(s.text) or "other", s.x0, s.x1, s.text) for s in line.segments]
    roles = {c.role for c in columns} - {"other"}
    names_unit = roles & {"make_model", "manufacturer", "model"}
    if len(roles) >= 2 and names_unit and roles & {"quantity", "rating"}:
        return columns
    return None


def _cell_owner(segment: Segment, columns: Sequence[_Column]) -> _Column:
    def overlap(column: _Column) -> float:
        return min(segment.x1, column.x1) - max(segment.x0, column.x0)

    best = max(columns, key=overlap)
    if overlap(best) > 0:
        return best
    centre = (segment.x0 + segment.x1) / 2
    return min(columns, key=lambda c: abs((c.x0 + c.x1) / 2 - centre))


def _rows(lines: Sequence[Line], start: int, columns: Sequence[_Column],
          ends: Callable[[Line], bool]) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    previous = lines[start]
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.top - previous.bottom > 2.2 * previous.height or ":" in line.text or ends(line):
            break  # a gap, a "Label: value" line, or a heading or labels end the table
        cells: dict[str, str] = {}
        for segment in line.segments:
            role = _cell_owner(segment, columns).role
            cells[role] = f"{cells[role]} {segment.text}".strip() if role in cells else segment.text
        if label_key(line.text).startswith("total"):
            rows.append((index, {}))
            break
        if not cells.keys() & {"make_model", "manufacturer", "model"}:
            break
        rows.append((index, cells))
        previous = line
    return rows


def read_tables(lines: Sequence[Line], route: Route, page: int,
                ends: Callable[[Line], bool] = lambda _line: False
                ) -> tuple[list[Candidate], set[int]]:
    """Candidates from inverter tables on a page, and the line indexes the tables occupy.

    `ends` tells a line that cannot be a row (a heading, a line of other labels): a table
    drawn as cells is often followed, without a gap, by more labelled cells.

    Rows whose type column names something other than an inverter (modules, batteries) are
    left out. The total rating is reported under `generator.table_kw_ac` so that an explicit
    nameplate figure elsewhere on the form keeps precedence.
    """
    found: list[Candidate] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        columns = _header(line) if index not in used else None
        if columns is None:
            continue
        rows = _rows(lines, index, columns, ends)
        if not rows:
            continue  # a row of labels over nothing: the label reader takes it
        used.update([index, *(r for r, _ in rows)])
        inverters = [cells for _, cells in rows if cells and
                     ("type" not in cells or "inverter" in cells["type"].lower())]
        if inverters:
            found.extend(_summarise(inverters, columns, route, page))
    return found, used


def _summarise(rows: list[dict[str, str]], columns: Sequence[_Column], route: Route,
               page: int) -> list[Candidate]:
    def joined(role: str) -> str | None:
        values = list(dict.fromkeys(r[role] for r in rows if r.get(role)))
        return "; ".join(values) if values else None

    found = []
    for role, key in (("manufacturer", "generator.inverter_manufacturer"),
                      ("model", "generator.inverter_model"),
                      ("make_model", "generator.inverter_make_model")):
        if (text := joined(role)) is not None:
            found.append(Candidate(key, text, route, page, "inverter table"))
    counts = [parse_count(r.get("quantity", "")) for r in rows]
    if counts and all(c is not None for c in counts):
        total = sum(c for c in counts if c is not None)
        found.append(Candidate("generator.inverter_quantity", str(total), route, page,
                               "inverter table"))
        rating_label = next((c.label for c in columns if c.role == "rating"), None)
        if rating_label is not None:
            unit = unit_hint(rating_label)
            ratings = [parse_kilo(r.get("rating", ""), default_unit=unit) for r in rows]
            if all(r is not None for r in ratings):
                kw = sum((r or 0.0) * (c or 0) for r, c in zip(ratings, counts, strict=True))
                found.append(Candidate("generator.table_kw_ac", f"{round(kw, 6)} kW", route,
                                       page, "inverter table"))
    return found
