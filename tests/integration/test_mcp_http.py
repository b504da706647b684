"""Agents over streamable HTTP at /mcp, driven by the official MCP Python client against a real server."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.mcp_support import (
    DIFF,
    WAKE_BOUND,
    McpAgent,
    enqueue,
    last_seq,
    mcp_agent,
    rest,
    status_of,
    until,
)
from tests.live import LiveServer, serve_in_process, server_process
from waaah.mcp.schemas import TOOLS


async def wait_in_background(agent: McpAgent, live: LiveServer, agent_id: str,
                             timeout: float = 60) -> asyncio.Task[dict[str, object]]:
    """Start wait_for_prompt and return once the hub counts the agent as waiting."""
    poll = asyncio.create_task(agent.json("wait_for_prompt", agentId=agent_id, timeout=timeout))
    await until(lambda: live.runtime.waiters.is_waiting(agent_id) or poll.done())
    return poll


async def test_an_agent_takes_a_code_task_through_review_to_completed(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        registered = await agent.register("ada", "code-writing")
        assert registered == {"registered": True, "agentId": "ada", "displayName": registered["displayName"],
                              "capabilities": ["code-writing"], "waitTimeout": 50}
        poll = await wait_in_background(agent, live, "ada")
        task_id = await enqueue(api, "Implement login", requiredCapabilities=["code-writing"],
                                workspaceId="org/repo")
        offer = await asyncio.wait_for(poll, WAKE_BOUND)
        assert offer["taskId"] == task_id and offer["prompt"] == "Implement login"

        assert await agent.json("ack_task", taskId=task_id, agentId="ada") == {"acknowledged": True,
                                                                              "taskId": task_id}
        progress = await agent.json("update_progress", taskId=task_id, agentId="ada",
                                    message="Writing the handler", phase="coding", percentage=40)
        assert progress == {"recorded": True}
        review = await agent.json("send_response", taskId=task_id, agentId="ada", status="IN_REVIEW",
                                  message="Ready for review", diff=DIFF)
        assert review == {"success": True, "message": f"Response recorded for {task_id}"}
        assert await status_of(api, task_id) == "IN_REVIEW"

        poll = await wait_in_background(agent, live, "ada")
        (await api.post(f"/admin/tasks/{task_id}/approve")).raise_for_status()
        back = await asyncio.wait_for(poll, WAKE_BOUND)
        assert back["taskId"] == task_id and back["approved"] is True
        await agent.json("ack_task", taskId=task_id, agentId="ada")
        done = await agent.json("send_response", taskId=task_id, agentId="ada", status="COMPLETED",
                                message="Merged")
        assert done["message"] == f"Response recorded for {task_id}"
        assert done["prompt"].splitlines() == [
            "## REQUIRED ACTION", "1. Verify merged: git log origin/main --oneline | head -1",
            f"2. If not merged: git push origin feature-{task_id}",
            f"3. Cleanup: git worktree remove .worktrees/feature-{task_id} --force"]
        task = (await api.get(f"/admin/tasks/{task_id}")).json()
        assert task["status"] == "COMPLETED" and task["response"]["diff"] == DIFF


async def test_a_dependant_is_not_dispatched_until_its_dependency_is_completed(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        await agent.register("doc", "doc-writing")
        first = await enqueue(api, "Write the guide", requiredCapabilities=["doc-writing"])
        second = await enqueue(api, "Write the FAQ", requiredCapabilities=["doc-writing"], dependencies=[first])
        assert await status_of(api, second) == "BLOCKED"

        offer = await agent.json("wait_for_prompt", agentId="doc", timeout=30)
        assert offer["taskId"] == first
        await agent.json("ack_task", taskId=first, agentId="doc")
        idle = await agent.json("wait_for_prompt", agentId="doc", timeout=1)
        assert idle["status"] == "IDLE" and await status_of(api, second) == "BLOCKED"

        poll = await wait_in_background(agent, live, "doc")
        await agent.json("send_response", taskId=first, agentId="doc", status="COMPLETED", message="Done")
        offer = await asyncio.wait_for(poll, WAKE_BOUND)
        assert offer["taskId"] == second and offer["dependencies"] == [first]


async def test_completing_a_code_task_without_review_is_refused_with_what_to_do(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        await agent.register("eager", "code-writing")
        task_id = await enqueue(api, "Fix the bug", requiredCapabilities=["code-writing"])
        assert (await agent.json("wait_for_prompt", agentId="eager", timeout=30))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id, agentId="eager")
        refused = json.loads(await agent.error("send_response", taskId=task_id, agentId="eager",
                                               status="COMPLETED", message="All done"))
        assert refused["success"] is False and refused["code"] == "REVIEW_REQUIRED"
        assert "IN_REVIEW" in refused["error"] and "diff" in refused["error"]
        no_diff = await agent.error("submit_review", taskId=task_id, agentId="eager", message="Please review")
        assert "require a valid diff" in no_diff
        assert await status_of(api, task_id) == "ASSIGNED"


@pytest.fixture
async def quick_acks(database_url: str) -> AsyncIterator[LiveServer]:
    settings = make_settings(database_url, WAAAH_ACK_TIMEOUT="1", WAAAH_SCHEDULER_TICK="0.2")
    async with serve_in_process(settings) as server:
        yield server


async def test_an_unacknowledged_task_goes_to_another_agent_after_the_ack_timeout(
        quick_acks: LiveServer) -> None:
    live = quick_acks
    async with rest(live.url) as api, mcp_agent(live.url) as slow, mcp_agent(live.url) as quick:
        await slow.register("slow", "doc-writing")
        await quick.register("quick", "doc-writing")
        task_id = await enqueue(api, "Write the changelog", requiredCapabilities=["doc-writing"])
        assert (await slow.json("wait_for_prompt", agentId="slow", timeout=30))["taskId"] == task_id

        offer = await asyncio.wait_for(quick.json("wait_for_prompt", agentId="quick", timeout=30), 20)
        assert offer["taskId"] == task_id
        assert (await slow.error("ack_task", taskId=task_id, agentId="slow")).startswith("ACK failed: ")
        assert (await quick.json("ack_task", taskId=task_id, agentId="quick"))["acknowledged"] is True


async def test_twenty_agents_share_two_hundred_tasks_each_acked_exactly_once(live: LiveServer) -> None:
    acks: Counter[str] = Counter()
    total = 200

    async def work(agent_id: str) -> None:
        async with mcp_agent(live.url) as agent:
            await agent.register(agent_id, "doc-writing")
            while sum(acks.values()) < total:
                offer = await agent.json("wait_for_prompt", agentId=agent_id, timeout=1)
                if "taskId" not in offer:
                    continue
                await agent.json("ack_task", taskId=offer["taskId"], agentId=agent_id)
                acks[offer["taskId"]] += 1
                await agent.json("send_response", taskId=offer["taskId"], agentId=agent_id,
                                 status="COMPLETED", message="done")

    async with rest(live.url) as api:
        agents = [asyncio.create_task(work(f"agent-{n:02d}")) for n in range(20)]
        ids = await asyncio.gather(*(enqueue(api, f"Write page {n}", requiredCapabilities=["doc-writing"])
                                     for n in range(total)))
        await asyncio.wait_for(asyncio.gather(*agents), 120)
        assert set(acks) == set(ids) and set(acks.values()) == {1}
        done = await api.get("/admin/tasks", params={"status": "COMPLETED", "limit": 0})
        assert done.headers["X-Total-Count"] == str(total)


async def test_an_eviction_interrupts_a_waiting_agent(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        await agent.register("old", "doc-writing")
        poll = await wait_in_background(agent, live, "old")
        evicted = await api.post("/admin/evict", json={"agentId": "old", "reason": "upgrade", "action": "SHUTDOWN"})
        evicted.raise_for_status()
        signal = await asyncio.wait_for(poll, WAKE_BOUND)
        assert signal == {"controlSignal": "EVICT", "reason": "upgrade", "action": "SHUTDOWN"}


@pytest.mark.parametrize(("tool", "args", "field"), [
    ("register_agent", {"agentId": "x", "capabilities": ["code-writing"]}, "workspaceContext"),
    ("register_agent", {"agentId": "x", "capabilities": ["typing"], "workspaceContext": {"repoId": "r"}},
     "capabilities[0]"),
    ("register_agent", {"agentId": "", "capabilities": ["code-writing"], "workspaceContext": {"repoId": "r"}},
     "agentId"),
    ("send_response", {"taskId": "task-1", "agentId": "x", "status": "DONE", "message": "m"}, "status"),
    ("update_progress", {"taskId": "task-1", "agentId": "x", "message": "m", "percentage": 150}, "percentage"),
    ("assign_task", {"prompt": "Write docs"}, "workspaceId"),
    ("wait_for_prompt", {"agentId": "x", "timeout": "soon"}, "timeout"),
])
async def test_invalid_input_names_the_field_and_writes_nothing(live: LiveServer, tool: str,
                                                               args: dict[str, object], field: str) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        before = await last_seq(api)
        text = await agent.error(tool, **args)
        assert f"Invalid input for {tool}: {field} " in text
        assert await last_seq(api) == before


async def test_an_unknown_tool_is_a_clear_error_and_the_tool_list_has_all_nineteen(live: LiveServer) -> None:
    async with mcp_agent(live.url) as agent:
        assert await agent.error("list_connected_agents") == "Tool list_connected_agents not found"
        listed = await agent.client.list_tools()
        assert sorted(t.name for t in listed.tools) == sorted(t.name for t in TOOLS)
        assert len(listed.tools) == 19


async def test_waiting_without_agent_id_or_a_registering_session_asks_for_agent_id(live: LiveServer) -> None:
    async with mcp_agent(live.url) as agent:
        assert "pass agentId" in await agent.error("wait_for_prompt", timeout=1)


async def test_reporting_without_agent_id_on_a_task_nobody_holds_is_refused(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        task_id = await enqueue(api, "Write notes", requiredCapabilities=["doc-writing"])
        refused = await agent.error("update_progress", taskId=task_id, message="working")
        assert f"No agent holds task {task_id}: it is QUEUED" in refused
        assert await status_of(api, task_id) == "QUEUED"


async def test_a_session_that_registered_may_omit_agent_id(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url, **{"Mcp-Session-Id": "s-123"}) as agent:
        await agent.register("sess", "doc-writing")
        task_id = await enqueue(api, "Write notes", requiredCapabilities=["doc-writing"])
        assert (await agent.json("wait_for_prompt", timeout=30))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id)
        await agent.json("send_response", taskId=task_id, status="COMPLETED", message="done")
        assert await status_of(api, task_id) == "COMPLETED"


async def test_only_the_holder_may_report_on_a_task(live: LiveServer) -> None:
    async with rest(live.url) as api, mcp_agent(live.url) as agent:
        await agent.register("holder", "doc-writing")
        task_id = await enqueue(api, "Write notes", requiredCapabilities=["doc-writing"])
        await agent.json("wait_for_prompt", agentId="holder", timeout=30)
        await agent.json("ack_task", taskId=task_id, agentId="holder")
        refused = await agent.error("update_progress", taskId=task_id, agentId="intruder", message="mine")
        assert "does not hold" in refused
        reply = json.loads(await agent.error("send_response", taskId=task_id, agentId="intruder",
                                             status="COMPLETED", message="mine"))
        assert reply["code"] == "NOT_HOLDER"
        assert await status_of(api, task_id) == "ASSIGNED"


async def test_a_client_that_disconnects_stops_waiting(live: LiveServer) -> None:
    async def wait_forever() -> None:
        async with mcp_agent(live.url) as agent:
            await agent.register("leaver", "doc-writing")
            await agent.json("wait_for_prompt", agentId="leaver", timeout=120)

    client = asyncio.create_task(wait_forever())
    await until(lambda: live.runtime.waiters.is_waiting("leaver"))
    client.cancel()
    await until(lambda: not live.runtime.waiters.is_waiting("leaver"))


@pytest.fixture
async def quick_beats(database_url: str) -> AsyncIterator[LiveServer]:
    """A server whose long polls report progress every 0.5 s instead of every 15 s."""
    settings = make_settings(database_url, WAAAH_AGENT_OFFLINE_AFTER="1.5")
    async with serve_in_process(settings) as server:
        yield server


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_long_poll_sends_progress_notifications(quick_beats: LiveServer, mode: str) -> None:
    live = quick_beats
    heard = asyncio.Event()
    messages: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")
        heard.set()

    async with rest(live.url) as api, mcp_agent(live.url, mode=mode) as agent:
        await agent.register("patient", "doc-writing")
        poll = asyncio.create_task(agent.client.call_tool(
            "wait_for_prompt", {"agentId": "patient", "timeout": 60}, progress_callback=on_progress))
        await asyncio.wait_for(heard.wait(), 10)
        task_id = await enqueue(api, "Write notes", requiredCapabilities=["doc-writing"])
        result = await asyncio.wait_for(poll, 10)
        assert json.loads(str(getattr(result.content[0], "text", "")))["taskId"] == task_id
        assert messages[0].startswith("Waiting for work")


async def test_the_key_is_required_on_mcp_in_either_header(live: LiveServer) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(base_url=live.url, headers=accept) as http:
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
            assert (await http.post("/mcp", json=ping, headers=headers)).status_code == 401
        for headers in ({"X-API-Key": API_KEY}, {"Authorization": f"Bearer {API_KEY}"}):
            assert (await http.post("/mcp", json=ping, headers=headers)).status_code == 200


async def test_the_hub_advertises_no_oauth_so_clients_keep_their_key_header(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url) as anonymous:
        for path in ("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
                     "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
            response = await anonymous.get(path)
            assert response.status_code == 404, path
        refused = await anonymous.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert refused.status_code == 401 and "www-authenticate" not in refused.headers


async def test_an_agent_that_connects_the_moment_a_server_starts_or_restarts_is_served(
        tmp_path: Path, database_url: str) -> None:
    """The SDK loads after /health answers; a /mcp request that comes sooner waits for it."""
    with server_process(tmp_path, database_url, API_KEY) as server:
        async with mcp_agent(server.url) as agent:
            listed = await agent.client.list_tools()
            assert {tool.name for tool in listed.tools} == {spec.name for spec in TOOLS}
        server.kill()
        server.start()
        async with mcp_agent(server.url) as agent:
            registered = await agent.register("ada", "code-writing")
            assert registered["agentId"] == "ada"
