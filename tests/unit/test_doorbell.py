"""The scheduler's and the tailer's wake-up: a ring is never lost, and a wait without one ends at its timeout."""

from __future__ import annotations

import asyncio

from waaah.doorbell import Doorbell

LONG = 60.0  # a timeout the test never reaches when the bell works


async def test_a_ring_wakes_a_waiter_before_its_timeout() -> None:
    bell = Doorbell()
    waiting = asyncio.create_task(bell.wait(LONG))
    await asyncio.sleep(0)  # the waiter is parked on its future
    bell.ring()
    await asyncio.wait_for(waiting, timeout=5)


async def test_a_ring_before_the_wait_is_kept_for_the_next_wait_only() -> None:
    bell = Doorbell()
    bell.ring()
    bell.ring()
    await asyncio.wait_for(bell.wait(LONG), timeout=5)  # answered at once by the earlier rings
    second = asyncio.create_task(bell.wait(LONG))
    await asyncio.sleep(0)
    assert not second.done()  # both rings were consumed by the first wait
    second.cancel()


async def test_without_a_ring_the_wait_ends_at_its_timeout() -> None:
    await asyncio.wait_for(Doorbell().wait(0.01), timeout=5)


async def test_closing_wakes_the_waiter_and_stays_closed() -> None:
    bell = Doorbell()
    waiting = asyncio.create_task(bell.wait(LONG))
    await asyncio.sleep(0)
    assert not bell.closed
    bell.close()
    await asyncio.wait_for(waiting, timeout=5)
    assert bell.closed
