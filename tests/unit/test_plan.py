"""Markdown plans: the table is read, checked (ids, dependencies, cycles) and put in dependency order."""

from __future__ import annotations

import pytest

from waaah.commands.plan import PlanError, PlanRow, find_cycles, load_plan, parse_plan, split_cells

CHAIN_AND_FAN_IN = """\
# Data layer fix

Some prose | with a pipe, not a table.

| ID | Title | Deps | Verify | Size |
|----|-------|------|--------|------|
| T4 | Smoke test | T2, T3 | `make smoke` | L |
| T2 | Emit task events | T1 | `pytest -k task \\| tee out.txt` | M |
| T1 | EventBus module | — | pytest tests/bus | S |
| T3 | Emit agent events | T1 |  | M |
"""


def ids(rows: list[PlanRow]) -> list[str]:
    return [r.id for r in rows]


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan(text)
    return caught.value.problems


def table(*rows: str) -> str:
    return "\n".join(["| ID | Title | Deps | Verify |", "|---|---|---|---|", *rows])


def test_a_plan_is_ordered_with_every_dependency_first_and_file_order_otherwise() -> None:
    rows = load_plan(CHAIN_AND_FAN_IN)
    assert ids(rows) == ["T1", "T2", "T3", "T4"]
    assert {r.id: r.deps for r in rows} == {"T1": (), "T2": ("T1",), "T3": ("T1",), "T4": ("T2", "T3")}


def test_verify_commands_keep_escaped_pipes_and_lose_code_quotes() -> None:
    rows = {r.id: r for r in parse_plan(CHAIN_AND_FAN_IN)}
    assert rows["T2"].verify == "pytest -k task | tee out.txt"
    assert rows["T4"].verify == "make smoke"
    assert rows["T3"].verify is None


def test_extra_columns_are_kept_and_rows_know_their_line() -> None:
    rows = {r.id: r for r in parse_plan(CHAIN_AND_FAN_IN)}
    assert rows["T1"].extra == {"Size": "S"}
    assert rows["T4"].line == 7


@pytest.mark.parametrize("cell", ["", "\u2014", "\u2013", "-", "none", "N/A", "`\u2014`"])
def test_an_empty_dash_or_none_deps_cell_means_no_dependencies(cell: str) -> None:
    assert parse_plan(table(f"| A | a | {cell} | x |"))[0].deps == ()


def test_deps_may_be_separated_by_commas_spaces_or_semicolons_and_quoted() -> None:
    text = table("| A | a | — | x |", "| B | b | — | x |", "| C | c | — | x |", "| D | d | `A`; **B** C | x |")
    assert parse_plan(text)[3].deps == ("A", "B", "C")


def test_column_names_are_case_insensitive_and_in_any_order() -> None:
    text = "| verify | deps | **Id** | TITLE |\n|:--|:-:|--:|---|\n| ok | — | A | a |"
    row = parse_plan(text)[0]
    assert (row.id, row.title, row.deps, row.verify) == ("A", "a", (), "ok")


def test_every_task_table_of_a_file_counts_and_other_tables_are_ignored() -> None:
    text = "\n\n".join([
        "| Phase | Tasks |\n|---|---|\n| 1 | T1 |",
        table("| T1 | first | — | x |"),
        "## Phase 2",
        table("| T2 | second | T1 | x |"),
    ])
    assert ids(load_plan(text)) == ["T1", "T2"]


def test_a_file_without_a_task_table_is_refused() -> None:
    assert "no task table found" in problems_of("| Phase | Tasks |\n|---|---|\n| 1 | T1 |")[0]


def test_a_cycle_is_refused_and_named_with_its_rows() -> None:
    problems = problems_of(table("| A | a | C | x |", "| B | b | A | x |", "| C | c | B | x |"))
    assert problems == ["dependency cycle: A → C → B → A (lines 3, 5, 4)"]


def test_a_task_that_depends_on_itself_is_a_cycle() -> None:
    assert problems_of(table("| A | a | A | x |")) == ["dependency cycle: A → A (line 3)"]


def test_unknown_and_duplicate_ids_are_all_named_at_once() -> None:
    problems = problems_of(table("| A | a | — | x |", "| B | b | Z | x |", "| A | again | — | x |"))
    assert problems == ["duplicate id A: lines 3 and 5", "B (line 4) depends on unknown id Z"]


def test_empty_id_and_title_cells_are_refused() -> None:
    problems = problems_of(table("|  | a | — | x |", "| B |  | — | x |"))
    assert problems == ["line 3: the ID cell is empty", "B (line 4): the Title cell is empty"]


def test_two_separate_cycles_are_both_reported() -> None:
    rows = parse_plan(table("| A | a | B | x |", "| B | b | A | x |", "| C | c | D | x |", "| D | d | C | x |"))
    assert find_cycles(rows) == [["A", "B", "A"], ["C", "D", "C"]]


def test_a_long_chain_is_ordered_without_recursion_limits() -> None:
    rows = ["| T0 | t | — | x |", *(f"| T{i} | t | T{i - 1} | x |" for i in range(1, 3000))]
    assert ids(load_plan(table(*reversed(rows))))[:3] == ["T0", "T1", "T2"]


def test_cells_split_on_unescaped_pipes_only() -> None:
    assert split_cells("| a | b \\| c | d |") == ["a", "b | c", "d"]
