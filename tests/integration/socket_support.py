"""Socket.IO clients for the socket tests, behind one interface: python-socketio's AsyncClient, and
the JS socket.io-client v4 run under node (tests/js/client.mjs). Everything a client receives goes
into one queue, read in order and always with a timeout."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
import socketio

from tests.conftest import API_KEY

TIMEOUT = 10.0
JS_DIR = Path(__file__).parents[1] / "js"
FAST_RECONNECT = {"reconnection_delay": 0.1, "reconnection_delay_max": 0.5, "randomization_factor": 0}
Received = tuple[str, Any]  # (event name, data); also "connect", "disconnect" and "connect_error"


class Client(Protocol):
    async def start(self) -> None: ...
    async def next(self, timeout: float = TIMEOUT) -> Received: ...
    async def expect(self, name: str) -> Any: ...
    async def until(self, name: str) -> Any: ...
    async def event_with_seq(self, seq: int) -> Received: ...
    async def emit(self, event: str, data: Any = None) -> Any: ...
    async def disconnect(self) -> None: ...
    async def reconnect(self) -> None: ...
    async def close(self) -> None: ...


class Inbox:
    """What a client received, in order."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Received] = asyncio.Queue()
        self.last_seq: int | None = None

    def received(self, name: str, data: Any) -> None:
        if isinstance(data, dict) and isinstance(data.get("seq"), int) and name != "sync:request_ack":
            self.last_seq = max(self.last_seq or 0, data["seq"])
        self.queue.put_nowait((name, data))

    async def next(self, timeout: float = TIMEOUT) -> Received:
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def expect(self, name: str) -> Any:
        """The next thing received, which must be `name`; returns its data."""
        got, data = await self.next()
        assert got == name, f"expected {name}, received {got}: {data}"
        return data

    async def until(self, name: str) -> Any:
        """Skip ahead to the next `name` (for setup noise only, never for what a test asserts)."""
        while True:
            got, data = await self.next()
            if got == name:
                return data

    async def event_with_seq(self, seq: int) -> Received:
        """Skip ahead to the event carrying `seq` (setup writes the test does not look at)."""
        while True:
            got, data = await self.next()
            if isinstance(data, dict) and data.get("seq") == seq and got != "sync:request_ack":
                return got, data


def auth(**extra: Any) -> dict[str, Any]:
    return {"apiKey": API_KEY, **extra}


def as_cards(snapshot: Any) -> Any:
    """A `sync:full` in the row form turned into the object form, by the rule docs/realtime.md gives
    client authors (tests/js/client.mjs does the same in JS)."""
    if not isinstance(snapshot, dict) or "taskFields" not in snapshot:
        return snapshot
    fields = snapshot["taskFields"]
    tasks = [{key: value for key, value in zip(fields, row, strict=False) if value is not None}
             for row in snapshot["tasks"]]
    return {**{k: v for k, v in snapshot.items() if k != "taskFields"}, "tasks": tasks}


class PyClient(Inbox):
    """python-socketio's AsyncClient. With `resume`, each handshake carries `since` = the last seq seen;
    with `decode_rows`, a `sync:full` in the row form is received as cards (`as_cards`)."""

    def __init__(self, url: str, auth: dict[str, Any] | None, resume: bool = False,
                 transports: list[str] | None = None, decode_rows: bool = False) -> None:
        super().__init__()
        self.url, self.auth, self.resume, self.transports = url, auth, resume, transports
        self.decode_rows = decode_rows
        self.sio = socketio.AsyncClient(**FAST_RECONNECT)
        self.sio.on("*", self._any)
        for name in ("connect", "disconnect", "connect_error"):
            self.sio.on(name, self._special(name))

    def _special(self, name: str) -> Callable[..., Any]:
        async def handler(*args: Any) -> None:
            self.received(name, args[0] if args else None)
        return handler

    async def _any(self, name: str, *args: Any) -> None:
        data = args[0] if args else None
        self.received(name, as_cards(data) if self.decode_rows and name == "sync:full" else data)

    def _auth(self) -> dict[str, Any] | None:
        if self.resume and self.last_seq is not None and self.auth is not None:
            return {**self.auth, "since": self.last_seq}
        return self.auth

    async def start(self) -> None:
        with contextlib.suppress(socketio.exceptions.ConnectionError):
            await self.sio.connect(self.url, auth=self._auth if self.resume else self.auth,
                                   transports=self.transports, wait_timeout=TIMEOUT)

    async def emit(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, timeout=TIMEOUT)

    async def disconnect(self) -> None:
        await self.sio.disconnect()

    async def reconnect(self) -> None:
        await self.start()

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.sio.shutdown()


class JsClient(Inbox):
    """socket.io-client from npm, driven through tests/js/client.mjs over stdin/stdout (which does the
    `decode_rows` in JS)."""

    def __init__(self, url: str, auth: dict[str, Any] | None, resume: bool = False,
                 transports: list[str] | None = None, decode_rows: bool = False) -> None:
        super().__init__()
        options: dict[str, Any] = {"reconnectionDelay": 100, "reconnectionDelayMax": 500,
                                   "randomizationFactor": 0}
        if transports:
            options["transports"] = transports
        self.config = {"url": url, "auth": auth, "options": options, "resume": resume, "decodeRows": decode_rows}
        self.acks: asyncio.Queue[Any] = asyncio.Queue()
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            "node", str(JS_DIR / "client.mjs"), json.dumps(self.config), cwd=JS_DIR,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        ready = json.loads(await asyncio.wait_for(self._line(), TIMEOUT))
        assert ready == {"type": "ready"}, ready
        self._reader = asyncio.create_task(self._read())

    async def _line(self) -> bytes:
        assert self.process is not None and self.process.stdout is not None
        return await self.process.stdout.readline()

    async def _read(self) -> None:
        while line := await self._line():
            record = json.loads(line)
            kind = record["type"]
            if kind == "event":
                self.received(record["name"], record["data"])
            elif kind == "ack":
                self.acks.put_nowait(record["data"])
            elif kind == "connect_error":
                self.received(kind, {"message": record["message"], "data": record["data"]})
            else:
                self.received(kind, record.get("reason") or record.get("transport"))

    async def _command(self, **command: Any) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()

    async def emit(self, event: str, data: Any = None) -> Any:
        await self._command(op="emit", event=event, data=data)
        return await asyncio.wait_for(self.acks.get(), TIMEOUT)

    async def disconnect(self) -> None:
        await self._command(op="disconnect")

    async def reconnect(self) -> None:
        await self._command(op="connect")

    async def close(self) -> None:
        if self.process is None:
            return
        if self.process.returncode is None:
            with contextlib.suppress(ConnectionError):
                await self._command(op="exit")
            try:
                await asyncio.wait_for(self.process.wait(), TIMEOUT)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def require_node() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (the JS socket.io-client tests need it)")
    if not (JS_DIR / "node_modules" / "socket.io-client").is_dir():
        pytest.fail("tests/js/node_modules is missing: run `make js-client` (part of `make test`)")


KINDS = {"python": PyClient, "js": JsClient}
Connect = Callable[..., "contextlib.AbstractAsyncContextManager[Client]"]


def connector(kind: str) -> Connect:
    """`async with connect(url, auth=..., resume=..., decode_rows=...) as client:` for the client `kind`."""
    if kind == "js":
        require_node()

    @contextlib.asynccontextmanager
    async def connect(url: str, auth: dict[str, Any] | None = None, resume: bool = False,
                      transports: list[str] | None = None, decode_rows: bool = False) -> AsyncIterator[Client]:
        client = KINDS[kind](url, auth, resume, transports, decode_rows)
        try:
            await client.start()
            yield client
        finally:
            await client.close()

    return connect
