"""Reads for the transports: task details, lists, agents, the event log. Never writes."""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
from collections.abc import AsyncIterator, Collection, Sequence, Set
from typing import Any

from waaah.domain.eligibility import explain
from waaah.domain.lifecycle import ACTIVE, BUSY, TERMINAL, Status
from waaah.domain.records import Event
from waaah.domain.tasks import Task
from waaah.domain.views import JSON, agent_json, review_comment_json, task_fields, task_json
from waaah.service.core import need_task
from waaah.store.base import Reader, Store, TaskQuery, chunked

EVENT_PAGE_MAX = 1000
REFERENCE_SYNC_FINISHED = {Status.COMPLETED: 50, Status.CANCELLED: 50}
"""Besides every active task, the reference's `sync:full` carries the newest 50 COMPLETED and 50 CANCELLED."""
SYNC_PAGE = 500
"""Tasks per read and per encoding step of the reference's `sync:full`: each a short stretch on the loop."""


async def tasks_json(tx: Reader, tasks: Sequence[Task]) -> list[JSON]:
    ids = [t.id for t in tasks]
    messages, history = await tx.messages_for(ids), await tx.history_for(ids)
    return [task_json(t, messages.get(t.id, []), history.get(t.id, [])) for t in tasks]


async def live_in(tx: Reader, statuses: Collection[Status], page: int) -> list[Task]:
    """Every live task in `statuses`, newest first: each status read `page` tasks at a time along its
    index range, the event loop served between pages."""
    found: list[Task] = []
    for status in sorted(statuses):
        query = TaskQuery(statuses=[status], limit=page, counted=False)
        while batch := (await tx.find_tasks(query))[0]:
            found += batch
            if len(batch) < page:
                break
            query = dataclasses.replace(query, after=(batch[-1].created_at, batch[-1].id))
            await asyncio.sleep(0)
    return sorted(found, key=lambda t: (t.created_at, t.id), reverse=True)


async def agents_json(tx: Reader) -> list[JSON]:
    """Every agent with its current tasks and pending prompts: three queries, whatever the number of agents."""
    held, prompts = await tx.held_tasks(BUSY), await tx.system_prompt_counts()
    return [agent_json(agent, held.get(agent.id, []), prompts.get(agent.id, 0)) for agent in await tx.list_agents()]


def parse_status_filter(raw: str | None) -> list[Status] | None:
    """`ACTIVE`, one status or a comma-separated list; unknown names match nothing."""
    if not raw:
        return None
    if raw.strip().upper() == "ACTIVE":
        return [s for s in Status if s not in TERMINAL and s is not Status.BLOCKED]
    names = {n.strip() for n in raw.split(",") if n.strip()}
    return [s for s in Status if s.value in names]


async def newest_finished(tx: Reader, count: int, before: tuple[int, str] | None) -> list[Task]:
    """The newest `count` finished tasks (older than `before`), newest first: a page per finished status
    (each an index range), merged."""
    pages = [(await tx.find_tasks(TaskQuery(statuses=[s], limit=count, counted=False, after=before)))[0]
             for s in sorted(TERMINAL)]
    return heapq.nlargest(count, (t for page in pages for t in page), key=lambda t: (t.created_at, t.id))


class Queries:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def task(self, task_id: str) -> JSON:
        async with self.store.read() as tx:
            return (await tasks_json(tx, [await need_task(tx, task_id)]))[0]

    async def task_record(self, task_id: str) -> Task:
        async with self.store.read() as tx:
            return await need_task(tx, task_id)

    async def tasks(self, query: TaskQuery) -> tuple[list[JSON], int]:
        async with self.store.read() as tx:
            found, total = await tx.find_tasks(query)
            return await tasks_json(tx, found), total

    async def task_pages(self, query: TaskQuery, page: int) -> tuple[int, AsyncIterator[list[JSON]]]:
        """A long list a page at a time: `(total, pages)`, each page at most `page` tasks, following on
        from the last task of the one before (so a task created meanwhile neither repeats nor hides one),
        until `query.limit` tasks (None: all) have come."""
        first = dataclasses.replace(query, limit=page if query.limit is None else min(page, query.limit))
        async with self.store.read() as tx:
            found, total = await tx.find_tasks(first)
            head = await tasks_json(tx, found)

        async def pages() -> AsyncIterator[list[JSON]]:
            left = None if query.limit is None else query.limit - len(found)
            batch, shown = found, head
            while True:
                yield shown
                if len(batch) < page or left == 0 or not batch:
                    return
                size = page if left is None else min(page, left)
                cursor = dataclasses.replace(query, limit=size, offset=0, counted=False,
                                             after=(batch[-1].created_at, batch[-1].id))
                async with self.store.read() as tx:
                    batch = (await tx.find_tasks(cursor))[0]
                    shown = await tasks_json(tx, batch)
                left = None if left is None else left - len(batch)

        return total, pages()

    async def eligibility(self, task_id: str, waiting: Set[str]) -> JSON:
        async with self.store.read() as tx:
            task = await need_task(tx, task_id)
            deps = await tx.get_tasks(task.dependencies)
            agents = await tx.list_agents()
            busy = {a.id: [t.id for t in await tx.tasks_of_agent(a.id, BUSY)] for a in agents}
        statuses = {d: deps[d].status for d in task.dependencies if d in deps}
        return explain(task, statuses, agents, waiting, {k: v for k, v in busy.items() if v})

    async def agents(self) -> list[JSON]:
        async with self.store.read() as tx:
            return await agents_json(tx)

    async def snapshot(self, finished: int) -> tuple[list[JSON], list[JSON], int, bool]:
        """The board's start: every active task's fields and the newest `finished` finished ones, every
        agent, the `seq` they are exactly the state after, and whether older finished tasks exist.

        Read under the writers' lock (writing nothing), so no write commits between the rows and
        `seq`. Reads the active tasks and one page per finished status, never the whole table.
        """
        async with self.store.write() as tx:
            active, _ = await tx.find_tasks(TaskQuery(statuses=ACTIVE, limit=None, counted=False))
            page = await newest_finished(tx, finished, None)
            tasks = [task_fields(t) for t in (*active, *page)]
            return tasks, await agents_json(tx), await tx.last_seq(), len(page) >= finished

    async def board_refill(self, before: tuple[int, str] | None, count: int,
                           ids: Collection[str]) -> tuple[list[JSON], list[JSON], int]:
        """What the board asks for when cards leave its finished page: `(older, tasks, seq)`, up to
        `count` finished tasks older than `before` (created_at, id), newest first, and the undeleted
        tasks `ids`, exactly as of `seq` (read under the writers' lock, as `snapshot`)."""
        async with self.store.write() as tx:
            older = await newest_finished(tx, count, before) if before is not None else []
            found = await tx.get_tasks(ids)
            tasks = [task_fields(t) for t in found.values() if t.deleted_at is None]
            return [task_fields(t) for t in older], tasks, await tx.last_seq()

    async def full_sync(self) -> tuple[int, list[JSON], list[JSON]]:
        """`sync:full` as the reference's clients read it: `(seq, tasks, agents)`, each task whole
        (prompt, messages, history, response…): every active task, newest first, then the newest
        finished ones (REFERENCE_SYNC_FINISHED). Read in one snapshot of the store, so it is exactly the
        state after `seq` while writes go on, a page (SYNC_PAGE) at a time with the loop served between."""
        async with self.store.snapshot() as tx:
            seq = await tx.last_seq()
            found = await live_in(tx, ACTIVE, SYNC_PAGE)
            for status, limit in REFERENCE_SYNC_FINISHED.items():
                found += (await tx.find_tasks(TaskQuery(statuses=[status], limit=limit, counted=False)))[0]
            tasks = [task async for page in chunked(found, SYNC_PAGE) for task in await tasks_json(tx, page)]
            return seq, tasks, await agents_json(tx)

    async def events_between(self, since: int, until: int, limit: int) -> list[Event] | None:
        """The events after `since` up to `until`, or None if some were pruned or there are over `limit`."""
        if until - since > limit:
            return None
        if until <= since:
            return []
        async with self.store.read() as tx:
            found = await tx.events_after(since, until - since)
        return found if [e.seq for e in found] == list(range(since + 1, until + 1)) else None

    async def review_comments(self, task_id: str, unresolved_only: bool = False) -> list[JSON]:
        async with self.store.read() as tx:
            await need_task(tx, task_id)
            return [review_comment_json(c) for c in await tx.review_comments(task_id, unresolved_only)]

    async def events(self, since: int, limit: int) -> dict[str, Any]:
        """A page of the event log after `since`; `complete` is false when older events were pruned."""
        async with self.store.read() as tx:
            page: list[Event] = await tx.events_after(since, min(limit, EVENT_PAGE_MAX))
            oldest, last = await tx.oldest_seq(), await tx.last_seq()
        complete = since >= last or (oldest is not None and oldest <= since + 1)
        return {"events": [{"seq": e.seq, "name": e.scoped_name, "type": e.name, "payload": e.wire_payload(),
                            "createdAt": e.created_at} for e in page],
                "lastSeq": last, "complete": complete}

    async def stats(self) -> JSON:
        async with self.store.read() as tx:
            _, total = await tx.find_tasks(TaskQuery(limit=0))
            _, completed = await tx.find_tasks(TaskQuery(statuses=[Status.COMPLETED], limit=0))
            return {"total": total, "completed": completed}
