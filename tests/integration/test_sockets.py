"""The Socket.IO channel over a real port, with python-socketio's client and the JS socket.io-client:
handshake auth, sync:full, subscriptions and the reference's generic event names."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import Connect, auth, connector
from tests.live import serve_in_process
from waaah.domain.views import CARD_FIELDS
from waaah.service import NewTask


@pytest.fixture(params=["python", "js"])
def connect(request: pytest.FixtureRequest) -> Connect:
    return connector(request.param)


def newest_first(tasks: list[Any]) -> list[str]:
    return [t.id for t in sorted(sorted(tasks, key=lambda t: t.id), key=lambda t: t.created_at, reverse=True)]


def rest(live: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY})


async def test_a_good_key_connects_and_the_first_thing_received_is_sync_full(live, connect: Connect) -> None:
    async with connect(live.url, auth()) as client:
        await client.expect("connect")
        snapshot = await client.expect("sync:full")
    assert snapshot == {"tasks": [], "agents": [], "seq": live.runtime.hub.bus.last_seq}
    async with connect(live.url, auth(subscribe=["task:*:*"])) as client:
        await client.expect("connect")
        snapshot = await client.expect("sync:full")
    assert snapshot == {"taskFields": list(CARD_FIELDS), "tasks": [], "agents": [],
                        "seq": live.runtime.hub.bus.last_seq}


async def test_a_missing_key_is_refused_with_auth_missing(live, connect: Connect) -> None:
    for given in (None, {}, {"apiKey": ""}, {"token": API_KEY}):
        async with connect(live.url, given) as client:
            refused = await client.expect("connect_error")
        assert refused == {"message": "Authentication required: Missing API key",
                           "data": {"code": "AUTH_MISSING"}}, given


async def test_a_wrong_key_is_refused_with_auth_invalid(live, connect: Connect) -> None:
    async with connect(live.url, {"apiKey": API_KEY + "-not"}) as client:
        refused = await client.expect("connect_error")
    assert refused == {"message": "Authentication failed: Invalid API key", "data": {"code": "AUTH_INVALID"}}


async def test_the_key_is_only_read_from_the_handshake_auth(live) -> None:
    connect = connector("python")
    async with connect(live.url + f"?apiKey={API_KEY}", None) as client:
        refused = await client.expect("connect_error")
    assert refused["data"] == {"code": "AUTH_MISSING"}


async def test_sync_full_holds_active_tasks_recent_finished_ones_and_agents(database_url: str,
                                                                           connect: Connect) -> None:
    """Clients without patterns that ask for cards get them as objects; clients with patterns get rows,
    which decode to the same."""
    settings = make_settings(database_url, WAAAH_SYNC_FINISHED_LIMIT="2")
    async with serve_in_process(settings) as live:
        hub = live.runtime.hub
        await hub.agents.register("coder-1", ("code-writing",), {"type": "local", "repoId": "r"},
                                  display_name="Coder")
        first = await hub.tasks.create(NewTask(prompt="Fix the login form\nIt forgets the user.",
                                               priority="high"))
        second = await hub.tasks.create(NewTask(prompt="Write docs", title="Docs", dependencies=(first.id,)))
        third = await hub.tasks.create(NewTask(prompt="Réparer le formulaire « connexion » qui oublie l'utilisateur"))
        await hub.work.reserve(third.id, "coder-1")
        acked, _ = await hub.work.ack(third.id, "coder-1")
        created = [await hub.tasks.create(NewTask(prompt=f"old {i}")) for i in range(3)]
        finished = [await hub.tasks.cancel(task.id) for task in created]
        async with connect(live.url, auth(cards=True)) as legacy, \
                connect(live.url, auth(subscribe=["agent:*:*"]), decode_rows=True) as scoped:
            await legacy.expect("connect")
            snapshot = await legacy.expect("sync:full")
            await scoped.expect("connect")
            decoded = await scoped.expect("sync:full")
    assert decoded == snapshot
    assert snapshot["seq"] == hub.bus.last_seq
    cards = {card["id"]: card for card in snapshot["tasks"]}
    assert list(cards)[:3] == newest_first([first, second, third])
    assert list(cards)[3:] == newest_first(finished)[:2]
    assert cards[first.id] == {"id": first.id, "status": "QUEUED", "title": "Fix the login form",
                               "priority": "high"}
    assert cards[second.id] == {"id": second.id, "status": "BLOCKED", "title": "Docs",
                                "dependencies": [first.id], "blockedReason": second.blocked_reason}
    assert cards[third.id] == {"id": third.id, "status": "ASSIGNED", "assignedTo": "coder-1",
                               "title": "Réparer le formulaire « connexion » qui oublie l'utilis…",  # 56 characters
                               "statusAt": acked.updated_at}
    done = next(task for task in finished if task.id == list(cards)[3])
    assert cards[done.id] == {"id": done.id, "status": "CANCELLED", "title": done.prompt,
                              "completedAt": done.completed_at}
    assert [a["id"] for a in snapshot["agents"]] == ["coder-1"]
    assert snapshot["agents"][0]["displayName"] == "Coder"
    assert snapshot["agents"][0]["status"] == "PROCESSING"


REFERENCE_TASK_FIELDS = ("id", "command", "prompt", "status", "priority", "from", "to", "context", "response",
                         "messages", "dependencies", "history", "images", "createdAt")


async def test_clients_without_patterns_get_whole_tasks_as_the_rest_api_shows_them(live, connect: Connect) -> None:
    """The reference's dashboard reads prompts, messages and history straight from sync:full: every active
    task, then the newest 50 COMPLETED and 50 CANCELLED, each exactly as GET /admin/tasks/{id}."""
    hub = live.runtime.hub
    await hub.agents.register("coder-1", ("code-writing",), {"type": "local", "repoId": "r"})
    active = await hub.tasks.create(NewTask(prompt="Fix the login form", context={"workspaceId": "r"},
                                            workspace_id="r", capabilities=("code-writing",)))
    await hub.work.reserve(active.id, "coder-1")
    await hub.work.ack(active.id, "coder-1")
    await hub.work.progress(active.id, "coder-1", "half way", "coding", 50)
    cancelled = [await hub.tasks.cancel((await hub.tasks.create(NewTask(prompt=f"old {i}"))).id)
                 for i in range(51)]
    async with connect(live.url, auth()) as legacy:
        await legacy.expect("connect")
        snapshot = await legacy.expect("sync:full")
    ids = [task["id"] for task in snapshot["tasks"]]
    assert ids == [active.id, *newest_first(cancelled)[:50]]
    async with rest(live) as api:
        for task in snapshot["tasks"][:3]:
            shown = (await api.get(f"/admin/tasks/{task['id']}")).json()
            assert task == shown
            assert all(field in task for field in REFERENCE_TASK_FIELDS), task
    first = snapshot["tasks"][0]
    assert [m["content"] for m in first["messages"]] == ["half way"]
    assert first["assignedTo"] == "coder-1" and first["history"]
    assert snapshot["seq"] == hub.bus.last_seq


async def test_sync_full_reflects_every_write_made_while_the_server_runs(live) -> None:
    hub = live.runtime.hub
    task = await hub.tasks.create(NewTask(prompt="first", title="One"))
    edited = await hub.tasks.edit(task.id, {"title": "Renamed", "priority": "critical"})
    gone = await hub.tasks.create(NewTask(prompt="second"))
    await hub.tasks.delete(gone.id)
    async with connector("python")(live.url, auth(cards=True)) as client:
        await client.expect("connect")
        snapshot = await client.expect("sync:full")
    assert snapshot["tasks"] == [{"id": task.id, "status": "QUEUED", "title": "Renamed",
                                  "priority": "critical", "statusAt": edited.updated_at}]
    assert snapshot["seq"] == hub.bus.last_seq


async def test_clients_without_patterns_get_every_event_under_the_generic_names(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth()) as client, rest(live) as http:
        await client.until("sync:full")
        task_id = (await http.post("/admin/enqueue", json={"prompt": "hi"})).json()["taskId"]
        assert (await client.expect("task:created"))["id"] == task_id
        await http.patch(f"/admin/tasks/{task_id}", json={"title": "T"})
        assert await client.expect("task:updated") == {"id": task_id, "title": "T", "seq": hub.bus.last_seq,
                                                       "updatedAt": (await http.get(f"/admin/tasks/{task_id}"))
                                                       .json()["updatedAt"]}
        await http.delete(f"/admin/tasks/{task_id}")
        assert (await client.expect("task:updated"))["status"] == "CANCELLED"
        assert await client.expect("task:deleted") == {"id": task_id, "seq": hub.bus.last_seq}
        await hub.agents.register("a1", (), {})
        assert (await client.expect("agent:status"))["id"] == "a1"


async def test_patterns_in_the_handshake_filter_events_and_name_them_by_id(live, connect: Connect) -> None:
    hub = live.runtime.hub
    watched = await hub.tasks.create(NewTask(prompt="watched"))
    async with connect(live.url, auth(subscribe=[f"task:{watched.id}:*"])) as client, rest(live) as http:
        await client.until("sync:full")
        other = (await http.post("/admin/enqueue", json={"prompt": "other"})).json()["taskId"]
        await http.patch(f"/admin/tasks/{other}", json={"title": "not for you"})
        await hub.agents.register("a1", (), {})
        await http.patch(f"/admin/tasks/{watched.id}", json={"title": "for you"})
        name, data = await client.next()
    assert (name, data["title"], data["seq"]) == (f"task:{watched.id}:updated", "for you", hub.bus.last_seq)


async def test_subscribe_and_unsubscribe_change_what_arrives(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth(subscribe=["agent:*:*"])) as client:
        await client.until("sync:full")
        ack = await client.emit("subscribe", ["task:*:created"])
        assert ack == {"patterns": ["agent:*:*", "task:*:created"], "all": False}
        created = await hub.tasks.create(NewTask(prompt="one"))
        await hub.tasks.edit(created.id, {"title": "not subscribed to updates"})
        await hub.agents.register("a1", (), {})
        assert (await client.next())[0] == f"task:{created.id}:created"
        assert (await client.next())[0] == "agent:a1:status"
        assert await client.emit("unsubscribe", {"patterns": ["task:*:created"]}) == \
            {"patterns": ["agent:*:*"], "all": False}
        await hub.tasks.create(NewTask(prompt="two"))
        await hub.agents.register("a2", (), {})
        assert (await client.next())[0] == "agent:a2:status"


async def test_a_bad_pattern_is_answered_with_an_error_event(live, connect: Connect) -> None:
    async with connect(live.url, auth()) as client:
        await client.until("sync:full")
        ack = await client.emit("subscribe", ["tasks:*"])
        error = await client.expect("error")
        assert error["code"] == "BAD_REQUEST" and "tasks:*" in error["message"]
        assert ack == {"error": error}
        await client.emit("subscribe", 42)
        assert (await client.expect("error"))["code"] == "BAD_REQUEST"


def nested(depth: int, inner: Any) -> Any:
    value = inner
    for _ in range(depth):
        value = [value]
    return value


async def test_deep_or_unencodable_payloads_are_answered_with_an_error_event(live, connect: Connect) -> None:
    """Hostile socket payloads get the `error` event naming the problem, and change nothing."""
    lone_surrogate = chr(0xD800)
    async with connect(live.url, auth(subscribe=["agent:*:*"])) as client:
        await client.until("sync:full")
        for event, data, said in (("subscribe", {"patterns": nested(40, "task:*:*")}, "nested deeper than 32"),
                                  ("request:sync", {"since": 1, "x": nested(40, 1)}, "nested deeper than 32"),
                                  ("subscribe", {"patterns": [f"task:{lone_surrogate}:*"]}, "surrogate")):
            ack = await client.emit(event, data)
            error = await client.expect("error")
            assert error["code"] == "BAD_REQUEST" and said in error["message"], (event, error)
            assert ack == {"error": error}
        assert await client.emit("subscribe", []) == {"patterns": ["agent:*:*"], "all": False}


async def test_a_bad_pattern_in_the_handshake_refuses_the_connection(live, connect: Connect) -> None:
    async with connect(live.url, auth(subscribe=["task:*:bogus"])) as client:
        refused = await client.expect("connect_error")
    assert refused["data"]["code"] == "BAD_REQUEST"
    assert "task:*:bogus" in refused["message"]


async def test_a_bad_since_is_answered_with_an_error_event(live, connect: Connect) -> None:
    async with connect(live.url, auth()) as client:
        await client.until("sync:full")
        for since in ("7", -1, 1.5, True, [3]):
            ack = await client.emit("request:sync", {"since": since})
            error = await client.expect("error")
            assert error["code"] == "BAD_REQUEST" and error["field"] == "since", since
            assert ack == {"error": error}


async def test_a_bad_since_in_the_handshake_gets_an_error_then_sync_full(live, connect: Connect) -> None:
    async with connect(live.url, auth(since="yesterday")) as client:
        await client.expect("connect")
        assert (await client.expect("error"))["field"] == "since"
        assert (await client.expect("sync:full"))["seq"] == live.runtime.hub.bus.last_seq


@pytest.mark.parametrize(("setting", "negotiated"), [(None, False), ("on", True)])
async def test_permessage_deflate_is_offered_only_when_configured(database_url: str, setting: str | None,
                                                                 negotiated: bool) -> None:
    """Off by default: the compressor costs ~17 KiB of server memory per socket and a compression per event."""
    from websockets.asyncio.client import connect as ws_connect

    settings = make_settings(database_url, **({"WAAAH_WS_DEFLATE": setting} if setting else {}))
    async with serve_in_process(settings) as live:
        url = live.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        async with ws_connect(url, compression="deflate") as ws:
            extensions = ws.response.headers.get("Sec-WebSocket-Extensions") if ws.response else None
    assert ("permessage-deflate" in (extensions or "")) is negotiated, extensions
