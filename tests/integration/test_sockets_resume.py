"""Resume over a real port: reconnect or `request:sync` with `since` gets exactly the missed events,
in order, with no gap and no duplicate at the replay/live boundary; too old a `since` gets sync:full."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import Client, Connect, auth, connector
from tests.live import serve_in_process
from waaah.service import Hub, NewTask


@pytest.fixture(params=["python", "js"])
def connect(request: pytest.FixtureRequest) -> Connect:
    return connector(request.param)


async def writes(hub: Hub, count: int) -> list[int]:
    """`count` task creations; the seq of each."""
    seqs = []
    for i in range(count):
        await hub.tasks.create(NewTask(prompt=f"task {i}"))
        seqs.append(hub.bus.last_seq)
    return seqs


async def received_seqs(client: Client, count: int) -> list[tuple[str, int]]:
    return [(name, data["seq"]) for name, data in [await client.next() for _ in range(count)]]


async def test_reconnecting_with_since_replays_exactly_the_missed_events_in_order(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth(), resume=True) as client, \
            httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as http:
        await client.expect("connect")
        await client.expect("sync:full")
        task_id = (await http.post("/admin/enqueue", json={"prompt": "seen"})).json()["taskId"]
        assert (await client.expect("task:created"))["id"] == task_id
        await client.disconnect()
        await client.expect("disconnect")
        first = hub.bus.last_seq + 1
        await http.patch(f"/admin/tasks/{task_id}", json={"title": "while away"})
        missed = (await http.post("/admin/enqueue", json={"prompt": "while away"})).json()["taskId"]
        await http.delete(f"/admin/tasks/{task_id}")
        await client.reconnect()
        await client.expect("connect")
        replayed = [await client.next() for _ in range(hub.bus.last_seq - first + 1)]
        assert [(name, data["seq"]) for name, data in replayed] == [
            ("task:updated", first), ("task:created", first + 1), ("task:updated", first + 2),
            ("task:deleted", first + 3)]
        assert replayed[0][1]["title"] == "while away" and replayed[1][1]["id"] == missed
        await http.patch(f"/admin/tasks/{missed}", json={"title": "live again"})
        assert await received_seqs(client, 1) == [("task:updated", first + 4)]


async def test_request_sync_replays_what_followed_since_then_continues_live(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth(subscribe=["task:*:*"])) as client:
        await client.until("sync:full")
        since = hub.bus.last_seq
        seqs = await writes(hub, 3)
        await client.event_with_seq(seqs[-1])
        await client.emit("request:sync", {"since": since})
        assert await client.expect("sync:request_ack") == {"seq": seqs[-1]}
        replayed = await received_seqs(client, 3)
        assert [seq for _, seq in replayed] == seqs
        assert all(name.startswith("task:task-") and name.endswith(":created") for name, _ in replayed)
        more = await writes(hub, 1)
        assert [seq for _, seq in await received_seqs(client, 1)] == more


async def test_request_sync_without_since_answers_with_sync_full(live, connect: Connect) -> None:
    async with connect(live.url, auth()) as client:
        await client.until("sync:full")
        seqs = await writes(live.runtime.hub, 2)
        await client.event_with_seq(seqs[-1])
        await client.emit("request:sync")
        assert await client.expect("sync:request_ack") == {"seq": seqs[-1]}
        snapshot = await client.expect("sync:full")
    assert snapshot["seq"] == seqs[-1] and len(snapshot["tasks"]) == 2


async def test_a_since_older_than_the_retained_log_gets_sync_full(database_url: str, connect: Connect) -> None:
    async with serve_in_process(make_settings(database_url, WAAAH_EVENT_RETENTION="60")) as live:
        hub = live.runtime.hub
        old = (await writes(hub, 3))[0]
        pruned = await hub.core.prune_events(hub.core.clock() + 1)  # as if the window had passed
        assert pruned >= 2
        async with connect(live.url, auth(since=old)) as client:
            await client.expect("connect")
            assert (await client.expect("sync:full"))["seq"] == hub.bus.last_seq
            await client.emit("request:sync", {"since": old})
            await client.expect("sync:request_ack")
            assert (await client.expect("sync:full"))["seq"] == hub.bus.last_seq


async def test_a_since_ahead_of_the_server_gets_sync_full(live, connect: Connect) -> None:
    async with connect(live.url, auth(since=10_000)) as client:
        await client.expect("connect")
        assert (await client.expect("sync:full"))["seq"] == live.runtime.hub.bus.last_seq


async def test_a_replay_holds_only_the_events_the_patterns_match(live, connect: Connect) -> None:
    hub = live.runtime.hub
    watched = await hub.tasks.create(NewTask(prompt="watched"))
    since = hub.bus.last_seq
    other = await hub.tasks.create(NewTask(prompt="other"))
    await hub.tasks.edit(other.id, {"title": "no"})
    await hub.tasks.edit(watched.id, {"title": "yes"})
    await hub.agents.register("a1", (), {})
    async with connect(live.url, auth(subscribe=[f"task:{watched.id}:*"], since=since)) as client:
        await client.expect("connect")
        name, data = await client.next()
        assert (name, data["title"]) == (f"task:{watched.id}:updated", "yes")
        await hub.tasks.edit(watched.id, {"title": "live"})
        name, data = await client.next()
    assert (name, data["title"], data["seq"]) == (f"task:{watched.id}:updated", "live", hub.bus.last_seq)


async def test_writes_during_a_replay_are_neither_lost_nor_duplicated(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth()) as client:
        await client.until("sync:full")
        since = hub.bus.last_seq
        backlog = await writes(hub, 60)
        await client.event_with_seq(backlog[-1])
        writer = asyncio.create_task(writes(hub, 40))
        await client.emit("request:sync", {"since": since})
        final = (await writer)[-1]
        before: list[int] = []
        while (got := await client.next())[0] != "sync:request_ack":
            before.append(got[1]["seq"])  # live events that overtook the request
        target = got[1]["seq"]
        after: list[int] = []
        while not after or after[-1] != final:
            after.append((await client.next())[1]["seq"])
    assert before == list(range(backlog[-1] + 1, backlog[-1] + 1 + len(before)))
    assert after == list(range(since + 1, final + 1))  # the replay up to target, then live: no gap, no repeat
    assert since < target <= final
