"""The merge queue's state, derived from tasks: approved work not finished yet, per workspace, in
approval order. Pure; no I/O. The runner merges one task at a time per repository; the hub only
shows the order it implies (nothing is stored twice)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from waaah.domain.checks import Check, check_json
from waaah.domain.lifecycle import HELD, Status
from waaah.domain.tasks import Task

JSON = dict[str, Any]
WAITING = frozenset({Status.APPROVED_QUEUED, Status.APPROVED_PENDING_ACK, Status.BLOCKED})
QUEUED_STATUSES = WAITING | HELD
"""The statuses an approved, unfinished task can be in (BLOCKED: it asked a question while merging)."""


def workspace_of(task: Task) -> str | None:
    """The repository a task belongs to: its workspace id, else its workspace context's repoId."""
    repo = task.to_workspace_id or (task.workspace_context or {}).get("repoId")
    return repo if isinstance(repo, str) and repo else None


def in_queue(task: Task) -> bool:
    return task.approved_at is not None and task.status in QUEUED_STATUSES and task.deleted_at is None


def queue_state(task: Task) -> str:
    """`merging` while its author holds it after approval, else `waiting`."""
    return "merging" if task.status in HELD else "waiting"


def merge_queues(tasks: Iterable[Task], merge_checks: Mapping[str, Check],
                 workspace: str | None = None) -> list[JSON]:
    """`[{workspace, tasks: [...]}]`: one queue per workspace (by name), each in approval order."""
    queued = sorted((t for t in tasks if in_queue(t)), key=lambda t: (t.approved_at or 0, t.id))
    queues: dict[str | None, list[JSON]] = {}
    for task in queued:
        repo = workspace_of(task)
        if workspace is not None and repo != workspace:
            continue
        rows = queues.setdefault(repo, [])
        row: JSON = {"taskId": task.id, "title": task.title, "status": task.status.value,
                     "approvedAt": task.approved_at, "position": len(rows) + 1, "state": queue_state(task),
                     "assignedTo": task.assigned_to}
        check = merge_checks.get(task.id)
        if check is not None:
            row["lastMergeCheck"] = {k: v for k, v in check_json(check).items() if k != "output"}
        rows.append(row)
    return [{"workspace": repo, "tasks": rows} for repo, rows in sorted(queues.items(), key=lambda q: q[0] or "")]
