"""A test client that behaves exactly like the TypeScript reference's stdio proxy (`waaah-proxy`).

The proxy lists 18 tools (every tool but `admin_evict_agent`) with these required fields, forwards each
call as `POST {url}/mcp/tools/{name}` with the `X-API-Key` header, and fills in `AGENT_ID` only on
`register_agent` and `wait_for_prompt` when the agent left `agentId` out. It never adds `agentId`
anywhere else, so an agent behind it reports on its tasks without naming itself.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

PROXY_TOOLS: dict[str, tuple[str, ...]] = {
    "register_agent": ("agentId", "role", "capabilities", "workspaceContext"),
    "wait_for_prompt": ("agentId",),
    "send_response": ("taskId", "status", "message"),
    "assign_task": ("prompt", "workspaceId"),
    "list_agents": (),
    "get_agent_status": ("agentId",),
    "ack_task": ("taskId", "agentId"),
    "wait_for_task": ("taskId",),
    "admin_update_agent": ("agentId",),
    "block_task": ("taskId", "reason", "question", "summary"),
    "answer_task": ("taskId", "answer"),
    "get_task_context": ("taskId",),
    "update_progress": ("taskId", "agentId", "message"),
    "scaffold_plan": ("taskId",),
    "submit_review": ("taskId", "message"),
    "broadcast_system_prompt": ("promptType", "message"),
    "get_review_comments": ("taskId",),
    "resolve_review_comment": ("taskId", "commentId"),
}
INJECTS_AGENT_ID = frozenset({"register_agent", "wait_for_prompt"})


class ProxyError(AssertionError):
    pass


class ReferenceProxy:
    """One agent's proxy: `AGENT_ID` is the id the proxy was started with."""

    def __init__(self, http: httpx.AsyncClient, agent_id: str) -> None:
        self.http = http
        self.agent_id = agent_id

    async def call(self, name: str, **args: Any) -> tuple[str, bool]:
        """`(text, isError)` as the proxy hands them to the agent."""
        if name not in PROXY_TOOLS:
            raise ProxyError(f"the proxy does not list {name}")
        missing = [f for f in PROXY_TOOLS[name] if f not in args and not (f == "agentId" and name in INJECTS_AGENT_ID)]
        if missing:
            raise ProxyError(f"an agent following the proxy's schema always sends {missing} to {name}")
        if name in INJECTS_AGENT_ID and not args.get("agentId"):
            args["agentId"] = self.agent_id
        response = await self.http.post(f"/mcp/tools/{name}", json=args, timeout=None)
        if response.status_code >= 300:
            return f"Proxy Error: {response.json().get('error')}", True
        body = response.json()
        return body["content"][0]["text"], bool(body.get("isError"))

    async def ok(self, name: str, **args: Any) -> str:
        text, failed = await self.call(name, **args)
        assert not failed, f"{name}: {text}"
        return text

    async def json(self, name: str, **args: Any) -> Any:
        return json.loads(await self.ok(name, **args))

    async def refused(self, name: str, **args: Any) -> str:
        text, failed = await self.call(name, **args)
        assert failed, f"{name} should have been refused: {text}"
        return text
