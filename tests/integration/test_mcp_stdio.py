"""`waaah mcp` over stdio, spawned and driven by the official MCP client, against a real server."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mcp import Client, StdioServerParameters

from tests.conftest import API_KEY
from tests.integration.mcp_support import (
    DIFF,
    READ_TIMEOUT,
    WAKE_BOUND,
    McpAgent,
    enqueue,
    rest,
    status_of,
    until,
)
from tests.live import LiveServer

WAAAH = str(Path(sys.executable).with_name("waaah"))


@asynccontextmanager
async def bridged_agent(url: str, tmp_path: Path, agent_id: str = "stdio-ada",
                        api_key: str = API_KEY) -> AsyncIterator[McpAgent]:
    env = {**os.environ, "WAAAH_SERVER_URL": url, "WAAAH_API_KEY": api_key, "AGENT_ID": agent_id,
           "WAAAH_HOME": str(tmp_path / "home")}
    params = StdioServerParameters(command=WAAAH, args=["mcp"], env=env)
    async with Client(params, mode="legacy", read_timeout_seconds=READ_TIMEOUT) as client:
        yield McpAgent(client)


async def test_the_stdio_bridge_carries_the_whole_review_flow(live: LiveServer, tmp_path: Path) -> None:
    async with rest(live.url) as api, bridged_agent(live.url, tmp_path) as agent:
        assert len((await agent.client.list_tools()).tools) == 19
        registered = await agent.json("register_agent", capabilities=["code-writing"],
                                      workspaceContext={"type": "local", "repoId": "org/repo"})
        assert registered["agentId"] == "stdio-ada"

        poll = asyncio.create_task(agent.json("wait_for_prompt", timeout=60))
        await until(lambda: live.runtime.waiters.is_waiting("stdio-ada") or poll.done())
        task_id = await enqueue(api, "Implement login", requiredCapabilities=["code-writing"],
                                workspaceId="org/repo")
        assert (await asyncio.wait_for(poll, WAKE_BOUND))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id)
        assert await agent.json("update_progress", taskId=task_id, message="coding") == {"recorded": True}
        review = await agent.json("send_response", taskId=task_id, status="IN_REVIEW", message="ready",
                                  diff=DIFF)
        assert review["message"] == f"Response recorded for {task_id}"

        poll = asyncio.create_task(agent.json("wait_for_prompt", timeout=60))
        await until(lambda: live.runtime.waiters.is_waiting("stdio-ada") or poll.done())
        (await api.post(f"/admin/tasks/{task_id}/approve")).raise_for_status()
        assert (await asyncio.wait_for(poll, WAKE_BOUND))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id)
        done = await agent.json("send_response", taskId=task_id, status="COMPLETED", message="merged")
        assert done["prompt"].startswith("## REQUIRED ACTION")
        assert await status_of(api, task_id) == "COMPLETED"


async def test_the_bridge_reports_hub_failures_as_proxy_errors(live: LiveServer, tmp_path: Path) -> None:
    async with bridged_agent(live.url, tmp_path, api_key="wrong") as agent:
        text = await agent.error("list_agents")
        assert text == "Proxy Error: Unauthorized: Invalid or missing API key"
    async with bridged_agent(live.url, tmp_path) as agent:
        assert await agent.error("list_connected_agents") == "Proxy Error: Tool list_connected_agents not found"
