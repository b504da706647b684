"""Several hubs on one PostgreSQL database: every process's bus sees every event, in seq order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.conftest import make_settings
from waaah.domain.records import Event
from waaah.runtime import Runtime, build_runtime
from waaah.service import NewTask

pytestmark = pytest.mark.postgres
WRITES = 40


@pytest.fixture
async def two_hubs(database_url: str) -> AsyncIterator[tuple[Runtime, Runtime]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a PostgreSQL database only")
    settings = make_settings(database_url)
    first = await build_runtime(settings, run_scheduler=False)
    second = await build_runtime(settings, run_scheduler=False)
    yield first, second
    await first.stop()
    await second.stop()


def collect(runtime: Runtime, count: int) -> tuple[list[Event], asyncio.Future[None]]:
    seen: list[Event] = []
    done = asyncio.get_running_loop().create_future()

    def on_event(event: Event) -> None:
        seen.append(event)
        if len(seen) == count and not done.done():
            done.set_result(None)

    runtime.hub.bus.subscribe(on_event)
    return seen, done


async def test_concurrent_writers_in_two_processes_reach_both_buses_gapless_and_in_order(
        two_hubs: tuple[Runtime, Runtime]) -> None:
    first, second = two_hubs
    seen_first, first_done = collect(first, 2 * WRITES)
    seen_second, second_done = collect(second, 2 * WRITES)

    async def write(runtime: Runtime, label: str) -> None:
        for n in range(WRITES):
            await runtime.hub.tasks.create(NewTask(prompt=f"{label} {n}"))

    await asyncio.gather(write(first, "from A"), write(second, "from B"))
    await asyncio.wait_for(asyncio.gather(first_done, second_done), 10)
    for seen in (seen_first, seen_second):
        assert [e.seq for e in seen] == list(range(1, 2 * WRITES + 1))
        prompts = [e.payload["prompt"] for e in seen]
        expected = [f"from {label} {n}" for label in ("A", "B") for n in range(WRITES)]
        assert sorted(prompts) == sorted(expected)
    assert [e.payload for e in seen_first] == [e.payload for e in seen_second]


async def test_each_commit_notifies_its_newest_seq_so_a_tailer_skips_what_its_bus_has(
        two_hubs: tuple[Runtime, Runtime]) -> None:
    """A process reads the log on a notification only for events its bus has not published yet."""
    first, _ = two_hubs
    notifications = first.hub.store.notifications()
    assert notifications is not None
    heard: asyncio.Queue[int | None] = asyncio.Queue()

    async def listen() -> None:
        async for seq in notifications:
            heard.put_nowait(seq)

    listening = asyncio.create_task(listen())
    try:
        assert await asyncio.wait_for(heard.get(), 10) is None  # listening: catch up on what came before
        task = await first.hub.tasks.create(NewTask(prompt="notify me"))
        seq = await asyncio.wait_for(heard.get(), 10)
        assert seq == first.hub.bus.last_seq  # the newest seq committed, already on this process's bus
        async with first.hub.store.read() as tx:
            events = await tx.events_after(seq - 1, 10)
        assert [(e.seq, e.entity_id) for e in events] == [(seq, task.id)]
    finally:
        listening.cancel()
