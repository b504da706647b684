"""Agents inside wait_for_prompt in this process, each with a future the scheduler resolves."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from waaah.domain.agents import Agent
from waaah.domain.tasks import Task


@dataclass(eq=False)
class Waiter:
    agent: Agent
    future: asyncio.Future[Task | None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def reset(self) -> None:
        if self.future.done():
            self.future = asyncio.get_running_loop().create_future()


class Waiters:
    """A waiting agent is resolved with a reserved Task, or with None when it should look again
    (an eviction or a system prompt was queued for it)."""

    def __init__(self) -> None:
        self._by_agent: dict[str, Waiter] = {}
        self._watchers: dict[str, list[asyncio.Future[None]]] = {}

    def add(self, agent: Agent) -> Waiter:
        previous = self._by_agent.get(agent.id)
        if previous is not None and not previous.future.done():
            previous.future.set_result(None)  # the same agent polling twice: the older call re-checks
        waiter = Waiter(agent)
        self._by_agent.pop(agent.id, None)
        self._by_agent[agent.id] = waiter  # at the end: the dict keeps the order agents began waiting
        for watcher in self._watchers.pop(agent.id, []):
            if not watcher.done():
                watcher.set_result(None)
        return waiter

    async def until_waiting(self, agent_id: str) -> None:
        """Return once `agent_id` is waiting (callers bound this with a timeout)."""
        if not self.is_waiting(agent_id):
            watcher: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._watchers.setdefault(agent_id, []).append(watcher)
            await watcher

    def remove(self, waiter: Waiter) -> None:
        if self._by_agent.get(waiter.agent.id) is waiter:
            del self._by_agent[waiter.agent.id]

    def is_waiting(self, agent_id: str) -> bool:
        waiter = self._by_agent.get(agent_id)
        return waiter is not None and not waiter.future.done()

    def anyone_idle(self) -> bool:
        """Whether any agent is waiting and not yet handed anything."""
        return any(not w.future.done() for w in self._by_agent.values())

    def idle_agents(self) -> list[Agent]:
        """Agents waiting and not yet handed anything, longest-waiting first."""
        return [w.agent for w in self._by_agent.values() if not w.future.done()]

    def deliver(self, agent_id: str, task: Task) -> bool:
        waiter = self._by_agent.get(agent_id)
        if waiter is None or waiter.future.done():
            return False
        waiter.future.set_result(task)
        return True

    def nudge(self, agent_id: str) -> None:
        waiter = self._by_agent.get(agent_id)
        if waiter is not None and not waiter.future.done():
            waiter.future.set_result(None)
