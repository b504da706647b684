"""When a message may skip Engine.IO's queue: only when nothing of Engine.IO's is in flight for that
socket and its websocket is plain, open and unpaused; otherwise it would overtake or corrupt."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from websockets.protocol import State

from waaah.realtime.wire import Outgoing, Wire


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


class Engine:
    """Stands in for python-engineio's server: its websocket class and its queued send."""

    def __init__(self) -> None:
        self._async: dict[str, Any] = {"websocket": object}
        self.queued: list[tuple[str, Any]] = []

    async def send_packet(self, sid: str, packet: Any) -> None:
        self.queued.append((sid, packet))


class EngineSocket:
    """Stands in for python-engineio's AsyncSocket: the websocket class gets its bound handler."""

    def __init__(self) -> None:
        self.sid, self.queue = "s1", asyncio.Queue()
        self.upgraded, self.upgrading, self.closed = True, False, False

    async def _websocket_handler(self, ws: Any) -> None: ...


def connected(wire: Wire) -> Any:
    """A registered websocket in the state where a direct write is allowed."""
    ws = wire.engine._async["websocket"](EngineSocket()._websocket_handler, wire.engine)  # as Engine.IO does
    writable = asyncio.Event()
    writable.set()
    ws.protocol = SimpleNamespace(transport=Transport(), writable=writable,
                                  conn=SimpleNamespace(state=State.OPEN, extensions=[]))
    wire.sockets["s1"] = ws
    return ws


def test_a_message_is_framed_once_as_an_unmasked_text_frame() -> None:
    message = Outgoing('2["task:t1:created",{"seq":1}]')
    assert message.frame == b"\x81\x1f" + b'42["task:t1:created",{"seq":1}]'
    assert message.frame is message.frame


async def test_an_idle_plain_websocket_is_written_directly() -> None:
    wire = Wire(Engine())
    ws = connected(wire)
    message = Outgoing('2["x",{}]')
    await wire.send("s1", message)
    assert ws.protocol.transport.written == [message.frame] and wire.engine.queued == []


async def test_an_unknown_socket_goes_through_engine_io() -> None:
    wire = Wire(Engine())
    message = Outgoing('2["x",{}]')
    await wire.send("polling-client", message)
    assert wire.engine.queued == [("polling-client", message.packet)]


@pytest.mark.parametrize("blocker", [
    "packet queued", "packet taken but not written", "writer mid-send", "upgrading", "closed",
    "deflate negotiated", "closing handshake", "paused by flow control", "transport closing"])
async def test_anything_in_flight_or_unusual_sends_through_engine_io(blocker: str) -> None:
    wire = Wire(Engine())
    ws = connected(wire)
    socket, protocol = ws.socket, ws.protocol
    if blocker == "packet queued":
        socket.queue.put_nowait("40")
    elif blocker == "packet taken but not written":
        socket.queue.put_nowait("40")
        socket.queue.get_nowait()  # Engine.IO's writer holds it; task_done() not called yet
    elif blocker == "writer mid-send":
        ws.sending = 1
    elif blocker == "upgrading":
        socket.upgrading = True
    elif blocker == "closed":
        socket.closed = True
    elif blocker == "deflate negotiated":
        protocol.conn.extensions = ["permessage-deflate"]
    elif blocker == "closing handshake":
        protocol.conn.state = State.CLOSING
    elif blocker == "paused by flow control":
        protocol.writable.clear()
    elif blocker == "transport closing":
        protocol.transport.closing = True
    message = Outgoing('2["x",{}]')
    await wire.send("s1", message)
    assert protocol.transport.written == [] and wire.engine.queued == [("s1", message.packet)]
