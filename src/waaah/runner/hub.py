"""The runner's view of the hub: its agent tools (`POST /mcp/tools/{name}`) and a few REST routes."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from waaah.commands.agent_link import LegacyLink, ToolReply
from waaah.commands.client import Connection, ServerError, error_from_response, transport_error

JSON = dict[str, Any]
log = logging.getLogger("waaah.runner")


class ToolFailed(ServerError):
    """A tool answered with an error result (a refused move, a stale lease, bad input)."""


class HubClient:
    """One HTTP client pool for a runner; every slot shares it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._tools = LegacyLink(conn)
        self._http = httpx.AsyncClient(base_url=conn.url, timeout=30.0,
                                       headers={"X-API-Key": conn.need_key(), "Accept": "application/json"})

    async def close(self) -> None:
        await self._tools.close()
        await self._http.aclose()

    # --- agent tools --------------------------------------------------------------------------
    async def tool(self, name: str, **args: Any) -> ToolReply:
        return await self._tools.call(name, {k: v for k, v in args.items() if v is not None})

    async def must(self, name: str, **args: Any) -> ToolReply:
        """A tool call that must succeed: an error result raises ToolFailed with the hub's text."""
        reply = await self.tool(name, **args)
        if reply.is_error or reply.text.startswith("Error:") or '"success":false' in reply.text:
            raise ToolFailed(f"{name}: {reply.text}")
        return reply

    async def register(self, agent_id: str, capabilities: list[str], workspace: JSON,
                       display_name: str) -> None:
        await self.must("register_agent", agentId=agent_id, capabilities=capabilities,
                        workspaceContext=workspace, displayName=display_name, role="developer",
                        source="CLI")

    async def wait_for_prompt(self, agent_id: str, timeout: int) -> JSON:
        return (await self.must("wait_for_prompt", agentId=agent_id, timeout=timeout)).json()

    async def progress(self, task_id: str, agent_id: str, message: str, phase: str | None = None) -> None:
        await self.must("update_progress", taskId=task_id, agentId=agent_id, message=message, phase=phase)

    async def respond(self, task_id: str, agent_id: str, status: str, message: str, **extra: Any) -> None:
        await self.must("send_response", taskId=task_id, agentId=agent_id, status=status, message=message,
                        **extra)

    # --- REST --------------------------------------------------------------------------------
    async def rest(self, method: str, path: str, body: JSON | None = None,
                   params: dict[str, Any] | None = None) -> Any:
        try:
            response = await self._http.request(method, path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.conn.url) from None
        if response.status_code >= 400:
            raise error_from_response(response, self.conn)
        return response.json()

    async def task(self, task_id: str) -> JSON:
        result: JSON = await self.rest("GET", f"/admin/tasks/{task_id}")
        return result

    async def review_comments(self, task_id: str) -> list[JSON]:
        result = await self.rest("GET", f"/admin/tasks/{task_id}/review-comments")
        return result if isinstance(result, list) else list(result.get("comments", []))

    async def post_transcript(self, task_id: str, agent_id: str, entries: list[JSON]) -> JSON:
        result: JSON = await self.rest("POST", f"/admin/tasks/{task_id}/transcript",
                                       {"agentId": agent_id, "entries": entries})
        return result

    async def post_check(self, task_id: str, check: JSON) -> JSON:
        """Record a verify command's result (`{"id", "passed"}`)."""
        result: JSON = await self.rest("POST", f"/admin/tasks/{task_id}/checks", check)
        return result

    async def sign_off(self, agent_id: str) -> list[str]:
        result: JSON = await self.rest("POST", f"/admin/agents/{agent_id}/offline")
        return list(result.get("requeued", []))
