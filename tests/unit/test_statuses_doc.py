"""docs/statuses.md keeps up with the lifecycle: every status has its entry, every move of the table its row."""

from __future__ import annotations

import re
from pathlib import Path

from waaah.domain.lifecycle import TRANSITIONS, Actor, Status

DOCS = Path(__file__).parents[2] / "docs" / "statuses.md"
ROW = re.compile(r"^\| `(\w+)` \| `(\w+)` \| ([a-z, ]+) \|$", re.MULTILINE)


def documented_moves() -> set[tuple[str, str, str]]:
    return {(a, b, actor.strip()) for a, b, actors in ROW.findall(DOCS.read_text()) for actor in actors.split(",")}


def test_every_status_has_its_entry() -> None:
    text = DOCS.read_text()
    assert [s.value for s in Status if f"- **`{s.value}`**:" not in text] == []


def test_the_moves_listed_are_exactly_the_transition_table() -> None:
    table = {(a.value, b.value, actor.value) for (a, b), actors in TRANSITIONS.items() for actor in actors}
    listed = documented_moves()
    assert (table - listed, listed - table) == (set(), set())


def test_every_actor_is_explained() -> None:
    text = DOCS.read_text()
    assert [a.value for a in Actor if f"- **{a.value}**:" not in text] == []
