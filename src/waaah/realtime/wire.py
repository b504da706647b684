"""Sending Socket.IO messages: straight to an idle websocket when that is safe, else through Engine.IO.

Through python-engineio, a message to one socket is a put on that socket's queue, three event-loop
hops to wake its writer task, then framing in uvicorn and the websockets library: about 25 µs of
server time per socket, so the fiftieth socket hears of an event ~1.2 ms after the first. The same
text frame is valid for every uncompressed server-side websocket, so a message is framed once and,
for a socket with nothing else in flight, written to its transport directly (~8 µs, mostly the
`send()` system call).

Direct writes never reorder anything: they are used only while Engine.IO has no packet for that
socket queued or being written (its CONNECT, acks, pings, or our own earlier messages), the
websocket is open and upgraded, negotiated no extension (no permessage-deflate) and its transport is
not paused by flow control. In every other case — long-polling clients, an upgrade in progress, a
slow reader, a server that is not uvicorn's websockets protocol — the message goes through
Engine.IO exactly as before, and the socket keeps going through it until its queue is empty again.
"""

from __future__ import annotations

import functools
from typing import Any

from engineio import packet as eio  # type: ignore[import-untyped]
from engineio.async_drivers.asgi import WebSocket  # type: ignore[import-untyped]
from websockets.frames import Frame, Opcode
from websockets.protocol import State


class Outgoing:
    """One Socket.IO message, encoded once whatever the number of sockets: an Engine.IO packet for
    the queued path, and (built on first use) the websocket frame for direct writes."""

    __slots__ = ("_frame", "packet")

    def __init__(self, text: str) -> None:
        self.packet = eio.Packet(eio.MESSAGE, text)
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = Frame(Opcode.TEXT, self.packet.encode().encode()).serialize(mask=False)
        return self._frame


class Wire:
    """The Engine.IO server's websockets, known by session id, and the send that picks the path.

    It gives the Engine.IO server a websocket class bound to this `Wire` (`_Registered`), which
    registers each upgraded connection's uvicorn protocol and counts the writes Engine.IO's writer
    has in progress."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.sockets: dict[str, _Registered] = {}
        self.direct = 0  # messages written directly (for tests and metrics)
        self.queued = 0  # messages that went through Engine.IO
        engine._async = {**engine._async, "websocket": functools.partial(_Registered, wire=self)}

    def write_now(self, eio_sid: str, message: Outgoing) -> bool:
        """Write `message` to the socket's transport now if that is safe (see the module); False if
        it must go through Engine.IO (`send`)."""
        ws = self.sockets.get(eio_sid)
        if ws is None or not ws.writable_now():
            return False
        ws.protocol.transport.write(message.frame)
        self.direct += 1
        return True

    async def send(self, eio_sid: str, message: Outgoing) -> None:
        if not self.write_now(eio_sid, message):
            self.queued += 1
            await self.engine.send_packet(eio_sid, message.packet)


class _Registered(WebSocket):  # type: ignore[misc]
    """python-engineio's ASGI websocket, which also tells the `Wire` about itself."""

    def __init__(self, handler: Any, server: Any, wire: Wire) -> None:
        super().__init__(handler, server)
        self.wire = wire
        self.socket: Any = getattr(handler, "__self__", None)  # the engineio AsyncSocket being upgraded
        self.protocol: Any = None
        self.sending = 0
        self.plain = False

    async def __call__(self, environ: dict[str, Any]) -> Any:
        protocol = getattr(environ.get("asgi.send"), "__self__", None)
        sid: Any = getattr(self.socket, "sid", None)
        known = sid is not None and all(hasattr(protocol, a) for a in ("transport", "writable", "conn"))
        if known:
            self.protocol = protocol
            self.wire.sockets[sid] = self
        # The request body reader (a class built per request) would live as long as the socket,
        # ~2 KiB each; a websocket never reads a body.
        environ.pop("wsgi.input", None)
        try:
            return await super().__call__(environ)
        finally:
            if known and self.wire.sockets.get(sid) is self:
                del self.wire.sockets[sid]

    async def send(self, message: Any) -> None:
        """Engine.IO's writer sending a packet: while this is in progress nothing may overtake it."""
        self.sending += 1
        try:
            await super().send(message)
        finally:
            self.sending -= 1

    def writable_now(self) -> bool:
        """Nothing of Engine.IO's in flight for this socket, and a plain, open, unpaused websocket."""
        socket = self.socket
        # no packet queued or being written: every put is counted until its writer is done with it
        if self.sending or getattr(socket.queue, "_unfinished_tasks", 1) or socket.closed:
            return False
        protocol = self.protocol
        if not self.plain:  # upgraded, with no extension: once so, so for the rest of the connection
            self.plain = socket.upgraded and not socket.upgrading and not protocol.conn.extensions
            if not self.plain:
                return False
        return (protocol.conn.state is State.OPEN and protocol.writable.is_set()
                and not protocol.transport.is_closing())
