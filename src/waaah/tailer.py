"""The tailer feeds the bus from the event log: events other processes committed (woken by the
store's notifications, e.g. PostgreSQL LISTEN/NOTIFY) and any event whose in-process publication
went missing (woken when the bus holds events back behind a gap). A slow tick is the safety net."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from waaah.bus import Bus
from waaah.doorbell import Doorbell
from waaah.store.base import Store

log = logging.getLogger(__name__)
PAGE = 500
GAP_GRACE = 0.05  # seconds a gap may stay open before the log is read (in-process publishers are faster)


class Tailer:
    def __init__(self, store: Store, bus: Bus, tick: float) -> None:
        self.store = store
        self.bus = bus
        self.tick = tick
        self._bell = Doorbell()
        bus.on_gap = self._on_gap

    def wake(self) -> None:
        self._bell.ring()

    def _on_gap(self) -> None:
        asyncio.get_running_loop().call_later(GAP_GRACE, self.wake)

    async def catch_up(self) -> int:
        """Publish every committed event after the bus's last one; returns how many."""
        published = 0
        while True:
            async with self.store.read() as tx:
                events = await tx.events_after(self.bus.last_seq, PAGE)
            if not events:
                return published
            self.bus.publish(events)
            published += len(events)

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen(), name="waaah-tailer-listen")
        try:
            while not self._bell.closed:
                await self._bell.wait(self.tick)
                try:
                    await self.catch_up()
                except Exception:  # a failed read is retried on the next wake or tick
                    log.exception("tailing the event log failed")
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _listen(self) -> None:
        """Wake on every notification; reconnect (after a catch-up) when the listener drops."""
        while not self._bell.closed:
            notifications = self.store.notifications()
            if notifications is None:
                return
            try:
                async for seq in notifications:
                    if seq is None or seq > self.bus.last_seq:  # not already published here
                        self.wake()
            except Exception:  # connection lost: catch up, then listen again
                log.warning("event notifications dropped; reconnecting", exc_info=True)
            self.wake()
            await asyncio.sleep(self.tick)

    def stop(self) -> None:
        self._bell.close()
