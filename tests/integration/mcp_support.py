"""Helpers for the MCP tests: an agent driven by the official MCP client, the REST side, bounded waits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from tests.conftest import API_KEY

DIFF = "diff --git a/app.py b/app.py\n+def login():\n+    return True\n"
WORKSPACE = {"type": "local", "repoId": "org/repo"}
WAKE_BOUND = 1.0
"""How long a waiting agent may take to get work enqueued for it (a bound, not a measurement)."""
READ_TIMEOUT = 330.0


class McpAgent:
    """One agent's MCP client, with helpers that check each result's error flag."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def call(self, name: str, **args: Any) -> CallToolResult:
        return await self.client.call_tool(name, args, read_timeout_seconds=READ_TIMEOUT)

    async def text(self, name: str, **args: Any) -> str:
        result = await self.call(name, **args)
        text = str(getattr(result.content[0], "text", ""))
        assert not result.is_error, f"{name} failed: {text}"
        return text

    async def json(self, name: str, **args: Any) -> Any:
        return json.loads(await self.text(name, **args))

    async def error(self, name: str, **args: Any) -> str:
        result = await self.call(name, **args)
        assert result.is_error, f"{name} should have failed"
        return str(getattr(result.content[0], "text", ""))

    async def register(self, agent_id: str, *capabilities: str, repo: str = "org/repo") -> Any:
        return await self.json("register_agent", agentId=agent_id, capabilities=list(capabilities),
                               workspaceContext={"type": "local", "repoId": repo})


@asynccontextmanager
async def mcp_agent(url: str, mode: str = "legacy", **headers: str) -> AsyncIterator[McpAgent]:
    """An MCP client on the hub's streamable HTTP endpoint, authenticated with the API key."""
    http = httpx2.AsyncClient(headers={"X-API-Key": API_KEY, **headers},
                              timeout=httpx2.Timeout(30.0, read=READ_TIMEOUT))
    transport = streamable_http_client(f"{url}/mcp", http_client=http)
    async with http, Client(transport, mode=mode, read_timeout_seconds=READ_TIMEOUT) as client:
        yield McpAgent(client)


@asynccontextmanager
async def rest(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}, timeout=30.0) as http:
        yield http


async def enqueue(api: httpx.AsyncClient, prompt: str = "Write the docs", **body: Any) -> str:
    response = await api.post("/admin/enqueue", json={"prompt": prompt, **body})
    assert response.status_code == 200, response.text
    return str(response.json()["taskId"])


async def status_of(api: httpx.AsyncClient, task_id: str) -> str:
    return str((await api.get(f"/admin/tasks/{task_id}")).json()["status"])


async def last_seq(api: httpx.AsyncClient) -> int:
    return int((await api.get("/admin/events", params={"since": 0, "limit": 1})).json()["lastSeq"])


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (bounded) for a condition of the in-process server that has no event of its own."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)
