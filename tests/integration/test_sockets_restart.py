"""A server killed with -9 and started again: socket clients (python-socketio's and the JS
socket.io-client) reconnect by themselves, resume from the last seq they saw, and the seq keeps
counting where it stopped."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx

from tests.conftest import API_KEY
from tests.integration.socket_support import auth, connector
from tests.live import server_process


async def test_clients_reconnect_to_a_restarted_server_and_seq_continues(tmp_path: Path, database_url: str) -> None:
    with server_process(tmp_path, database_url, API_KEY) as server:
        async with contextlib.AsyncExitStack() as stack:
            clients = [await stack.enter_async_context(connector(kind)(server.url, auth(), resume=True))
                       for kind in ("python", "js")]
            for client in clients:
                await client.expect("connect")
                await client.expect("sync:full")
            async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": API_KEY}) as http:
                task_id = (await http.post("/admin/enqueue", json={"prompt": "survive"})).json()["taskId"]
            last = [(await client.expect("task:created"))["seq"] for client in clients]

            await asyncio.to_thread(server.kill)
            for client in clients:
                await client.expect("disconnect")
            await asyncio.to_thread(server.start)
            for client in clients:
                await client.until("connect")  # nobody asked them to: clients reconnect by themselves

            async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": API_KEY}) as http:
                await http.patch(f"/admin/tasks/{task_id}", json={"title": "after the crash"})
            received = [await client.next() for client in clients]
    assert last[0] == last[1]
    for name, data in received:
        assert (name, data["seq"], data["title"]) == ("task:updated", last[0] + 1, "after the crash")
