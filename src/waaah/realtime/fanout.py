"""Fan-out: each committed event, encoded once, to every socket whose subscription matches, in `seq` order.

Sockets with the same pattern set share a group, so an event is matched once per group, not once
per socket. One delivery task sends the bus's events in order; a socket that is being (re)synced
collects its live events in `pending` and sends them after the snapshot or replay, skipping any
`seq` it already has. Every socket therefore sees strictly increasing `seq`s with no gap between
what it was synced with and what follows.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from waaah.domain.records import Event
from waaah.jsontext import compact
from waaah.realtime.board import Board
from waaah.realtime.subscriptions import Matcher, matcher
from waaah.realtime.wire import Outgoing

Send = Callable[[str, Outgoing], Awaitable[None]]
WriteNow = Callable[[str, Outgoing], bool]
"""Writes a message to a socket at once and says True, or says False when it must be `Send`-ed."""
History = Callable[[int, int, int], Awaitable[list[Event] | None]]
WholeSync = Callable[[], Awaitable[tuple[int, list[Any], list[Any]]]]
"""Reads `(seq, tasks, agents)` with every task whole, exactly as of `seq`."""
MAX_REPLAY = 5000  # beyond this many missed events a fresh sync:full is cheaper than a replay


def message(name: str, data_json: str) -> Outgoing:
    """A Socket.IO EVENT (`2["name",data]`) in an Engine.IO MESSAGE, from already-encoded data."""
    return Outgoing(f"2[{json.dumps(name)},{data_json}]")


def encode(data: Any) -> str:
    return compact(data)


@dataclass(eq=False, slots=True)
class Listener:
    """One connected socket. `patterns` None means "everything, under the generic names"."""

    sid: str
    eio_sid: str
    patterns: tuple[str, ...] | None
    whole_tasks: bool = False
    """`sync:full` with every task whole, as the reference's clients read it (else compact cards)."""
    last_seq: int = 0
    pending: list[tuple[int, Outgoing]] | None = field(default_factory=list)
    syncing: asyncio.Lock = field(default_factory=asyncio.Lock)

    def matches(self, event: Event) -> bool:
        return self.patterns is None or matcher(self.patterns)(event.scoped_name)

    def name_for(self, event: Event) -> str:
        return event.name if self.patterns is None else event.scoped_name


class Group:
    def __init__(self, patterns: tuple[str, ...] | None) -> None:
        self.scoped = patterns is not None
        self.match: Matcher = matcher(patterns) if patterns is not None else (lambda _: True)
        self.members: dict[str, Listener] = {}


class Encoded:
    """An event's two wire forms, each built at most once whatever the number of sockets."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self._body: str | None = None
        self._forms: dict[bool, Outgoing] = {}

    def packet(self, scoped: bool) -> Outgoing:
        if scoped not in self._forms:
            if self._body is None:
                self._body = self.event.wire_body()
            name = self.event.scoped_name if scoped else self.event.name
            self._forms[scoped] = message(name, self._body)
        return self._forms[scoped]


def _key(patterns: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if patterns is None else frozenset(patterns)


class Fanout:
    def __init__(self, board: Board, send: Send, history: History, whole: WholeSync | None = None,
                 write_now: WriteNow | None = None) -> None:
        self.board = board
        self.send = send
        self.write_now: WriteNow = write_now or (lambda _sid, _message: False)
        self.history = history
        self.whole = whole
        self.listeners: dict[str, Listener] = {}
        self.groups: dict[frozenset[str] | None, Group] = {}
        self._inbox: asyncio.Queue[Event] = asyncio.Queue()
        self._full: dict[bool, tuple[int, Outgoing]] = {}  # sync:full as rows / as objects, for its seq

    # --- membership ------------------------------------------------------------------------------
    def attach(self, sid: str, eio_sid: str, patterns: tuple[str, ...] | None,
               whole_tasks: bool = False) -> Listener:
        """Register a socket; its events are held in `pending` until its first `sync` completes."""
        listener = Listener(sid, eio_sid, patterns, whole_tasks and self.whole is not None)
        self.listeners[sid] = listener
        self._join(listener)
        return listener

    def detach(self, sid: str) -> None:
        listener = self.listeners.pop(sid, None)
        if listener is not None:
            self._leave(listener)

    def resubscribe(self, listener: Listener, patterns: tuple[str, ...]) -> None:
        self._leave(listener)
        listener.patterns = patterns
        self._join(listener)

    def _join(self, listener: Listener) -> None:
        key = _key(listener.patterns)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(listener.patterns)
        group.members[listener.sid] = listener

    def _leave(self, listener: Listener) -> None:
        key = _key(listener.patterns)
        group = self.groups.get(key)
        if group is not None:
            group.members.pop(listener.sid, None)
            if not group.members:
                del self.groups[key]

    # --- live delivery -----------------------------------------------------------------------------
    def publish(self, event: Event) -> None:
        """The bus subscriber: never blocks, the delivery task does the sending."""
        self._inbox.put_nowait(event)

    async def run(self) -> None:
        while True:
            await self.deliver(await self._inbox.get())

    async def deliver(self, event: Event) -> None:
        encoded, seq, name, write_now = Encoded(event), event.seq, event.scoped_name, self.write_now
        for group in list(self.groups.values()):
            if not group.match(name):
                continue
            packet = encoded.packet(group.scoped)
            for listener in list(group.members.values()):
                if listener.pending is not None:  # being synced: sent after its snapshot or replay
                    listener.pending.append((seq, packet))
                elif seq > listener.last_seq:
                    listener.last_seq = seq
                    if not write_now(listener.eio_sid, packet):  # most sockets, without a coroutine each
                        await self.send(listener.eio_sid, packet)

    # --- sync: snapshot or replay, then live -------------------------------------------------------
    async def emit(self, listener: Listener, name: str, data: Any) -> None:
        await self.send(listener.eio_sid, message(name, encode(data)))

    async def sync(self, listener: Listener, since: int | None, ack: bool = False) -> None:
        """Bring a socket up to date: replay what it missed after `since` when the log still holds
        it, else send `sync:full`; then release the live events held meanwhile (never a duplicate)."""
        async with listener.syncing:
            if listener.pending is None:
                listener.pending = []
            target = self.board.seq
            if ack:
                await self.emit(listener, "sync:request_ack", {"seq": target})
            missed = await self._missed(since, target)
            if missed is None:
                await self._send_full(listener)
            else:
                for event in missed:
                    if listener.matches(event):
                        await self.send(listener.eio_sid, Encoded(event).packet(listener.patterns is not None))
                listener.last_seq = target
            await self._release(listener)

    async def _missed(self, since: int | None, target: int) -> list[Event] | None:
        if since is None or since > target:
            return None
        return await self.history(since, target, MAX_REPLAY)

    async def _send_full(self, listener: Listener) -> None:
        """The board: cards as rows for a client with patterns (ours), as objects for a client without
        that asked for cards; whole tasks, read from the store, for the reference's clients."""
        if listener.whole_tasks and self.whole is not None:
            seq, tasks, agents = await self.whole()
            listener.last_seq = seq
            await self.send(listener.eio_sid, message("sync:full", encode({"tasks": tasks, "agents": agents,
                                                                           "seq": seq})))
            return
        rows = listener.patterns is not None
        seq, text = self.board.sync_full(rows)
        full = self._full.get(rows)
        if full is None or full[0] != seq:
            full = self._full[rows] = (seq, message("sync:full", text))
        listener.last_seq = seq
        await self.send(listener.eio_sid, full[1])

    async def _release(self, listener: Listener) -> None:
        while listener.pending:
            held, listener.pending = listener.pending, []
            for seq, packet in held:
                if seq > listener.last_seq:
                    listener.last_seq = seq
                    await self.send(listener.eio_sid, packet)
        listener.pending = None
