"""The agent model and the pure matching rules: who may take which task, and who is preferred."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from waaah.domain.lifecycle import Status
from waaah.domain.tasks import Task, dispatch_order

JSON = dict[str, Any]


class Matchable(Protocol):
    """What matching reads of a task: a `Task`, or the slim `Queued` the scheduler's index keeps."""

    @property
    def status(self) -> Status: ...
    @property
    def to_workspace_id(self) -> str | None: ...
    @property
    def required_capabilities(self) -> tuple[str, ...]: ...
    @property
    def to_agent_id(self) -> str | None: ...
    @property
    def assigned_to(self) -> str | None: ...


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
    wait_timeout: float | None = None
    """Seconds each wait_for_prompt should last when the call names none (register_agent's waitTimeout)."""

    @property
    def repo_id(self) -> str | None:
        repo = (self.workspace_context or {}).get("repoId")
        return repo if isinstance(repo, str) and repo else None


def is_gone(agent: Agent | None, now: int, offline_after_ms: int) -> bool:
    """An agent that will not come back for its work: unknown, silent past the window, or evicted."""
    return agent is None or now - agent.last_seen >= offline_after_ms or agent.eviction_requested


def awaits_author(task: Matchable) -> bool:
    """An approved task goes back to the agent that did the work: it merges and finishes it."""
    return task.status is Status.APPROVED_QUEUED and task.assigned_to is not None


def derive_status(holds_tasks: bool, online: bool) -> AgentStatus:
    """One vocabulary everywhere: PROCESSING when it holds work, else WAITING while online."""
    if holds_tasks:
        return AgentStatus.PROCESSING
    return AgentStatus.WAITING if online else AgentStatus.OFFLINE


def mismatch(task: Matchable, agent: Agent) -> str | None:
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


class WaitingAgents:
    """The agents waiting for work, longest-waiting first, indexed so that picking one for a task
    doesn't score every agent: a scheduler pass with a thousand waiting agents offers each task to
    the one(s) its affinity or hint name, or to those in its workspace, and stops at the first that
    can take it.

    `pick` gives what the reference's rule gives, highest `score` (+1 for the agent the task was
    assigned to before) with ties to the longest-waiting: among agents that can take a task the score
    differs only by the hint, so the order is affinity, then hint, then waiting order."""

    def __init__(self, agents: Iterable[Agent]) -> None:
        self._order = list(agents)
        self._by_id = {agent.id: agent for agent in self._order}
        self._by_workspace: dict[str | None, list[Agent]] = {}
        for agent in self._order:
            self._by_workspace.setdefault(agent.repo_id, []).append(agent)
        self._taken: set[str] = set()

    def __len__(self) -> int:
        return len(self._order) - len(self._taken)

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._by_id and agent_id not in self._taken

    def pick(self, task: Matchable, author_gone: bool = False) -> Agent | None:
        """The agent to offer `task` to. An approved task waits for its author unless the author is gone."""
        if awaits_author(task) and not author_gone:
            author = self._by_id.get(task.assigned_to or "")
            return author if author is not None and self._can_take(task, author) else None
        for preferred in (task.assigned_to, task.to_agent_id):
            agent = self._by_id.get(preferred) if preferred else None
            if agent is not None and self._can_take(task, agent):
                return agent
        pool = self._by_workspace.get(task.to_workspace_id, []) if task.to_workspace_id else self._order
        return next((agent for agent in pool if self._can_take(task, agent)), None)

    def take(self, agent: Agent) -> None:
        """`agent` got a task in this pass: it is no longer offered any."""
        self._taken.add(agent.id)

    def workspaces(self) -> Iterable[str | None]:
        """The workspaces agents wait in (None for agents without one)."""
        return self._by_workspace.keys()

    def could_take(self, workspace: str | None, capabilities: frozenset[str], author: str | None) -> bool:
        """Whether an agent not yet served could take tasks needing this (`author`: only that one)."""
        if author is not None:
            pool = [self._by_id[author]] if author in self else []
        else:
            pool = self._by_workspace.get(workspace, []) if workspace else self._order
        return any(a.id not in self._taken and (not workspace or a.repo_id == workspace)
                   and capabilities.issubset(a.capabilities) for a in pool)

    def _can_take(self, task: Matchable, agent: Agent) -> bool:
        return agent.id not in self._taken and mismatch(task, agent) is None


def pick_task(agent: Agent, candidates: Iterable[Task]) -> Task | None:
    """The task an agent that just started waiting should get: its own first, then by priority and age."""
    eligible = [t for t in candidates if mismatch(t, agent) is None]
    if not eligible:
        return None
    return min(eligible, key=lambda t: (t.assigned_to != agent.id, *dispatch_order(t)))
