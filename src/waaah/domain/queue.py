"""The dispatchable tasks, indexed by what an agent must have to take them. Pure; no I/O.

A scheduler pass asks only for the tasks some waiting agent could take: the groups of tasks in the
waiting agents' workspaces (and those with no workspace) whose required capabilities one of them
has. Tasks no waiting agent can take are never looked at, so a pass costs the same with 0 or 100,000
of them queued.

A group holds the tasks one agent can take as well as any other: same workspace, same required
capabilities, and, for approved work going back to its author, the same author. Within a group the
tasks are kept in dispatch order (priority, then oldest, then id).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from waaah.domain.lifecycle import Status
from waaah.domain.tasks import Task, dispatch_order

Order = tuple[int, int, str]


@dataclass(frozen=True)
class Queued:
    """The part of a task matching reads (the attribute names of `Task`)."""

    id: str
    status: Status
    priority: str
    created_at: int
    to_workspace_id: str | None
    required_capabilities: tuple[str, ...]
    to_agent_id: str | None
    assigned_to: str | None

    @classmethod
    def of(cls, task: Task) -> Queued:
        return cls(task.id, task.status, task.priority, task.created_at, task.to_workspace_id,
                   tuple(task.required_capabilities), task.to_agent_id, task.assigned_to)

    @property
    def order(self) -> Order:
        return (*dispatch_order(self), self.id)  # type: ignore[arg-type]

    @property
    def author(self) -> str | None:
        """The agent approved work waits for, else None."""
        return self.assigned_to if self.status is Status.APPROVED_QUEUED else None


@dataclass(frozen=True)
class GroupKey:
    workspace: str | None
    capabilities: frozenset[str]
    author: str | None


class Group:
    """A group's tasks in dispatch order: one sorted lane per priority, so that tasks arriving
    oldest first (the start-up load, new work) are appended rather than inserted."""

    def __init__(self, key: GroupKey) -> None:
        self.key = key
        self._lanes: dict[int, list[Order]] = {}

    def __iter__(self) -> Iterator[Order]:
        return itertools.chain.from_iterable(self._lanes[rank] for rank in sorted(self._lanes))

    def __bool__(self) -> bool:
        return bool(self._lanes)

    def add(self, order: Order) -> None:
        lane = self._lanes.setdefault(order[0], [])
        if not lane or lane[-1] < order:
            lane.append(order)
        else:
            bisect.insort(lane, order)

    def remove(self, order: Order) -> None:
        lane = self._lanes[order[0]]
        del lane[bisect.bisect_left(lane, order)]
        if not lane:
            del self._lanes[order[0]]


class QueuedTasks:
    """The dispatchable tasks by workspace, then by group."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self._tasks: dict[str, tuple[Queued, GroupKey]] = {}
        self._by_workspace: dict[str | None, dict[GroupKey, Group]] = {}
        for task in tasks:
            self.put(task)

    def __len__(self) -> int:
        return len(self._tasks)

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._tasks

    def get(self, task_id: str) -> Queued | None:
        found = self._tasks.get(task_id)
        return found[0] if found else None

    def put(self, task: Task) -> None:
        """Add or replace `task` (a dispatchable one)."""
        self.add(Queued.of(task))

    def add(self, queued: Queued) -> None:
        """Add or replace a task by its matching fields (what the start-up load reads)."""
        self.discard(queued.id)
        key = GroupKey(queued.to_workspace_id, frozenset(queued.required_capabilities), queued.author)
        groups = self._by_workspace.setdefault(key.workspace, {})
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key)
        group.add(queued.order)
        self._tasks[queued.id] = (queued, key)

    def discard(self, task_id: str) -> None:
        found = self._tasks.pop(task_id, None)
        if found is None:
            return
        queued, key = found
        groups = self._by_workspace[key.workspace]
        group = groups[key]
        group.remove(queued.order)
        if not group:
            del groups[key]
            if not groups:
                del self._by_workspace[key.workspace]

    def groups_in(self, workspaces: Iterable[str | None]) -> list[Group]:
        """The groups of tasks in these workspaces and of tasks with no workspace; it walks the
        shorter of the two lists of workspaces (a thousand agents' against the backlog's)."""
        held = self._by_workspace
        asked = workspaces if isinstance(workspaces, Collection) else set(workspaces)
        both = ([w for w in asked if w in held] if len(asked) < len(held)
                else [w for w in held if w in asked])
        return [group for workspace in {None, *both} for group in held.get(workspace, {}).values()]


class DispatchOrder:
    """The tasks of `groups` in dispatch order across them, as `(group, task_id)`; `drop(group)`
    skips the rest of a group (no waiting agent can take its tasks any more) without reading it."""

    def __init__(self, groups: Iterable[Group]) -> None:
        self._heap: list[tuple[Order, int, Group, Iterator[Order]]] = []
        for n, group in enumerate(groups):
            orders = iter(group)
            first = next(orders, None)
            if first is not None:
                self._heap.append((first, n, group, orders))
        heapq.heapify(self._heap)
        self._dropped: set[int] = set()

    def __iter__(self) -> Iterator[tuple[Group, str]]:
        while self._heap:
            order, n, group, orders = heapq.heappop(self._heap)
            if id(group) in self._dropped:
                continue
            following = next(orders, None)
            if following is not None:
                heapq.heappush(self._heap, (following, n, group, orders))
            yield group, order[2]

    def drop(self, group: Group) -> None:
        self._dropped.add(id(group))
