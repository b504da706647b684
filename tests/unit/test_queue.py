"""The scheduler's index of dispatchable tasks (`waaah.domain.queue`)."""

from __future__ import annotations

from dataclasses import replace

from waaah.domain.lifecycle import Status
from waaah.domain.queue import DispatchOrder, Queued, QueuedTasks
from waaah.domain.tasks import Task


def task(task_id: str, workspace: str | None = None, caps: tuple[str, ...] = ("code-writing",),
         priority: str = "normal", at: int = 0, **kw: object) -> Task:
    return Task(id=task_id, prompt="p", status=Status.QUEUED, priority=priority, created_at=at, updated_at=at,
                to_workspace_id=workspace, required_capabilities=caps, **kw)  # type: ignore[arg-type]


def ids(queue: QueuedTasks, workspaces: list[str | None]) -> list[str]:
    return [task_id for _, task_id in DispatchOrder(queue.groups_in(workspaces))]


def test_only_the_tasks_of_the_asked_workspaces_and_those_without_one_are_offered() -> None:
    queue = QueuedTasks([task("mine", "ws-a"), task("other", "ws-b"), task("anywhere")])
    assert sorted(ids(queue, ["ws-a"])) == ["anywhere", "mine"]
    assert ids(queue, ["ws-c"]) == ["anywhere"]


def test_tasks_come_in_dispatch_order_across_groups() -> None:
    queue = QueuedTasks([task("old", at=1), task("new", at=5), task("docs", caps=("doc-writing",), at=3),
                         task("urgent", "ws-a", priority="critical", at=9)])
    assert ids(queue, ["ws-a"]) == ["urgent", "old", "docs", "new"]


def test_a_dropped_group_yields_nothing_more() -> None:
    queue = QueuedTasks([task(f"c{n}", at=n) for n in range(5)] + [task("d", caps=("doc-writing",), at=2)])
    order = DispatchOrder(queue.groups_in([]))
    seen = []
    for group, task_id in order:
        seen.append(task_id)
        if task_id == "c0":
            order.drop(group)
    assert seen == ["c0", "d"]


def test_put_moves_a_changed_task_and_discard_removes_it() -> None:
    queue = QueuedTasks([task("t1", "ws-a")])
    queue.put(replace(task("t1", "ws-a"), status=Status.APPROVED_QUEUED, assigned_to="author"))
    [group] = queue.groups_in(["ws-a"])
    assert group.key.author == "author" and len(queue) == 1
    queue.discard("t1")
    queue.discard("t1")  # twice is harmless
    assert len(queue) == 0 and queue.groups_in(["ws-a"]) == [] and "t1" not in queue


def test_tasks_added_by_their_matching_fields_come_in_the_order_whole_tasks_do() -> None:
    tasks = [task(f"t{n}", "ws-a" if n % 3 else None, priority="high" if n % 4 == 0 else "normal", at=n % 5)
             for n in range(20)]
    one_by_one, bulk = QueuedTasks(tasks), QueuedTasks()
    for t in tasks:
        bulk.add(Queued.of(t))
    assert ids(bulk, ["ws-a"]) == ids(one_by_one, ["ws-a"]) and len(bulk) == 20


def test_adding_a_task_already_indexed_moves_it() -> None:
    queue = QueuedTasks([task("t1", "ws-a"), task("t2", "ws-a", at=1)])
    queue.add(Queued.of(task("t1", "ws-b", at=2)))
    assert ids(queue, ["ws-a"]) == ["t2"] and ids(queue, ["ws-b"]) == ["t1"] and len(queue) == 2


def test_one_group_keeps_dispatch_order_whatever_order_its_tasks_arrive_in() -> None:
    arrivals = [task("n5", at=5), task("c9", priority="critical", at=9), task("n1", at=1),
                task("h3", priority="high", at=3), task("n3", at=3), task("c2", priority="critical", at=2),
                task("n3b", at=3)]
    queue = QueuedTasks(arrivals)
    assert ids(queue, []) == ["c2", "c9", "h3", "n1", "n3", "n3b", "n5"]
    for gone in ("n3", "h3", "c2"):
        queue.discard(gone)
    assert ids(queue, []) == ["c9", "n1", "n3b", "n5"]
