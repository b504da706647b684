"""Three `waaah serve` processes on one PostgreSQL database behave as one hub."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.scaleout_support import HEADERS, Tally, tool, until_waiting, work_loop
from tests.integration.socket_support import PyClient, auth
from tests.live import ServerProcess, cluster

pytestmark = pytest.mark.postgres
FAST_LEASES = {"WAAAH_ACK_TIMEOUT": "2", "WAAAH_AGENT_OFFLINE_AFTER": "3", "WAAAH_SCHEDULER_TICK": "0.5"}
"""Short leases, so a killed process's work comes back within seconds (too short for a loaded race)."""


def _three(tmp_path: Path, database_url: str, **env: str) -> Iterator[list[ServerProcess]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a PostgreSQL database only")
    with cluster(tmp_path, database_url, API_KEY, 3, **env) as servers:
        yield servers


@pytest.fixture
def three(tmp_path: Path, database_url: str) -> Iterator[list[ServerProcess]]:
    yield from _three(tmp_path, database_url)


@pytest.fixture
def three_with_short_leases(tmp_path: Path, database_url: str) -> Iterator[list[ServerProcess]]:
    yield from _three(tmp_path, database_url, **FAST_LEASES)


def client(server: ServerProcess) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, headers=HEADERS)


async def enqueue(http: httpx.AsyncClient, prompt: str) -> str:
    response = await http.post("/admin/enqueue", json={"prompt": prompt, "requiredCapabilities": ["doc-writing"],
                                                       "workspaceId": "org/repo"})
    response.raise_for_status()
    return str(response.json()["taskId"])


async def test_an_agent_waiting_on_one_process_gets_a_task_enqueued_on_another(three) -> None:
    a, b, _ = three
    async with client(a) as on_a, client(b) as on_b:
        await tool(on_b, "register_agent", agentId="bee", capabilities=["doc-writing"],
                   workspaceContext={"type": "local", "repoId": "org/repo"})
        waiting = asyncio.create_task(tool(on_b, "wait_for_prompt", agentId="bee", timeout=30))
        await until_waiting(on_b, 1)
        task_id = await enqueue(on_a, "write the changelog")
        offer, failed = await asyncio.wait_for(waiting, 1.0)
        assert not failed and offer["taskId"] == task_id


async def test_a_socket_on_a_third_process_sees_every_write_in_seq_order(three) -> None:
    a, b, c = three
    watcher = PyClient(c.url, auth(subscribe=["task:*:*"]), transports=["websocket"])
    await watcher.start()
    try:
        await watcher.expect("connect")
        start = (await watcher.expect("sync:full"))["seq"]
        async with client(a) as on_a, client(b) as on_b:
            await asyncio.gather(*(enqueue(http, f"task {n}") for n in range(10) for http in (on_a, on_b)))
        received = [await watcher.next() for _ in range(20)]
        assert [data["seq"] for _, data in received] == list(range(start + 1, start + 21))
        assert all(name.endswith(":created") for name, _ in received)
    finally:
        await watcher.close()


async def test_thirty_agents_on_three_processes_ack_every_task_exactly_once(three) -> None:
    tally = Tally(total=300)
    agents = [asyncio.create_task(work_loop(server.url, f"agent-{i}-{n}", tally))
              for i, server in enumerate(three) for n in range(10)]
    async with client(three[0]) as http:
        ids = [await enqueue(http, f"race {n}") for n in range(300)]
    await asyncio.wait_for(tally.done.wait(), 120)
    await asyncio.gather(*agents)
    assert set(tally.acks) == set(ids)
    assert all(count == 1 for count in tally.acks.values())
    async with client(three[1]) as http:
        completed = await http.get("/admin/tasks", params={"status": "COMPLETED", "limit": 0})
    assert completed.headers["X-Total-Count"] == "300"


async def test_killing_a_process_loses_nothing_and_its_sockets_resume_elsewhere(three_with_short_leases) -> None:
    three = three_with_short_leases
    a, b, c = three
    watcher = PyClient(c.url, auth(subscribe=["task:*:*", "agent:*:*"]), transports=["websocket"])
    await watcher.start()
    await watcher.expect("connect")
    await watcher.expect("sync:full")
    tally = Tally(total=60)
    agents = [asyncio.create_task(work_loop(server.url, f"agent-{i}-{n}", tally))
              for i, server in enumerate(three) for n in range(4)]
    try:
        async with client(a) as http:
            ids = [await enqueue(http, f"survive {n}") for n in range(60)]
        await asyncio.wait_for(tally.reached(10).wait(), 60)
        c.kill()
        last_seen = watcher.last_seq
        await asyncio.wait_for(tally.done.wait(), 120)
        await asyncio.gather(*agents)
        assert set(tally.completed) == set(ids)
        assert len(tally.lost) == 4  # the killed process's agents, whose tasks the others finished
        async with client(b) as http:
            statuses = await http.get("/admin/tasks", params={"status": "COMPLETED", "limit": 0})
            assert statuses.headers["X-Total-Count"] == "60"
            last = (await http.get("/admin/events", params={"since": 0, "limit": 1})).json()["lastSeq"]
        everything = ["task:*:*", "agent:*:*"]
        resumed = PyClient(a.url, auth(subscribe=everything, since=last_seen), transports=["websocket"])
        await resumed.start()
        try:
            await resumed.expect("connect")
            seqs = [(await resumed.next())[1]["seq"] for _ in range(last - (last_seen or 0))]
            assert seqs == list(range((last_seen or 0) + 1, last + 1))
        finally:
            await resumed.close()
    finally:
        tally.done.set()
        for agent in agents:
            agent.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*agents, return_exceptions=True)
        await watcher.close()

