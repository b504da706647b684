"""The task model and the pure rules over it: transitions, the review gate, dependencies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from waaah.domain.lifecycle import TERMINAL, Actor, Status, allowed_actors, allowed_targets
from waaah.domain.records import NOT_STORED, random_suffix
from waaah.errors import IllegalTransition, ReviewRequired

JSON = dict[str, Any]
PRIORITIES = ("critical", "high", "normal")
PRIORITY_RANK = {"critical": 3, "high": 2, "normal": 1}
REVIEWED_CAPABILITIES = frozenset({"code-writing", "test-writing"})
MIN_DIFF_CHARS = 20
FAILURE_REASON = r"^[a-z][a-z0-9_]{0,39}$"
"""A failure reason is a short token (`agent_exit`, `stalled`, `timeout`, `merge_conflict`, `cli_missing`)."""


@dataclass(frozen=True)
class Task:
    """A unit of work. Field names are the snake_case of the reference's JSON names."""

    id: str
    status: Status
    prompt: str
    created_at: int
    updated_at: int
    title: str | None = None
    priority: str = "normal"
    from_type: str = "user"
    from_id: str = "admin"
    from_name: str | None = "AdminUser"
    to_agent_id: str | None = None
    to_workspace_id: str | None = None
    required_capabilities: tuple[str, ...] = ()
    workspace_context: JSON | None = None
    context: JSON | None = None
    response: JSON | None = None
    completed_at: int | None = None
    assigned_to: str | None = None
    dependencies: tuple[str, ...] = ()
    images: tuple[JSON, ...] = ()
    source: str | None = None
    requires_review: bool = False
    approved_at: int | None = None
    blocked_reason: str | None = None
    failure_reason: str | None = None
    pending_ack_agent_id: str | None = None
    ack_sent_at: int | None = None
    last_progress_at: int | None = None
    deleted_at: int | None = None
    verify: tuple[str, ...] = ()
    """Shell commands that check the work (a plan's Verify column); the runner runs them, never the hub."""
    verification: bool = False
    """A plan verification task: it runs verify commands only, needs no review and no diff."""
    approval_override: JSON | None = None
    """`{reason, at}` when a reviewer approved over the verification gate."""
    check_summary: JSON | None = None
    """The state of the latest check of each stage (`domain.checks.summary`), kept with the task."""
    extra: JSON = field(default_factory=dict, compare=False, metadata=NOT_STORED)


def new_task_id(now_ms: int) -> str:
    """`task-<epoch ms>-<6 base36>`, as the reference's clients expect."""
    return f"task-{now_ms}-{random_suffix(6)}"


def needs_review(capabilities: Iterable[str], explicit: bool | None, mode: str) -> bool:
    """The review gate: explicit per task, else the server-wide mode (`auto` = code/test work)."""
    if explicit is not None:
        return explicit
    if mode in ("always", "never"):
        return mode == "always"
    return bool(REVIEWED_CAPABILITIES.intersection(capabilities))


def is_failure_reason(value: str) -> bool:
    return re.fullmatch(FAILURE_REASON, value) is not None


def needs_diff(task: Task) -> bool:
    """Code and test work must come to review with a diff (a plan verification task has none)."""
    return not task.verification and bool(REVIEWED_CAPABILITIES.intersection(task.required_capabilities))


def transition(task: Task, to: Status, actor: Actor, now: int, **changes: Any) -> Task:
    """The one way a status changes: checks the table and the review gate, returns the new task.
    A failure reason is kept only by the move that gives it (to FAILED); any other move clears it."""
    if actor not in allowed_actors(task.status, to):
        raise IllegalTransition(_refusal(task, to, actor), currentStatus=task.status.value,
                                allowed=[s.value for s in allowed_targets(task.status, actor)])
    if to is Status.COMPLETED and task.requires_review and task.approved_at is None:
        raise ReviewRequired(
            f"Task {task.id} requires review before it can be COMPLETED: submit it with status "
            "IN_REVIEW (send_response with a diff); it is returned to you to finish once approved.",
            currentStatus=task.status.value)
    completed_at = now if to in TERMINAL else None
    changes.setdefault("failure_reason", None)
    return replace(task, status=to, updated_at=now, completed_at=completed_at, **changes)


def _refusal(task: Task, to: Status, actor: Actor) -> str:
    targets = allowed_targets(task.status, actor)
    allowed = ", ".join(t.value for t in targets) if targets else "nothing"
    return (f"Task {task.id} is {task.status.value}: {actor.value} cannot move it to {to.value} "
            f"(allowed for {actor.value}: {allowed})")


def unmet_dependencies(statuses: Mapping[str, Status]) -> list[str]:
    """Dependency ids that are not COMPLETED yet."""
    return [dep for dep, status in statuses.items() if status is not Status.COMPLETED]


def dependency_block_reason(statuses: Mapping[str, Status]) -> str | None:
    """Why a task must wait for its dependencies, or None when they are all COMPLETED."""
    dead = [f"{dep} {s.value}" for dep, s in statuses.items() if s in (Status.FAILED, Status.CANCELLED)]
    if dead:
        return "dependency failed: " + ", ".join(dead)
    return "dependencies" if unmet_dependencies(statuses) else None


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle in `graph` (id → the ids it depends on) as a path, or None."""
    state: dict[str, int] = {}
    for start in graph:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(graph.get(start, ())))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(iter(children), None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return [*path[path.index(child):], child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return None


def title_from_prompt(prompt: str) -> str:
    """The first line of the prompt, cut to 80 characters."""
    first = prompt.strip().splitlines()[0].strip() if prompt.strip() else ""
    return first if len(first) <= 80 else first[:77] + "..."


def dispatch_order(task: Task) -> tuple[int, int]:
    """Sort key: priority first (critical > high > normal), then oldest first."""
    return (-PRIORITY_RANK.get(task.priority, 1), task.created_at)
