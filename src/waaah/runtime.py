"""A running hub: store, bus, service, scheduler and long polls, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from waaah.bus import Bus
from waaah.config import Settings
from waaah.hooks.worker import HookWorker
from waaah.longpoll import LongPolls
from waaah.scheduler import Scheduler
from waaah.service import Hub
from waaah.service.queries import Queries
from waaah.store import ensure_migrated, open_store
from waaah.tailer import Tailer
from waaah.waiters import Waiters


@dataclass
class Runtime:
    hub: Hub
    queries: Queries
    scheduler: Scheduler
    polls: LongPolls
    waiters: Waiters
    tailer: Tailer
    hooks: HookWorker
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        self.scheduler.stop()
        self.tailer.stop()
        self.hooks.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.hub.store.close()


async def build_runtime(settings: Settings, run_scheduler: bool = True) -> Runtime:
    """Migrate, open the store, and wire the parts; the scheduler loop starts unless told not to."""
    await asyncio.to_thread(ensure_migrated, settings.database_url)
    store = open_store(settings.database_url)
    async with store.read() as tx:
        bus = Bus(await tx.last_seq())
    hub = Hub(store, bus, settings)
    queries = Queries(store)
    waiters = Waiters()
    scheduler = Scheduler(hub, queries, waiters)
    tailer = Tailer(store, bus, settings.scheduler_tick)
    hooks = HookWorker(hub, settings.scheduler_tick)
    runtime = Runtime(hub, queries, scheduler, LongPolls(hub, scheduler, waiters), waiters, tailer, hooks)
    runtime._tasks.append(asyncio.create_task(tailer.run(), name="waaah-tailer"))
    runtime._tasks.append(asyncio.create_task(hooks.run(), name="waaah-hooks"))
    if run_scheduler:
        runtime._tasks.append(asyncio.create_task(scheduler.run(), name="waaah-scheduler"))
    return runtime
