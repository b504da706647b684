"""The agent model and the pure matching rules: who may take which task, and who is preferred."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from waaah.domain.tasks import Task, dispatch_order

JSON = dict[str, Any]


class AgentStatus(StrEnum):
    PROCESSING = "PROCESSING"
    WAITING = "WAITING"
    OFFLINE = "OFFLINE"


@dataclass(frozen=True)
class Agent:
    id: str
    display_name: str
    created_at: int
    last_seen: int
    status: AgentStatus = AgentStatus.WAITING
    role: str | None = None
    color: str | None = None
    capabilities: tuple[str, ...] = ()
    workspace_context: JSON | None = None
    source: str | None = None
    eviction_requested: bool = False
    eviction_reason: str | None = None
    eviction_action: str | None = None

    @property
    def repo_id(self) -> str | None:
        repo = (self.workspace_context or {}).get("repoId")
        return repo if isinstance(repo, str) and repo else None


def derive_status(holds_tasks: bool, online: bool) -> AgentStatus:
    """One vocabulary everywhere: PROCESSING when it holds work, else WAITING while online."""
    if holds_tasks:
        return AgentStatus.PROCESSING
    return AgentStatus.WAITING if online else AgentStatus.OFFLINE


def mismatch(task: Task, agent: Agent) -> str | None:
    """Why `agent` cannot take `task`, in words, or None when it can."""
    missing = [c for c in task.required_capabilities if c not in agent.capabilities]
    if missing:
        return f"agent {agent.id} lacks capability {', '.join(missing)}"
    if task.to_workspace_id and agent.repo_id != task.to_workspace_id:
        return (f"agent {agent.id} works in {agent.repo_id or 'no workspace'}, "
                f"task needs {task.to_workspace_id}")
    return None


def score(task: Task, agent: Agent) -> float:
    """The reference's score: 0.4·workspace + 0.4·capabilities + 0.2·hint; 0 when ineligible."""
    if mismatch(task, agent):
        return 0.0
    workspace = 1.0 if task.to_workspace_id else 0.5
    hint = 0.5 if not task.to_agent_id else (1.0 if task.to_agent_id == agent.id else 0.3)
    return 0.4 * workspace + 0.4 * 1.0 + 0.2 * hint


def pick_agent(task: Task, waiting: Sequence[Agent]) -> Agent | None:
    """The best waiting agent for `task`: affinity, then score; ties keep the longest-waiting."""
    best: tuple[float, int] | None = None
    chosen: Agent | None = None
    for order, agent in enumerate(waiting):
        value = score(task, agent)
        if value <= 0:
            continue
        affinity = 1 if task.assigned_to == agent.id else 0
        key = (affinity + value, -order)
        if best is None or key > best:
            best, chosen = key, agent
    return chosen


def pick_task(agent: Agent, candidates: Iterable[Task]) -> Task | None:
    """The task an agent that just started waiting should get: its own first, then by priority and age."""
    eligible = [t for t in candidates if mismatch(t, agent) is None]
    if not eligible:
        return None
    return min(eligible, key=lambda t: (t.assigned_to != agent.id, *dispatch_order(t)))
