"""What every service part shares: the store, the bus, the settings, the clock, and `write`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from waaah.bus import Bus
from waaah.config import Settings
from waaah.domain.agents import Agent
from waaah.domain.tasks import Task
from waaah.errors import NotFound
from waaah.service.unit import UnitOfWork
from waaah.store.base import Reader, Store

T = TypeVar("T")
Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Core:
    def __init__(self, store: Store, bus: Bus, settings: Settings, clock: Clock = wall_clock_ms) -> None:
        self.store = store
        self.bus = bus
        self.settings = settings
        self.clock = clock
        self._last_write_ms = 0

    def write_time(self) -> int:
        """A transaction's time: the clock, but always after the previous transaction's, so what is
        written back to back within one millisecond keeps its order wherever lists sort by time."""
        self._last_write_ms = max(self.clock(), self._last_write_ms + 1)
        return self._last_write_ms

    async def write(self, operation: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `operation` in one transaction; publish its events after commit. An error writes nothing."""
        offline_ms = int(self.settings.agent_offline_after * 1000)
        async with self.store.write() as tx:
            uow = UnitOfWork(tx, self.write_time(), offline_ms)
            result = await operation(uow)
        self.bus.publish(uow.events)
        return result

    async def prune_events(self, before: int) -> int:
        """Drop events older than `before` (ms) from the log; the newest event is always kept."""
        async with self.store.write() as tx:
            return await tx.prune_events(before)


async def need_task(tx: Reader, task_id: str) -> Task:
    task = await tx.get_task(task_id)
    if task is None or task.deleted_at is not None:
        raise NotFound(f"Task {task_id} not found", taskId=task_id)
    return task


async def need_agent(tx: Reader, agent_id: str) -> Agent:
    agent = await tx.get_agent(agent_id)
    if agent is None:
        raise NotFound(f"Agent {agent_id} not found", agentId=agent_id)
    return agent
