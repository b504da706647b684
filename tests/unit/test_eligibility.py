"""Eligibility explains in words why a task is or is not being picked up."""

from __future__ import annotations

from waaah.domain.agents import Agent, AgentStatus
from waaah.domain.eligibility import explain
from waaah.domain.lifecycle import Status
from waaah.domain.tasks import Task


def a_task(**fields: object) -> Task:
    values: dict[str, object] = {"id": "t", "status": Status.QUEUED, "prompt": "p", "created_at": 1, "updated_at": 1}
    values.update(fields)
    return Task(**values)  # type: ignore[arg-type]


def an_agent(agent_id: str, caps: tuple[str, ...] = ("code-writing",), repo: str | None = None,
             status: AgentStatus = AgentStatus.WAITING) -> Agent:
    context = {"type": "local", "repoId": repo} if repo else None
    return Agent(agent_id, agent_id, 0, 0, status, capabilities=caps, workspace_context=context)


def test_no_agents_at_all() -> None:
    assert explain(a_task(), {}, [], set(), {})["reasons"] == ["no agents are registered"]


def test_a_missing_capability_and_a_workspace_nobody_works_in_are_named() -> None:
    task = a_task(required_capabilities=("test-writing",), to_workspace_id="org/api")
    result = explain(task, {}, [an_agent("ada", repo="org/web")], {"ada"}, {})
    assert result["reasons"] == ["no agent with capability test-writing",
                                 "no agent works in workspace org/api"]
    assert result["agents"][0]["reason"] == "agent ada lacks capability test-writing"


def test_eligible_agents_that_are_busy_are_named() -> None:
    result = explain(a_task(), {}, [an_agent("ada")], set(), {"ada": ["t9"]})
    assert result["reasons"] == ["eligible agents are all busy or not waiting: ada"]
    assert result["agents"][0]["reason"] == "agent ada is busy with t9"


def test_a_waiting_eligible_agent_means_it_will_be_picked_up() -> None:
    result = explain(a_task(), {}, [an_agent("ada"), an_agent("bob", ("doc-writing",))], {"ada", "bob"}, {})
    assert result["pickedUpSoon"] is True and result["reasons"] == []


def test_offline_agents_are_not_eligible() -> None:
    result = explain(a_task(), {}, [an_agent("ada", status=AgentStatus.OFFLINE)], set(), {})
    assert result["agents"][0] == {"agentId": "ada", "eligible": False, "waiting": False,
                                   "reason": "agent ada is offline"}


def test_a_blocked_task_names_the_dependencies_it_waits_on() -> None:
    task = a_task(status=Status.BLOCKED, dependencies=("d1", "d2"), blocked_reason="dependencies")
    result = explain(task, {"d1": Status.COMPLETED, "d2": Status.IN_PROGRESS}, [], set(), {})
    assert result["reasons"] == ["waiting on dependency d2 (IN_PROGRESS)"]
    assert result["dispatchable"] is False
