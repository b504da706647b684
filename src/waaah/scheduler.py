"""The scheduler: hands queued work to waiting agents, expires leases, notices lost agents.

It wakes on events (a task became dispatchable, an agent started waiting) and on a tick, stops on a
stop signal, and has `run_once()` for tests. Decisions are the pure `WaitingAgents.pick`; writes go through
the service.

The dispatchable tasks are kept in `QueuedTasks`, loaded once when the loop starts (a page per read,
the event loop free between pages) and kept in step by the bus. An event this process wrote carries
its task (`Event.task`), which is taken as it is; an event from another process marks its task, and
a pass first re-reads the marked tasks (one query). A pass then offers only the groups of tasks some
waiting agent could take. Its cost follows the waiting agents and the work they can take, not the
backlog.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from waaah.domain.agents import AgentStatus, WaitingAgents, is_gone
from waaah.domain.lifecycle import DISPATCHABLE, RESERVED
from waaah.domain.queue import DispatchOrder, Group, Queued, QueuedTasks
from waaah.domain.records import Event
from waaah.doorbell import Doorbell
from waaah.service import Hub
from waaah.service.queries import Queries
from waaah.waiters import Waiters

log = logging.getLogger(__name__)
REFRESH_BATCH = 500
KNOWN_BATCH = 100
"""With no agent waiting, a pass is rung once this many tasks wait to be taken into the index (an
agent that starts waiting rings one at once, and every pass takes them all in first)."""
LOAD_PAGE = 2_000
PRUNE_EVERY_MS = 60_000


@dataclass
class Report:
    """What one pass did, for tests and logs."""

    reserved: list[tuple[str, str]] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    pruned: int = 0


class Scheduler:
    def __init__(self, hub: Hub, queries: Queries, waiters: Waiters) -> None:
        self.hub = hub
        self.queries = queries
        self.waiters = waiters
        self._bell = Doorbell()
        self._last_prune = 0
        self.queue: QueuedTasks | None = None  # loaded by the first pass
        self._changed: set[str] = set()  # tasks to re-read
        self._known: dict[str, Queued | None] = {}  # tasks as their latest events left them (None: not queued)
        self._unsubscribe = hub.bus.subscribe(self._on_event)

    def wake(self) -> None:
        self._bell.ring()

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        if event.name.startswith("task:") and event.name != "task:transcript":
            task = event.task
            if task is None:
                self._changed.add(event.entity_id)
                self._known.pop(event.entity_id, None)
            else:
                live = task.deleted_at is None and task.status in DISPATCHABLE
                self._known[event.entity_id] = Queued.of(task) if live else None
                self._changed.discard(event.entity_id)
        if event.name.startswith("task:") and payload.get("status") in DISPATCHABLE:
            # with nobody waiting, this process's own events only go into the index: a pass per batch
            if event.task is None or len(self._known) >= KNOWN_BATCH or self.waiters.anyone_idle():
                self.wake()
        elif event.name == "agent:status" and (payload.get("evictionRequested") or payload.get("pendingPrompts")):
            self.waiters.nudge(event.entity_id)

    async def run_once(self, full: bool = True) -> Report:
        """One pass: leases and lost agents (when `full`), then dispatch to waiting agents."""
        report = Report()
        if full:
            await self._expire_leases(report)
            await self._find_lost_agents(report)
            await self._prune(report)
        await self._dispatch(report)
        return report

    async def _queue(self) -> QueuedTasks:
        """The index, loaded on first use, then brought up to date with the tasks events touched."""
        if self.queue is None:
            self.queue = await self._load()
        queue = self.queue
        while self._changed or self._known:
            known, self._known = self._known, {}
            for task_id, queued in known.items():
                _put(queue, task_id, queued)
            if not self._changed:
                break
            batch = [self._changed.pop() for _ in range(min(REFRESH_BATCH, len(self._changed)))]
            async with self.hub.store.read() as tx:
                found = {queued.id: queued for queued in await tx.queued_among(batch)}
            for task_id in batch:  # an event during the read is in `_known`: applied after this
                _put(queue, task_id, found.get(task_id))
            if self._changed:
                await asyncio.sleep(0)  # a burst of writes: let the requests waiting on the loop run
        return queue

    async def _load(self) -> QueuedTasks:
        """Every dispatchable task, a page per read, the event loop free between pages. A task an
        event touches meanwhile is re-read after: events from the start of the load are kept."""
        self._changed.clear()
        self._known.clear()
        queue = QueuedTasks()
        for status in sorted(DISPATCHABLE):
            after: tuple[int, str] | None = None
            while True:
                async with self.hub.store.read() as tx:
                    page = await tx.queued_page(status, after, LOAD_PAGE)
                for queued in page:
                    queue.add(queued)
                if len(page) < LOAD_PAGE:
                    break
                after = (page[-1].created_at, page[-1].id)
                await asyncio.sleep(0)  # let the requests waiting on the loop run between pages
        return queue

    async def _dispatch(self, report: Report) -> None:
        """Offer the tasks waiting agents could take, in dispatch order, each to the best of them."""
        queue = await self._queue()  # also with nobody waiting: each pass takes in what its events touched
        idle = WaitingAgents(self.waiters.idle_agents())
        if not idle:
            return
        groups = queue.groups_in(idle.workspaces())
        gone = await self._gone_authors(groups, idle)
        candidates = [g for g in groups if idle.could_take(g.key.workspace, g.key.capabilities,
                                                           None if g.key.author in gone else g.key.author)]
        order = DispatchOrder(candidates)
        for group, task_id in order:
            task = queue.get(task_id)
            if task is None:
                continue
            agent = idle.pick(task, author_gone=group.key.author in gone)
            if agent is None:
                order.drop(group)  # every task of a group asks the same of an agent
                continue
            reserved = await self.hub.work.reserve(task_id, agent.id)
            if reserved is None:
                continue
            if self.waiters.deliver(agent.id, reserved):
                report.reserved.append((task_id, agent.id))
            # else the agent stopped waiting between the pick and the commit. The task stays reserved
            # for it: its next wait_for_prompt finds it, and the ack timeout requeues it if the agent
            # never comes back. (Requeueing it here raced with that next poll, which could be handed
            # the task just before it went back to the queue, and then fail to ack it.)
            idle.take(agent)
            if not idle:
                return

    async def _gone_authors(self, groups: list[Group], idle: WaitingAgents) -> set[str]:
        """The authors approved work in `groups` waits for who are not waiting and will not come back."""
        authors = {g.key.author for g in groups if g.key.author and g.key.author not in idle}
        if not authors:
            return set()
        now, window = self.hub.core.clock(), int(self.hub.settings.agent_offline_after * 1000)
        async with self.hub.store.read() as tx:
            agents = {author: await tx.get_agent(author) for author in authors}
        # OFFLINE as stored too: a sign-off moves lastSeen back by the window from its transaction's
        # time, which may run a millisecond or two ahead of the clock read here
        return {author for author, agent in agents.items()
                if is_gone(agent, now, window) or (agent is not None and agent.status is AgentStatus.OFFLINE)}

    async def _expire_leases(self, report: Report) -> None:
        cutoff = self.hub.core.clock() - int(self.hub.settings.ack_timeout * 1000)
        async with self.hub.store.read() as tx:
            reserved = await tx.tasks_in(RESERVED)
        for task in reserved:
            if task.ack_sent_at is not None and task.ack_sent_at < cutoff:
                agent = task.pending_ack_agent_id
                if await self.hub.work.expire(task.id, f"Ack timeout: agent {agent} did not acknowledge"):
                    report.expired.append(task.id)

    async def _find_lost_agents(self, report: Report) -> None:
        cutoff = self.hub.core.clock() - int(self.hub.settings.agent_offline_after * 1000)
        async with self.hub.store.read() as tx:
            silent = await tx.silent_agents(cutoff)
        for agent in silent:
            if not self.waiters.is_waiting(agent.id):
                report.expired.extend(await self.hub.agents.mark_offline(agent.id))
                report.offline.append(agent.id)

    async def _prune(self, report: Report) -> None:
        now = self.hub.core.clock()
        if now - self._last_prune < PRUNE_EVERY_MS:
            return
        self._last_prune = now
        report.pruned = await self.hub.core.prune_events(now - int(self.hub.settings.event_retention * 1000))

    async def run(self) -> None:
        """Loop until `stop()`: a full pass on each tick, a dispatch pass on each wake."""
        tick = self.hub.settings.scheduler_tick
        loop = asyncio.get_running_loop()
        try:
            await self._queue()  # now, a page at a time, rather than when the first agent waits
        except Exception:  # a failed load is retried by the first pass
            log.exception("loading the queued tasks failed")
        next_full = loop.time()
        while not self._bell.closed:
            full = loop.time() >= next_full
            if full:
                next_full = loop.time() + tick
            try:
                await self.run_once(full=full)
            except Exception:  # the loop must survive a bad pass; the next tick retries
                log.exception("scheduler pass failed")
            await self._bell.wait(next_full - loop.time())

    def stop(self) -> None:
        self._bell.close()
        self._unsubscribe()


def _put(queue: QueuedTasks, task_id: str, queued: Queued | None) -> None:
    if queued is not None:
        queue.add(queued)
    else:
        queue.discard(task_id)
