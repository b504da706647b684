"""The reference's own clients against a real server: an agent behind its stdio proxy (which never
names the agent on the reporting tools), its chat bot's delegation stream, and the routes its bot and
CLI call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.integration.mcp_support import DIFF, WORKSPACE, enqueue, last_seq, rest, status_of, until
from tests.integration.reference_proxy import ReferenceProxy
from tests.live import LiveServer

BOUND = 10.0


async def offered(agent: ReferenceProxy, task_id: str) -> dict[str, Any]:
    offer = await agent.json("wait_for_prompt", timeout=BOUND)
    assert offer["taskId"] == task_id, offer
    return dict(offer)


async def test_an_agent_behind_the_reference_proxy_works_a_task_to_completed(live: LiveServer) -> None:
    async with rest(live.url) as api:
        agent = ReferenceProxy(api, "proxy-agent")
        await agent.json("register_agent", role="developer", capabilities=["code-writing"],
                         workspaceContext=WORKSPACE)
        task_id = await enqueue(api, "Implement login", requiredCapabilities=["code-writing"], workspaceId="org/repo")
        await offered(agent, task_id)
        await agent.json("ack_task", taskId=task_id, agentId="proxy-agent")
        await agent.json("update_progress", taskId=task_id, agentId="proxy-agent", message="on it")
        await agent.ok("block_task", taskId=task_id, reason="clarification", question="Which DB?", summary="half")
        assert await status_of(api, task_id) == "BLOCKED"
        assert (await api.post(f"/admin/tasks/{task_id}/answer", json={"answer": "SQLite"})).status_code == 200
        await offered(agent, task_id)
        await agent.json("ack_task", taskId=task_id, agentId="proxy-agent")
        await agent.ok("submit_review", taskId=task_id, message="login done", diff=DIFF)
        assert await status_of(api, task_id) == "IN_REVIEW"
        assert (await api.post(f"/admin/tasks/{task_id}/approve")).status_code == 200
        assert (await offered(agent, task_id))["status"] == "APPROVED_PENDING_ACK"
        await agent.json("ack_task", taskId=task_id, agentId="proxy-agent")
        await agent.json("send_response", taskId=task_id, status="COMPLETED", message="merged")
        task = (await api.get(f"/admin/tasks/{task_id}")).json()
    assert (task["status"], task["assignedTo"]) == ("COMPLETED", "proxy-agent")
    assert task["response"]["diff"] == DIFF


async def test_a_stale_agent_naming_itself_after_its_lease_moved_is_refused(live: LiveServer) -> None:
    async with rest(live.url) as api:
        old, new = ReferenceProxy(api, "old"), ReferenceProxy(api, "new")
        for agent in (old, new):
            await agent.json("register_agent", role="developer", capabilities=["doc-writing"],
                             workspaceContext=WORKSPACE)
        task_id = await enqueue(api, "Write the docs", requiredCapabilities=["doc-writing"])
        await offered(old, task_id)
        await old.json("ack_task", taskId=task_id, agentId="old")
        assert (await api.post("/admin/agents/old/offline")).json()["requeued"] == [task_id]
        await offered(new, task_id)
        await new.json("ack_task", taskId=task_id, agentId="new")
        refused = await old.refused("send_response", taskId=task_id, agentId="old", status="COMPLETED",
                                    message="mine")
        assert "Agent old does not hold task" in refused and "held by new" in refused
        task = (await api.get(f"/admin/tasks/{task_id}")).json()
    assert (task["status"], task["assignedTo"], task.get("response")) == ("ASSIGNED", "new", None)


class Frames:
    """The frames of one SSE response: `(id, data)` pairs; comments (keep-alives) are counted apart."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()
        self.comments = 0

    async def comment(self) -> None:
        async with asyncio.timeout(BOUND):
            while (await anext(self.lines)) != ": keep-alive":
                pass
        self.comments += 1

    async def next(self) -> tuple[int, dict[str, Any]]:
        seq, data = None, None
        async with asyncio.timeout(BOUND):
            async for line in self.lines:
                if line.startswith("id: "):
                    seq = int(line[4:])
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and data is not None:
                    assert seq is not None
                    return seq, data
        raise AssertionError("the stream ended")


@asynccontextmanager
async def stream(api: httpx.AsyncClient, last_id: int | None = None) -> AsyncIterator[Frames]:
    headers = {} if last_id is None else {"Last-Event-ID": str(last_id)}
    async with api.stream("GET", "/admin/delegations/stream", headers=headers, timeout=None) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        frames = Frames(response)
        await frames.comment()  # the stream is open and following the log
        yield frames


async def delegate(agent: ReferenceProxy, prompt: str) -> str:
    reply = await agent.ok("assign_task", prompt=prompt, workspaceId="org/repo", sourceAgentId="ada",
                           requiredCapabilities=["doc-writing"])
    return reply.rsplit(": ", 1)[1]


async def test_the_delegation_stream_shows_real_writes_and_resumes_from_last_event_id(live: LiveServer) -> None:
    async with rest(live.url) as api:
        ada = ReferenceProxy(api, "ada")
        async with stream(api) as frames:
            assert (await api.get("/admin/bot/status")).json() == {"connected": True, "count": 1}
            await ada.json("register_agent", role="developer", capabilities=["doc-writing"],
                           workspaceContext=WORKSPACE, displayName="Ada")
            first = await delegate(ada, "Document the API " + "x" * 300)
            await offered(ada, first)
            await ada.json("ack_task", taskId=first, agentId="ada")
            await ada.json("send_response", taskId=first, status="COMPLETED", message="documented")
            seen = [await frames.next() for _ in range(3)]
        await until(lambda: live.app.app.state.delegation_streams.open == 0)
        assert (await api.get("/admin/bot/status")).json() == {"connected": False, "count": 0}
        [(_, connected), (_, delegation), (last_id, completion)] = seen
        assert connected == {"type": "activity", "category": "AGENT", "message": "Agent Ada connected",
                             "timestamp": connected["timestamp"],
                             "metadata": {"agentId": "ada", "capabilities": ["doc-writing"]}}
        assert delegation["type"] == "delegation"
        assert delegation["payload"]["taskId"] == first and delegation["payload"]["from"] == "Ada"
        assert delegation["payload"]["to"] == "Capabilities: [doc-writing]"
        assert delegation["payload"]["prompt"].endswith("x...") and len(delegation["payload"]["prompt"]) == 203
        assert completion["type"] == "completion"
        assert (completion["payload"]["id"], completion["payload"]["status"]) == (first, "COMPLETED")

        missed = await delegate(ada, "Write the changelog")  # while no stream is open
        assert (await api.post("/admin/agents/ada/offline")).status_code == 200
        async with stream(api, last_id) as frames:
            replayed = [await frames.next() for _ in range(2)]
            live_one = await delegate(ada, "Write the README")
            arrived = await frames.next()
    ids = [seq for seq, _ in (*seen, *replayed, arrived)]
    assert ids == sorted(set(ids)), "frames are in seq order, none twice"
    assert [data["payload"]["taskId"] for _, data in (replayed[0], arrived)] == [missed, live_one]
    assert replayed[1][1]["message"] == "Agent Ada disconnected (timeout)"


async def test_a_bad_last_event_id_is_a_clear_400(live: LiveServer) -> None:
    async with rest(live.url) as api:
        response = await api.get("/admin/delegations/stream", headers={"Last-Event-ID": "yesterday"})
    assert response.status_code == 400 and "Last-Event-ID" in response.json()["error"]


async def test_clearing_the_queue_deletes_every_task_with_its_events(live: LiveServer) -> None:
    async with rest(live.url) as api:
        ids = [await enqueue(api, f"Task {i}") for i in range(3)]
        since = await last_seq(api)
        reply = (await api.post("/admin/queue/clear")).json()
        assert reply == {"success": True, "message": "Queue cleared", "cleared": 3}
        assert (await api.get("/admin/tasks")).json() == []
        events = (await api.get("/admin/events", params={"since": since})).json()["events"]
    assert sorted(e["name"] for e in events if e["name"].endswith(":deleted")) == sorted(
        f"task:{task_id}:deleted" for task_id in ids)


async def test_debug_state_lists_agents_and_unfinished_tasks(live: LiveServer) -> None:
    async with rest(live.url) as api:
        agent = ReferenceProxy(api, "dbg")
        await agent.json("register_agent", role="developer", capabilities=["doc-writing"], workspaceContext=WORKSPACE)
        open_id = await enqueue(api, "Still open", workspaceId="org/repo")
        done_id = await enqueue(api, "Finished")
        await api.post(f"/admin/tasks/{done_id}/cancel")
        state = (await api.get("/debug/state")).json()
        assert (await api.get("/debug/state", headers={"X-API-Key": "wrong"})).status_code == 401
    assert [a["id"] for a in state["agents"]] == ["dbg"]
    assert state["tasks"] == [{"id": open_id, "status": "QUEUED",
                               "to": {"agentId": None, "requiredCapabilities": [], "workspaceId": "org/repo"}}]
