"""Webhooks end to end: a real hub on a random port delivers to a real receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.hooks_support import Receiver, receiving
from tests.live import LiveServer, free_port, serve_in_process
from waaah.domain.lifecycle import Status
from waaah.service import NewTask

SECRET = "s3cret-for-the-tests-only"
FAST = {"WAAAH_HOOK_RETRY_BASE": "0.02", "WAAAH_HOOK_RETRY_MAX": "0.1"}


@pytest.fixture
async def hub_server(database_url: str) -> AsyncIterator[LiveServer]:
    async with serve_in_process(make_settings(database_url, **FAST)) as server:
        yield server


@pytest.fixture
async def http(hub_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=hub_server.url, headers={"X-API-Key": API_KEY}) as client:
        yield client


async def add_hook(http: httpx.AsyncClient, url: str, events: list[str], **extra: Any) -> dict[str, Any]:
    response = await http.post("/admin/hooks", json={"url": url, "events": events, "secret": SECRET, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def enqueue(http: httpx.AsyncClient, prompt: str) -> str:
    response = await http.post("/admin/enqueue", json={"prompt": prompt})
    assert response.status_code == 200, response.text
    return str(response.json()["taskId"])


async def wait(receiver: Receiver, count: int) -> None:
    await asyncio.to_thread(receiver.wait_seqs, count)


async def test_every_matching_event_arrives_once_in_order_and_signed(http: httpx.AsyncClient) -> None:
    with receiving(Receiver(SECRET)) as receiver:
        await add_hook(http, receiver.url, ["task:*:created"])
        ids = [await enqueue(http, f"task {n}") for n in range(5)]
        await http.post("/admin/tasks/" + ids[0] + "/comments", json={"content": "not a creation"})
        last = await enqueue(http, "the last one")
        await wait(receiver, 6)
        got = receiver.deliveries
        assert [d.body["entityId"] for d in got] == [*ids, last]  # the comment's task:updated never sent
        assert [d.seq for d in got] == sorted({d.seq for d in got})
        assert all(d.signed and d.header_seq == str(d.seq) for d in got)
        assert [d.event for d in got] == [f"task:{i}:created" for i in [*ids, last]]
        assert got[0].body["data"]["prompt"] == "task 0" and got[0].body["data"]["seq"] == got[0].seq


async def test_needs_you_sends_questions_reviews_and_failures_only(hub_server: LiveServer,
                                                                   http: httpx.AsyncClient) -> None:
    hub = hub_server.runtime.hub
    with receiving(Receiver(SECRET)) as receiver:
        await add_hook(http, receiver.url, ["needs-you"])
        await hub.agents.register("a1", ("code-writing",), {"type": "local", "repoId": "r"})
        statuses = []
        for outcome in ("block", "review", "fail"):
            task = await hub.tasks.create(NewTask(prompt=outcome, capabilities=("code-writing",)))
            await hub.work.reserve(task.id, "a1")
            await hub.work.ack(task.id, "a1")
            if outcome == "block":
                await hub.work.block(task.id, "a1", "clarification", "Which DB?", "s", None, None)
            elif outcome == "review":
                await hub.work.respond(task.id, "a1", Status.IN_REVIEW, "done", diff="diff --git a/x b/x\n+1\n")
            else:
                await hub.work.respond(task.id, "a1", Status.FAILED, "broken")
            statuses.append(task.id)
        await wait(receiver, 3)
        assert [d.body["data"]["status"] for d in receiver.deliveries] == ["BLOCKED", "IN_REVIEW", "FAILED"]
        assert [d.body["entityId"] for d in receiver.deliveries] == statuses


async def test_a_receiver_down_for_a_while_gets_everything_after_in_order(hub_server: LiveServer,
                                                                          http: httpx.AsyncClient) -> None:
    port = free_port()  # nothing listens yet: connections are refused
    failures, drained = Calls(hub_server, "failed"), Calls(hub_server, "release")
    hook = await add_hook(http, f"http://127.0.0.1:{port}/hook", ["task:*:created"])
    ids = [await enqueue(http, f"task {n}") for n in range(3)]
    await failures.reach(2)
    assert (await http.get(f"/admin/hooks/{hook['id']}")).json()["failures"] >= 2
    answers = {1: 503, 2: 503}
    with receiving(Receiver(SECRET, answer=lambda n: answers.get(n, 200)), port) as receiver:
        ids += [await enqueue(http, f"later {n}") for n in range(2)]
        released = drained.count + 1  # any release from now on follows the last delivery
        await wait(receiver, 5)
        assert [d.body["entityId"] for d in receiver.deliveries] == ids
        assert receiver.requests == 7  # two 503s, then each event once
        await drained.reach(released)
    state = (await http.get(f"/admin/hooks/{hook['id']}")).json()
    assert (state["failures"], state["backlog"], state["paused"]) == (0, 0, False)
    assert state["lastSuccessAt"] is not None and state["lastError"] is None


async def test_repeated_failures_pause_the_hook_and_resume_sends_from_where_it_stopped(database_url: str) -> None:
    settings = make_settings(database_url, **FAST, WAAAH_HOOK_MAX_FAILURES="3")
    down = True
    async with serve_in_process(settings) as server, \
            httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": API_KEY}) as http:
        with receiving(Receiver(SECRET, answer=lambda n: 503 if down else 200)) as receiver:
            hook = await add_hook(http, receiver.url, ["task:*:created"])
            stopped = await paused(server, hook["id"])
            ids = [await enqueue(http, f"task {n}") for n in range(2)]
            await asyncio.wait_for(stopped.wait(), 30)
            state = (await http.get(f"/admin/hooks/{hook['id']}")).json()
            assert (state["paused"], state["failures"], state["lastError"]) == (True, 3, "HTTP 503")
            assert state["backlog"] >= 2
            assert receiver.requests == 3 and receiver.deliveries == []
            down = False
            resumed = await http.post(f"/admin/hooks/{hook['id']}/resume")
            assert resumed.json()["paused"] is False
            await wait(receiver, 2)
            assert [d.body["entityId"] for d in receiver.deliveries] == ids


class Calls:
    """Counts the hub's calls of one delivery bookkeeping operation (`failed`: a failure recorded,
    `release`: a backlog drained), so a test can wait for the n-th."""

    def __init__(self, server: LiveServer, name: str) -> None:
        ops = server.runtime.hub.hooks
        self.count = 0
        self.changed = asyncio.Condition()
        real = getattr(ops, name)

        async def counted(*args: Any) -> Any:
            recorded = await real(*args)
            async with self.changed:
                self.count += 1
                self.changed.notify_all()
            return recorded

        setattr(ops, name, counted)

    async def reach(self, count: int) -> None:
        async with asyncio.timeout(30), self.changed:
            await self.changed.wait_for(lambda: self.count >= count)


async def paused(server: LiveServer, hook_id: str) -> asyncio.Event:
    """Set when the hub appends the hook's `hook:status` event that says it is paused."""
    event = asyncio.Event()
    server.runtime.hub.bus.subscribe(
        lambda e: event.set() if e.name == "hook:status" and e.entity_id == hook_id and e.payload["paused"] else None)
    return event
