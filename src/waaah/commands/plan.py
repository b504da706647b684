"""Markdown plan files: parse the task table(s), validate them, order them. Pure; no I/O.

A plan is one or more Markdown tables with the columns ID, Title, Deps and Verify (in any order,
case-insensitive; extra columns such as Size are kept). Every such table in the file counts, so a
plan may be split into phases. `—`, `-`, `none` or an empty cell means "no dependencies".
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

REQUIRED_COLUMNS = ("id", "title", "deps", "verify")
NO_DEPS = frozenset({"", "\u2014", "\u2013", "-", "none", "n/a", "na"})  # em dash, en dash, hyphen
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")
_DEP_SPLIT = re.compile(r"[,\s;]+")


class PlanError(Exception):
    """A plan that cannot be created; `problems` names each offending row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanRow:
    id: str
    title: str
    deps: tuple[str, ...]
    verify: str | None
    line: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.id} (line {self.line})"


def split_cells(line: str) -> list[str]:
    """The cells of one table line; `\\|` is a literal pipe (e.g. inside a Verify command)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [c.replace("\\|", "|").strip() for c in cells]


def unwrap(text: str) -> str:
    """A cell without Markdown emphasis or code quotes around it: `**T1**` or `` `T1` `` → T1."""
    text = text.strip()
    for mark in ("**", "__", "`", "*", "_"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            return text[len(mark):-len(mark)].strip()
    return text


def parse_deps(cell: str) -> tuple[str, ...]:
    if unwrap(cell).lower() in NO_DEPS:
        return ()
    parts = (unwrap(p) for p in _DEP_SPLIT.split(cell))
    return tuple(p for p in parts if p.lower() not in NO_DEPS)


def _tables(lines: list[str]) -> list[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """Every Markdown table: (header line number, header cells, [(line number, cells)])."""
    found = []
    i = 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _SEPARATOR.match(lines[i + 1].strip()):
            header, rows, j = split_cells(lines[i]), [], i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append((j + 1, split_cells(lines[j])))
                j += 1
            found.append((i + 1, header, rows))
            i = j
        else:
            i += 1
    return found


def _row(header: list[str], names: list[str], cells: list[str], number: int) -> PlanRow:
    cells = cells + [""] * (len(header) - len(cells))
    cell = {name: cells[names.index(name)] for name in REQUIRED_COLUMNS}
    extra = {unwrap(header[k]): v for k, v in enumerate(cells[: len(header)])
             if names[k] not in REQUIRED_COLUMNS and unwrap(header[k]) and v}
    verify = unwrap(cell["verify"])
    return PlanRow(id=unwrap(cell["id"]), title=unwrap(cell["title"]), deps=parse_deps(cell["deps"]),
                   verify=None if verify.lower() in NO_DEPS else verify, line=number, extra=extra)


def parse_plan(text: str) -> list[PlanRow]:
    """The rows of every table that has the ID, Title, Deps and Verify columns, in file order."""
    rows: list[PlanRow] = []
    for _, header, body in _tables(text.splitlines()):
        names = [unwrap(h).lower() for h in header]
        if not all(col in names for col in REQUIRED_COLUMNS):
            continue
        for number, cells in body:
            rows.append(_row(header, names, cells, number))
    if not rows:
        raise PlanError(["no task table found: expected a Markdown table with the columns "
                         "ID | Title | Deps | Verify and at least one row"])
    return rows


def _row_problems(rows: list[PlanRow]) -> list[str]:
    problems = []
    first: dict[str, PlanRow] = {}
    for row in rows:
        if not row.id:
            problems.append(f"line {row.line}: the ID cell is empty")
            continue
        if not row.title:
            problems.append(f"{row.where}: the Title cell is empty")
        if row.id in first:
            problems.append(f"duplicate id {row.id}: lines {first[row.id].line} and {row.line}")
        else:
            first[row.id] = row
    for row in rows:
        for dep in row.deps:
            if dep not in first:
                problems.append(f"{row.where} depends on unknown id {dep}")
    return problems


def find_cycles(rows: list[PlanRow]) -> list[list[str]]:
    """Each dependency cycle once, as a path whose last id repeats its first (T1 → T2 → T1)."""
    graph: dict[str, list[str]] = {}
    for row in rows:
        graph.setdefault(row.id, list(row.deps))  # a duplicate id is reported on its own; keep the first
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []
    for start in graph:
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                path.append(node)
            deps = graph.get(node, [])
            if i < len(deps):
                stack.append((node, i + 1))
                dep = deps[i]
                if state.get(dep) == 1:
                    cycles.append([*path[path.index(dep):], dep])
                elif state.get(dep) is None and dep in graph:
                    stack.append((dep, 0))
            else:
                state[node] = 2
                path.pop()
    return cycles


def validate(rows: list[PlanRow]) -> None:
    """Raise PlanError naming every empty, duplicate or unknown id and every cycle."""
    problems = _row_problems(rows)
    lines: dict[str, int] = {}
    for row in rows:
        lines.setdefault(row.id, row.line)
    for cycle in find_cycles(rows):
        where = ", ".join(str(lines[i]) for i in cycle[:-1])
        label = "line" if len(cycle) == 2 else "lines"
        problems.append(f"dependency cycle: {' → '.join(cycle)} ({label} {where})")
    if problems:
        raise PlanError(problems)


def dependency_order(rows: list[PlanRow]) -> list[PlanRow]:
    """The rows with every dependency before its dependants, else in file order. Needs a valid plan."""
    validate(rows)
    position = {r.id: i for i, r in enumerate(rows)}
    waiting = {r.id: len(set(r.deps)) for r in rows}
    dependants: dict[str, list[str]] = {}
    for row in rows:
        for dep in set(row.deps):
            dependants.setdefault(dep, []).append(row.id)
    ready = [position[r.id] for r in rows if not r.deps]
    heapq.heapify(ready)
    ordered: list[PlanRow] = []
    while ready:
        row = rows[heapq.heappop(ready)]
        ordered.append(row)
        for dependant in dependants.get(row.id, []):
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, position[dependant])
    return ordered


def load_plan(text: str) -> list[PlanRow]:
    """Parse, validate and order a plan; PlanError lists everything wrong with it."""
    return dependency_order(parse_plan(text))
