"""Following the hub: its real-time channel (Socket.IO), task updates only, resumed after the last
`seq` handled. Events are handled one at a time, in `seq` order, each once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from waaah.bots.messages import JSON
from waaah.commands.client import Connection

log = logging.getLogger("waaah.bots")
PATTERNS = ["task:*:updated"]
CONNECT_TIMEOUT = 30.0
Handler = Callable[[int, JSON], Awaitable[None]]
Item = tuple[str, JSON]


class Follower:
    """Feeds `handle(seq, payload)` with the hub's task updates after `last_seq()`.

    Without a `seq` to resume from, it starts at the board's `sync:full`: what happens from then on.
    `ready` is set once connected with a `seq` to go on from (cleared while disconnected)."""

    def __init__(self, conn: Connection, last_seq: Callable[[], int | None], handle: Handler,
                 on_start: Callable[[int], None]) -> None:
        self.conn = conn
        self.last_seq = last_seq
        self.handle = handle
        self.on_start = on_start
        self.ready = asyncio.Event()
        self.queue: asyncio.Queue[Item] = asyncio.Queue()

    def auth(self) -> JSON:
        since = self.last_seq()
        return {"apiKey": self.conn.need_key(), "subscribe": PATTERNS, **({} if since is None else {"since": since})}

    async def run(self, stop: asyncio.Event) -> None:
        import socketio  # type: ignore[import-untyped]

        sio = socketio.AsyncClient(reconnection=True, reconnection_delay_max=10)
        sio.on("connect", self.connect)
        sio.on("disconnect", self.ready.clear)
        sio.on("*", self.received)
        await sio.connect(self.conn.url, auth=self.auth, transports=["websocket"], wait_timeout=CONNECT_TIMEOUT,
                          retry=True)
        try:
            await self.consume(stop)
        finally:
            await sio.disconnect()

    def connect(self) -> None:
        if self.last_seq() is not None:
            self.ready.set()  # else once the board's sync:full gave the seq to start from

    def received(self, name: str, data: Any) -> None:
        if isinstance(data, dict) and (name == "sync:full" or name.endswith(":updated")):
            self.queue.put_nowait((name, data))

    async def consume(self, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                getting = asyncio.ensure_future(self.queue.get())
                await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not getting.done():
                    getting.cancel()
                    break
                await self.apply(*getting.result())
        finally:
            stopping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stopping

    async def apply(self, name: str, data: JSON) -> None:
        seq = data.get("seq")
        if not isinstance(seq, int):
            return
        last = self.last_seq()
        if name == "sync:full":
            self.on_start(seq)  # the start, or the hub could not replay: carry on from its board
            self.ready.set()
        elif last is None or seq > last:
            await self.handle(seq, data)
