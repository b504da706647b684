"""The scheduler: hands queued work to waiting agents, expires leases, notices lost agents.

It wakes on events (a task became dispatchable, an agent started waiting) and on a tick, stops on a
stop signal, and has `run_once()` for tests. Decisions are the pure `WaitingAgents.pick`; writes go through
the service.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from waaah.domain.agents import WaitingAgents, awaits_author, is_gone
from waaah.domain.lifecycle import DISPATCHABLE, RESERVED
from waaah.domain.records import Event
from waaah.domain.tasks import Task, dispatch_order
from waaah.doorbell import Doorbell
from waaah.service import Hub
from waaah.service.queries import Queries
from waaah.store.base import TaskQuery
from waaah.waiters import Waiters

log = logging.getLogger(__name__)
DISPATCH_WINDOW = 500
DISPATCH_PAGE = (10, 100)
"""Queued tasks are read a page at a time, in dispatch order, until every idle agent is served:
a page holds four tasks per idle agent, within these bounds."""
PRUNE_EVERY_MS = 60_000
_DISPATCHABLE_NAMES = {s.value for s in DISPATCHABLE}


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
        self._unsubscribe = hub.bus.subscribe(self._on_event)

    def wake(self) -> None:
        self._bell.ring()

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        if event.name.startswith("task:") and payload.get("status") in _DISPATCHABLE_NAMES:
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

    async def _dispatch(self, report: Report) -> None:
        idle = WaitingAgents(self.waiters.idle_agents())
        offset = 0
        while idle and offset < DISPATCH_WINDOW:
            size = min(max(DISPATCH_PAGE[0], 4 * len(idle)), DISPATCH_PAGE[1])
            page = await self.queries.dispatchable(size, offset)
            taken = await self._dispatch_page(sorted(page, key=dispatch_order), idle, report)
            if len(page) < size:
                return
            offset += len(page) - taken  # reserved tasks left the queue

    async def _dispatch_page(self, tasks: list[Task], idle: WaitingAgents, report: Report) -> int:
        """Offer each task to the best idle agent; returns how many tasks were reserved."""
        taken = 0
        gone = await self._gone_authors(tasks, idle)
        for task in tasks:
            agent = idle.pick(task, author_gone=task.assigned_to in gone)
            if agent is None:
                continue
            reserved = await self.hub.work.reserve(task.id, agent.id)
            if reserved is None:
                continue
            taken += 1
            if self.waiters.deliver(agent.id, reserved):
                report.reserved.append((task.id, agent.id))
            # else the agent stopped waiting between the pick and the commit. The task stays reserved
            # for it: its next wait_for_prompt finds it, and the ack timeout requeues it if the agent
            # never comes back. (Requeueing it here raced with that next poll, which could be handed
            # the task just before it went back to the queue, and then fail to ack it.)
            idle.take(agent)
            if not idle:
                break
        return taken

    async def _gone_authors(self, tasks: list[Task], idle: WaitingAgents) -> set[str]:
        """The authors of approved tasks in `tasks` who are not waiting and will not come back."""
        authors = {t.assigned_to for t in tasks if awaits_author(t) and t.assigned_to and t.assigned_to not in idle}
        if not authors:
            return set()
        now, window = self.hub.core.clock(), int(self.hub.settings.agent_offline_after * 1000)
        async with self.hub.store.read() as tx:
            agents = {author: await tx.get_agent(author) for author in authors}
        return {author for author, agent in agents.items() if is_gone(agent, now, window)}

    async def _expire_leases(self, report: Report) -> None:
        cutoff = self.hub.core.clock() - int(self.hub.settings.ack_timeout * 1000)
        reserved, _ = await self._find(TaskQuery(statuses=RESERVED, limit=None, counted=False))
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

    async def _find(self, query: TaskQuery) -> tuple[list, int]:  # type: ignore[type-arg]
        async with self.hub.store.read() as tx:
            return await tx.find_tasks(query)

    async def run(self) -> None:
        """Loop until `stop()`: a full pass on each tick, a dispatch pass on each wake."""
        tick = self.hub.settings.scheduler_tick
        loop = asyncio.get_running_loop()
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
