"""The delivery worker: drives every hook from the event log, after its cursor, in `seq` order.

It wakes when the bus publishes an event some hook may want (here or, through the tailer, from
another process), when a retry falls due, and on a slow tick; it stops on `stop()`. Which hooks are
live (not paused) it keeps in memory, from its last read and from the hooks' own events (added,
resumed, paused, deleted: they reach the bus from every process), so with no live hook an event
costs no read of the hooks. Each hook is leased before it is drained
(a conditional update, so on a shared PostgreSQL database one process at a time sends its events);
the cursor moves after each 2xx, so a crash between the answer and the cursor write sends that event
again: at least once, the event's seq being the receiver's idempotency key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from waaah.bus import Bus
from waaah.domain.records import Event, random_suffix
from waaah.doorbell import Doorbell
from waaah.hooks.model import Hook, wants
from waaah.hooks.sender import Sender, event_body
from waaah.service import Hub
from waaah.service.hooks import HOOK_DELETED, HOOK_STATUS, list_hooks

log = logging.getLogger(__name__)
PAGE = 200


def next_wake(hooks: list[Hook], last_seq: int, now: int, tick: float) -> float:
    """Seconds until a hook with a backlog may be tried again (its backoff or another's lease ends)."""
    due = [max(h.next_attempt_at, h.leased_until) for h in hooks if not h.paused and h.cursor < last_seq]
    later = [(at - now) / 1000 for at in due if at > now]
    return min([tick, *later])


class HookWorker:
    def __init__(self, hub: Hub, tick: float) -> None:
        self.hub = hub
        self.tick = tick
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{random_suffix(6)}"
        self.sender = Sender(hub.settings.hook_timeout)
        self._bell = Doorbell()
        self._draining: dict[str, asyncio.Task[None]] = {}
        self._live: set[str] = set()
        """The ids of the hooks not paused, as last read or since told by their events."""
        self._unsubscribe = hub.bus.subscribe(self._on_event)

    @property
    def bus(self) -> Bus:
        return self.hub.bus

    def _on_event(self, event: Event) -> None:
        """Ring for a hook's own event and for any event while a hook is live."""
        if event.name == HOOK_STATUS and not event.payload.get("paused"):
            self._live.add(event.entity_id)
        elif event.name in (HOOK_STATUS, HOOK_DELETED):
            self._live.discard(event.entity_id)
        elif not self._live:
            return
        self._bell.ring()

    async def run_once(self) -> float:
        """Start draining every hook that has a backlog and may be leased; returns when to look again."""
        hooks, last_seq = await list_hooks(self.hub.store)
        self._live = {hook.id for hook in hooks if not hook.paused}
        now = self.hub.core.clock()
        for hook in hooks:
            ready = not hook.paused and hook.cursor < last_seq and hook.next_attempt_at <= now
            if ready and hook.leased_until < now and hook.id not in self._draining:
                self._draining[hook.id] = asyncio.create_task(self._drain(hook.id), name=f"waaah-hook-{hook.id}")
        return next_wake(hooks, last_seq, now, self.tick)

    async def run(self) -> None:
        try:
            while not self._bell.closed:
                try:
                    delay = await self.run_once()
                except Exception:  # a failed read is retried on the next wake or tick
                    log.exception("reading the webhooks failed")
                    delay = self.tick
                await self._bell.wait(delay)
        finally:
            await self._finish()

    async def _drain(self, hook_id: str) -> None:
        try:
            hook = await self.hub.hooks.lease(hook_id, self.owner)
            if hook is not None and await self._send_backlog(hook):
                await self.hub.hooks.release(hook_id, self.owner)
        except Exception:  # the lease runs out and the next wake tries again
            log.exception("delivering webhook %s failed", hook_id)
        finally:
            self._draining.pop(hook_id, None)
            self._bell.ring()

    async def _send_backlog(self, hook: Hook) -> bool:
        """Send the leased hook's events after its cursor until none are left (True: release the lease),
        a delivery fails or the lease is lost (False: already released, or not ours)."""
        cursor = hook.cursor
        while not self._bell.closed:
            async with self.hub.store.read() as tx:
                events = await tx.events_after(cursor, PAGE)
            if not events:
                return True
            for event in events:
                if not wants(hook.patterns, event):
                    continue
                outcome = await self.sender.send(hook, event_body(event))
                if not outcome.ok:
                    if event.seq - 1 > cursor:  # what was passed over before it is done with
                        await self.hub.hooks.advance(hook.id, self.owner, event.seq - 1, delivered=False)
                    await self.hub.hooks.failed(hook.id, self.owner, outcome.error or "failed")
                    return False
                if not await self.hub.hooks.advance(hook.id, self.owner, event.seq, delivered=True):
                    return False
                cursor = event.seq
            if events[-1].seq > cursor:
                if not await self.hub.hooks.advance(hook.id, self.owner, events[-1].seq, delivered=False):
                    return False
                cursor = events[-1].seq
        return True

    def stop(self) -> None:
        self._bell.close()

    async def _finish(self) -> None:
        self._unsubscribe()
        for task in list(self._draining.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.sender.close()
