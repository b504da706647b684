"""A board with more finished tasks than its page: after finishing, deleting and retrying tasks over a
real server, its `sync:full` is what a fresh server would send (every active task and the newest
finished page), and it holds no more than the active tasks and twice that page."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import make_settings
from tests.integration.socket_support import Client, PyClient, as_cards, auth
from tests.live import LiveServer, serve_in_process
from waaah.realtime.board import ROWS, Board
from waaah.service import Hub, NewTask
from waaah.service.queries import Queries

PAGE = 3
ATTEMPTS = 200  # request:sync round trips while the board catches up with the last write


async def fresh_full(hub: Hub) -> dict[str, Any]:
    """`sync:full` as a server started now would send it."""
    board = Board(PAGE)
    board.load(*await Queries(hub.store).snapshot(board.keep))
    return as_cards(json.loads(board.sync_full(ROWS)[1]))  # type: ignore[no-any-return]


async def live_full(client: Client, seq: int) -> dict[str, Any]:
    """The live server's `sync:full` once its board has reached `seq`."""
    for _ in range(ATTEMPTS):
        await client.emit("request:sync")
        await client.until("sync:request_ack")
        snapshot: dict[str, Any] = await client.until("sync:full")
        if snapshot["seq"] >= seq:
            return snapshot
    raise AssertionError(f"the board never reached seq {seq}")


async def assert_like_a_fresh_server(live: LiveServer, client: Client) -> dict[str, Any]:
    hub = live.runtime.hub
    expected = await fresh_full(hub)
    got = await live_full(client, expected["seq"])
    assert got == expected
    board = live.app.app.state.sockets.fanout.board
    active = sum(1 for t in expected["tasks"] if t["status"] not in ("COMPLETED", "FAILED", "CANCELLED"))
    assert len(board.tasks) <= active + 2 * PAGE
    return got


def finished_ids(snapshot: dict[str, Any]) -> list[str]:
    return [t["id"] for t in snapshot["tasks"] if t["status"] in ("COMPLETED", "FAILED", "CANCELLED")]


async def test_the_bounded_board_sends_what_a_fresh_server_would(database_url: str) -> None:
    settings = make_settings(database_url, WAAAH_SYNC_FINISHED_LIMIT=str(PAGE))
    async with serve_in_process(settings) as live:
        hub = live.runtime.hub
        tasks = [await hub.tasks.create(NewTask(prompt=f"task {n}")) for n in range(14)]
        for task in tasks[:12]:
            await hub.tasks.cancel(task.id)
        client = PyClient(live.url, auth(subscribe=["task:*:*"]), decode_rows=True)
        await client.start()
        try:
            first = await assert_like_a_fresh_server(live, client)
            assert finished_ids(first) == [t.id for t in reversed(tasks[9:12])]
            for task in reversed(tasks[6:12]):  # the page and the cards behind it leave: read again
                await hub.tasks.delete(task.id)
            await assert_like_a_fresh_server(live, client)
            await hub.tasks.retry(tasks[0].id)  # the oldest: no card on the board until it comes back
            await hub.tasks.retry(tasks[5].id)  # on the page
            await hub.tasks.cancel(tasks[13].id)
            await hub.tasks.cancel(tasks[0].id)  # finished again, older than the page
            await assert_like_a_fresh_server(live, client)
            for task in tasks[1:6]:
                await hub.tasks.delete(task.id)
            last = await assert_like_a_fresh_server(live, client)
            assert finished_ids(last) == [tasks[13].id, tasks[0].id]
        finally:
            await client.close()
