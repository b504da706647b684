"""The scheduler's index of queued tasks, driven with `run_once()`: only work a waiting agent could take
is looked at, however much else is queued, and the index follows every change to a task."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from waaah import scheduler as scheduler_module
from waaah.bus import Bus
from waaah.domain.lifecycle import Status
from waaah.domain.queue import Queued, QueuedTasks
from waaah.domain.records import Event
from waaah.scheduler import Scheduler
from waaah.service import Hub, NewTask
from waaah.service.queries import Queries
from waaah.store.sql import SqlTx
from waaah.waiters import Waiters

WAIT = 5.0
BACKLOG = 520  # more than the scheduler used to read per pass (500)


async def waiting(hub: Hub, waiters: Waiters, agent_id: str, caps: tuple[str, ...] = ("code-writing",)) -> None:
    agent = await hub.agents.register(agent_id, caps, {"type": "local", "repoId": "repo"})
    waiters.add(agent)


async def test_work_behind_a_backlog_nobody_can_take_is_dispatched(hub: Hub) -> None:
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    for n in range(BACKLOG):  # critical, so all of them come first in dispatch order
        await hub.tasks.create(NewTask(prompt=f"rust {n}", priority="critical", capabilities=("rust",)))
    last = await hub.tasks.create(NewTask(prompt="mine", priority="low", capabilities=("code-writing",)))
    await waiting(hub, waiters, "a1")
    report = await scheduler.run_once(full=False)
    assert report.reserved == [(last.id, "a1")]
    await waiting(hub, waiters, "writer", ("doc-writing",))
    await scheduler.run_once(full=False)  # a pass with an agent waiting first re-reads what events touched
    assert scheduler.queue is not None and len(scheduler.queue) == BACKLOG
    scheduler.stop()


async def test_the_index_follows_creation_reservation_and_deletion(hub: Hub) -> None:
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    await waiting(hub, waiters, "writer", ("doc-writing",))  # takes none of the tasks below
    await scheduler.run_once(full=False)  # loads the (empty) index
    assert scheduler.queue is not None and len(scheduler.queue) == 0
    kept = await hub.tasks.create(NewTask(prompt="one", capabilities=("code-writing",)))
    dropped = await hub.tasks.create(NewTask(prompt="two", capabilities=("code-writing",)))
    await hub.tasks.delete(dropped.id)
    await scheduler.run_once(full=False)
    assert kept.id in scheduler.queue and dropped.id not in scheduler.queue
    await waiting(hub, waiters, "a1")
    assert (await scheduler.run_once(full=False)).reserved == [(kept.id, "a1")]
    await scheduler.run_once(full=False)
    assert kept.id not in scheduler.queue  # reserved: no longer queued
    await hub.work.expire(kept.id, "given back")
    await scheduler.run_once(full=False)
    assert kept.id in scheduler.queue
    async with hub.store.read() as tx:
        assert (await tx.get_task(kept.id)).status is Status.QUEUED  # type: ignore[union-attr]
    scheduler.stop()


async def test_a_task_created_after_the_index_loaded_is_dispatched_on_the_next_pass(hub: Hub) -> None:
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    await waiting(hub, waiters, "a1")
    await scheduler.run_once(full=False)
    created = await hub.tasks.create(NewTask(prompt="later", capabilities=("code-writing",)))
    report = await asyncio.wait_for(scheduler.run_once(full=False), WAIT)
    assert report.reserved == [(created.id, "a1")]
    scheduler.stop()


async def test_the_index_loads_a_page_at_a_time_and_keeps_what_changed_meanwhile(
        hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler_module, "LOAD_PAGE", 2)
    tasks = [await hub.tasks.create(NewTask(prompt=f"t{n}", capabilities=("code-writing",))) for n in range(5)]
    later: list[str] = []
    read_page = SqlTx.queued_page

    async def page_then_write(tx: SqlTx, *args: object) -> object:
        page = await read_page(tx, *args)  # type: ignore[arg-type]
        if page and not later:  # after the first page: one task read is cancelled, one not read yet is created
            await hub.tasks.cancel(tasks[0].id)
            later.append((await hub.tasks.create(NewTask(prompt="new", capabilities=("code-writing",)))).id)
        return page

    monkeypatch.setattr(SqlTx, "queued_page", page_then_write)
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    await waiting(hub, waiters, "a1")
    report = await scheduler.run_once(full=False)
    assert report.reserved == [(tasks[1].id, "a1")]
    await waiting(hub, waiters, "a2")
    assert (await scheduler.run_once(full=False)).reserved == [(tasks[2].id, "a2")]
    queue = scheduler.queue
    assert queue is not None and tasks[0].id not in queue and tasks[1].id not in queue
    assert all(task_id in queue for task_id in [t.id for t in tasks[2:]] + later)
    scheduler.stop()


async def test_passes_take_in_new_work_while_nobody_waits(hub: Hub) -> None:
    """A burst of writes with no agent waiting is absorbed pass by pass, not at the first poll."""
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    await scheduler.run_once(full=False)
    created = [await hub.tasks.create(NewTask(prompt=f"t{n}", capabilities=("code-writing",))) for n in range(3)]
    await hub.tasks.cancel(created[0].id)
    await scheduler.run_once(full=False)
    queue = scheduler.queue
    assert queue is not None and len(queue) == 2 and created[0].id not in queue
    await waiting(hub, waiters, "a1")
    assert (await scheduler.run_once(full=False)).reserved == [(created[1].id, "a1")]
    scheduler.stop()


def contents(queue: QueuedTasks | None, task_ids: list[str]) -> dict[str, Queued | None]:
    assert queue is not None
    return {task_id: queue.get(task_id) for task_id in task_ids}


async def test_the_index_kept_by_events_matches_a_fresh_load_after_every_kind_of_change(hub: Hub) -> None:
    """The index takes each task from its event (no read back); after creation, dependencies,
    reservation, ack, review, approval, edits, cancel, retry, expiry and deletion it holds exactly
    what a scheduler starting now would load."""
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    await scheduler.run_once(full=False)
    agent = await hub.agents.register("a1", ("code-writing",), {"type": "local", "repoId": "repo"})
    first = await hub.tasks.create(NewTask(prompt="first", capabilities=("code-writing",)))
    after = await hub.tasks.create(NewTask(prompt="after first", dependencies=(first.id,)))
    edited = await hub.tasks.create(NewTask(prompt="to edit"))
    cancelled = await hub.tasks.create(NewTask(prompt="to cancel"))
    retried = await hub.tasks.create(NewTask(prompt="to retry"))
    deleted = await hub.tasks.create(NewTask(prompt="to delete"))
    expired = await hub.tasks.create(NewTask(prompt="to expire"))
    await hub.work.reserve(first.id, agent.id)
    await hub.work.ack(first.id, agent.id)
    await hub.work.respond(first.id, agent.id, Status.IN_REVIEW, "done", diff="+ a line of work\n" * 3)
    await hub.tasks.approve(first.id)  # back to its author: APPROVED_QUEUED
    await hub.tasks.edit(edited.id, {"priority": "critical", "required_capabilities": ("rust",)})
    await hub.tasks.cancel(cancelled.id)
    await hub.tasks.cancel(retried.id)
    await hub.tasks.retry(retried.id)
    await hub.tasks.delete(deleted.id)
    await hub.work.reserve(expired.id, agent.id)
    await hub.work.expire(expired.id, "given back")
    await scheduler.run_once(full=False)
    ids = [t.id for t in (first, after, edited, cancelled, retried, deleted, expired)]
    fresh = Scheduler(hub, Queries(hub.store), Waiters())
    await fresh.run_once(full=False)
    kept = contents(scheduler.queue, ids)
    assert kept == contents(fresh.queue, ids)
    assert kept[first.id] is not None and kept[first.id].status is Status.APPROVED_QUEUED
    assert kept[edited.id] is not None and kept[edited.id].required_capabilities == ("rust",)
    assert kept[cancelled.id] is None and kept[deleted.id] is None and kept[after.id] is None
    assert kept[retried.id] is not None and kept[expired.id] is not None
    scheduler.stop()
    fresh.stop()


async def test_an_event_written_elsewhere_is_read_back(hub: Hub) -> None:
    """Another process's events (as the PostgreSQL tailer publishes them) carry no task: the index
    reads those tasks back."""
    scheduler = Scheduler(hub, Queries(hub.store), Waiters())
    await scheduler.run_once(full=False)
    task = await hub.tasks.create(NewTask(prompt="queued here"))
    await scheduler.run_once(full=False)
    assert task.id in scheduler.queue  # type: ignore[operator]
    elsewhere = Hub(hub.store, Bus(hub.bus.last_seq), hub.settings)
    written: list[Event] = []
    elsewhere.bus.subscribe(written.append)
    await elsewhere.tasks.cancel(task.id)
    hub.bus.publish([dataclasses.replace(e, task=None, body=None) for e in written])
    await scheduler.run_once(full=False)
    assert task.id not in scheduler.queue  # type: ignore[operator]
    scheduler.stop()


async def test_an_event_during_a_read_back_wins_over_what_the_read_found(
        hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read back started before a later write of the same task must not put the older state back."""
    scheduler = Scheduler(hub, Queries(hub.store), Waiters())
    await scheduler.run_once(full=False)
    task = await hub.tasks.create(NewTask(prompt="changes during the read"))
    scheduler._changed.add(task.id)  # as an event from another process marks it
    scheduler._known.pop(task.id, None)
    read = SqlTx.queued_among

    async def read_then_cancel(tx: SqlTx, task_ids: object) -> object:
        found = await read(tx, task_ids)  # type: ignore[arg-type]
        await hub.tasks.cancel(task.id)  # committed after the read saw the task queued
        return found

    monkeypatch.setattr(SqlTx, "queued_among", read_then_cancel)
    await scheduler.run_once(full=False)
    assert task.id not in scheduler.queue  # type: ignore[operator]
    scheduler.stop()
