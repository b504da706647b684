"""uvicorn's httptools protocol, sending a response's head and its body in one write when they come together.

uvicorn writes the status line and headers to the socket at `http.response.start` and the body at
`http.response.body`: two `send()` system calls, and two TCP segments, for every ordinary response.
Here each request's response writes through a `Corked` transport: the head waits, at most until the
event loop's next turn, for what follows; a body sent in the same turn (as every Starlette response
sends it) goes out with it in one write. A response whose body comes later (a long poll, a stream)
has its head on the wire on the next turn, and its body as it comes. Bytes leave in the order they were
written; closing the connection sends what waits first. Websocket upgrades and everything else of
the connection use the real transport, untouched. It reaches into uvicorn's protocol (the request
cycle it makes per request), so pyproject.toml pins uvicorn to the minor version it is written for.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class Corked:
    """One response's view of its connection's transport: its first write (the head) held back until
    the next write (the body) or the event loop's next turn, whichever comes first; later writes go
    straight through."""

    __slots__ = ("_first", "_held", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._first = True
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            self._held += data  # head and body: one write
            self.flush()
        elif self._first:
            self._first = False
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self.transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            data, self._held = self._held, None
            self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class OneWriteHttp(HttpToolsProtocol):
    """The httptools protocol whose responses write through a `Corked` transport."""

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()
        if self.cycle is not before:  # a new request cycle (a websocket upgrade makes none)
            # a cycle writes, closes and asks is_closing(); the rest goes to the transport itself
            self.cycle.transport = Corked(self.transport, self.loop)  # type: ignore[assignment]
