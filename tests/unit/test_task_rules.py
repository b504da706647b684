"""Pure rules: review need, dependency reasons, cycles, matching and the dispatch order."""

from __future__ import annotations

import random

import pytest

from waaah.domain.agents import Agent, WaitingAgents, mismatch, pick_task, score
from waaah.domain.lifecycle import Status
from waaah.domain.tasks import Task, dependency_block_reason, find_cycle, needs_review, new_task_id

S = Status


def a_task(**fields: object) -> Task:
    values: dict[str, object] = {"id": "t", "status": S.QUEUED, "prompt": "p", "created_at": 1, "updated_at": 1}
    values.update(fields)
    return Task(**values)  # type: ignore[arg-type]


def an_agent(agent_id: str, caps: tuple[str, ...] = ("code-writing",), repo: str | None = None) -> Agent:
    context = {"type": "local", "repoId": repo} if repo else None
    return Agent(agent_id, agent_id, 0, 0, capabilities=caps, workspace_context=context)


def test_task_ids_follow_the_reference_shape() -> None:
    assert new_task_id(1732560000000).startswith("task-1732560000000-")
    assert len(new_task_id(1).rsplit("-", 1)[1]) == 6


@pytest.mark.parametrize(("caps", "explicit", "mode", "expected"), [
    (("code-writing",), None, "auto", True),
    (("test-writing",), None, "auto", True),
    (("doc-writing",), None, "auto", False),
    (("doc-writing",), None, "always", True),
    (("code-writing",), None, "never", False),
    (("code-writing",), False, "auto", False),
    ((), True, "never", True),
])
def test_review_is_needed_for_code_and_test_work_unless_set_otherwise(caps, explicit, mode, expected) -> None:
    assert needs_review(caps, explicit, mode) is expected


def test_dependency_reasons_name_failed_dependencies() -> None:
    assert dependency_block_reason({"a": S.COMPLETED}) is None
    assert dependency_block_reason({"a": S.COMPLETED, "b": S.IN_PROGRESS}) == "dependencies"
    assert dependency_block_reason({"a": S.FAILED, "b": S.QUEUED}) == "dependency failed: a FAILED"


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"a": ["b"], "b": ["c"], "c": []}, None),
    ({"a": ["a"]}, ["a", "a"]),
    ({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a", "b", "c", "a"]),
    ({"x": ["y"], "y": [], "a": ["b", "x"], "b": ["a"]}, ["a", "b", "a"]),
])
def test_cycles_are_found_with_their_path(graph, cycle) -> None:
    assert find_cycle(graph) == cycle


def test_an_agent_without_a_required_capability_is_told_why() -> None:
    task = a_task(required_capabilities=("code-writing", "test-writing"))
    assert mismatch(task, an_agent("a")) == "agent a lacks capability test-writing"
    assert score(task, an_agent("a")) == 0


def test_workspace_must_match_exactly() -> None:
    task = a_task(to_workspace_id="org/dojo")
    assert mismatch(task, an_agent("a", repo="org/dojo-skills")) is not None
    assert mismatch(task, an_agent("b", repo="org/dojo")) is None


def test_scores_follow_the_reference() -> None:
    assert score(a_task(to_workspace_id="r", to_agent_id="a"), an_agent("a", repo="r")) == pytest.approx(1.0)
    assert score(a_task(), an_agent("a")) == pytest.approx(0.7)
    assert score(a_task(to_workspace_id="r", to_agent_id="z"), an_agent("a", repo="r")) == pytest.approx(0.86)


def test_the_hinted_agent_is_preferred_and_ties_go_to_the_longest_waiting() -> None:
    agents = [an_agent("first"), an_agent("second")]
    waiting = WaitingAgents(agents)
    assert waiting.pick(a_task()).id == "first"
    assert waiting.pick(a_task(to_agent_id="second")).id == "second"
    assert waiting.pick(a_task(assigned_to="second")).id == "second"


def best_by_score(task: Task, waiting: list[Agent]) -> Agent | None:
    """The reference's rule, scoring every agent: highest score (+1 affinity), ties to the earliest."""
    scored = [(score(task, a) + (task.assigned_to == a.id), -i, a) for i, a in enumerate(waiting)]
    eligible = [entry for entry in scored if score(task, entry[2]) > 0]
    return max(eligible, key=lambda entry: entry[:2])[2] if eligible else None


def test_the_indexed_pick_agrees_with_scoring_every_agent() -> None:
    rng = random.Random(7)
    caps, repos, ids = ["code-writing", "test-writing", "doc-writing"], [None, "r1", "r2"], list("abcdefgh")
    for _ in range(2000):
        waiting = [an_agent(agent_id, tuple(rng.sample(caps, rng.randint(0, 3))), rng.choice(repos))
                   for agent_id in rng.sample(ids, rng.randint(0, 8))]
        index = WaitingAgents(waiting)
        for taken in rng.sample(waiting, rng.randint(0, len(waiting))):
            index.take(taken)
            waiting.remove(taken)
        task = a_task(required_capabilities=tuple(rng.sample(caps, rng.randint(0, 2))),
                      to_workspace_id=rng.choice(repos), to_agent_id=rng.choice([None, *ids]),
                      assigned_to=rng.choice([None, *ids]))
        assert index.pick(task) == best_by_score(task, waiting)
        assert len(index) == len(waiting)


def test_an_agent_gets_its_own_returned_work_first_then_priority_then_age() -> None:
    tasks = [a_task(id="old", created_at=1), a_task(id="urgent", created_at=5, priority="critical"),
             a_task(id="mine", created_at=9, assigned_to="a")]
    assert pick_task(an_agent("a"), tasks).id == "mine"
    assert pick_task(an_agent("b"), tasks).id == "urgent"
    assert pick_task(an_agent("b"), tasks[:1]).id == "old"
