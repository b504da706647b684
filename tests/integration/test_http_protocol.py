"""Responses served through `OneWriteHttp`: the head and a body that follows at once leave in one
write; a head whose body comes later is not held back for it; bytes keep their order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn

from tests.live import free_port
from waaah.web.http_protocol import Corked, OneWriteHttp

WAIT = 10.0


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def next_turn() -> None:
    """Return after the callbacks the event loop has queued so far have run."""
    done = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_soon(done.set_result, None)
    await done


def corked() -> tuple[Corked, Transport]:
    transport = Transport()
    return Corked(transport, asyncio.get_running_loop()), transport  # type: ignore[arg-type]


async def test_a_head_and_the_body_written_after_it_in_the_same_turn_leave_in_one_write() -> None:
    view, transport = corked()
    view.write(b"HTTP/1.1 200 OK\r\n\r\n")
    view.write(b"{}")
    assert transport.written == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    await next_turn()
    assert transport.written == [b"HTTP/1.1 200 OK\r\n\r\n{}"]


async def test_a_head_alone_is_written_on_the_next_turn_and_later_writes_go_straight_through() -> None:
    view, transport = corked()
    view.write(b"head")
    assert transport.written == []
    await next_turn()
    assert transport.written == [b"head"]
    view.write(b"chunk 1")
    view.write(b"chunk 2")
    assert transport.written == [b"head", b"chunk 1", b"chunk 2"]


async def test_closing_writes_what_was_held_first() -> None:
    view, transport = corked()
    view.write(b"head")
    view.close()
    assert transport.written == [b"head"]
    assert transport.closed
    assert view.get_extra_info("peername") == "info:peername"


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """`/now`: head and body at once; `/later`: the head, then the body when the client has the head."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    if scope["path"] == "/later":
        await LATER.wait()
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        await send({"type": "http.response.body", "body": b" second", "more_body": False})
        return
    await send({"type": "http.response.body", "body": b"now"})


LATER = asyncio.Event()


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=OneWriteHttp, lifespan="off",
                                           log_level="warning"))
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(WAIT):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def test_a_server_answers_whole_and_streams_a_body_that_comes_after_its_head() -> None:
    LATER.clear()
    async with serving() as url, httpx.AsyncClient(base_url=url, timeout=WAIT) as client:
        for _ in range(3):  # one connection, kept alive: each response is its own cycle
            now = await client.get("/now")
            assert (now.status_code, now.text) == (200, "now")
        head = await client.get("/now", headers={"connection": "close"})
        assert head.text == "now"
        async with client.stream("GET", "/later") as streamed:
            assert streamed.status_code == 200  # the head came while the body was still waiting
            LATER.set()
            assert (await streamed.aread()) == b"first second"
