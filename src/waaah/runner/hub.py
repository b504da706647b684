"""The runner's view of the hub: its agent tools (`POST /mcp/tools/{name}`) and a few REST routes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from waaah.commands.agent_link import HubUnreachable, LegacyLink, ToolReply, check_gateway, hub_error
from waaah.commands.client import Connection, ServerError, error_from_response
from waaah.domain.lifecycle import HELD
from waaah.runner.outage import Outage

JSON = dict[str, Any]
log = logging.getLogger("waaah.runner")


class ToolFailed(ServerError):
    """A tool answered with an error result (a refused move, a stale lease, bad input)."""


@dataclass
class Registration:
    args: JSON
    outage: int
    """The outage count it was made in; after the next outage it is made again."""


class HubClient:
    """One HTTP client pool for a runner; every slot shares it.

    Once the hub has answered, a call it does not answer (HubUnreachable) is tried again until it does:
    reads and calls that are safe to repeat as they are (register_agent, the wait_for_prompt long poll,
    update_progress, recording a check); ack_task and send_response are sent again only when the task
    shows they did not land (`_write`). A transcript post and the sign-off are tried once."""

    def __init__(self, conn: Connection, outage: Outage | None = None) -> None:
        self.conn = conn
        self.outage = outage or Outage(conn.url)
        self._tools = LegacyLink(conn)
        self._http = httpx.AsyncClient(base_url=conn.url, timeout=30.0,
                                       headers={"X-API-Key": conn.need_key(), "Accept": "application/json"})
        self._registrations: dict[str, Registration] = {}

    async def close(self) -> None:
        await self._tools.close()
        await self._http.aclose()

    # --- agent tools --------------------------------------------------------------------------
    async def tool(self, name: str, retry: bool = True, **args: Any) -> ToolReply:
        body = {k: v for k, v in args.items() if v is not None}
        return await self.outage.ride(lambda: self._tools.call(name, body), retry)

    async def must(self, name: str, retry: bool = True, **args: Any) -> ToolReply:
        """A tool call that must succeed: an error result raises ToolFailed with the hub's text."""
        return checked(name, await self.tool(name, retry, **args))

    async def register(self, agent_id: str, capabilities: list[str], workspace: JSON,
                       display_name: str) -> None:
        args: JSON = {"agentId": agent_id, "capabilities": capabilities, "workspaceContext": workspace,
                "displayName": display_name, "role": "developer", "source": "CLI"}
        checked("register_agent", await self.outage.ride(lambda: self._tools.call("register_agent", args)))
        self._registrations[agent_id] = Registration(args, self.outage.count)

    async def wait_for_prompt(self, agent_id: str, timeout: int) -> JSON:
        """The long poll; cut by an outage, it is asked again, after registering the agent again (a
        hub that lost it would otherwise take it as a new agent with no workspace)."""
        async def poll() -> ToolReply:
            mine = self._registrations.get(agent_id)
            if mine is not None and mine.outage != self.outage.count:
                checked("register_agent", await self._tools.call("register_agent", mine.args))
                mine.outage = self.outage.count
                self.outage.answered()  # now, not when the long poll ends
            return await self._tools.call("wait_for_prompt", {"agentId": agent_id, "timeout": timeout})

        return checked("wait_for_prompt", await self.outage.ride(poll)).json()

    async def ack(self, task_id: str, agent_id: str) -> None:
        """ack_task; a repeat of one that landed would be refused (the task is no longer PENDING_ACK)."""
        def landed(task: JSON) -> bool:
            return task.get("status") in HELD and task.get("assignedTo") == agent_id

        await self._write("ack_task", {"taskId": task_id, "agentId": agent_id}, landed)

    async def progress(self, task_id: str, agent_id: str, message: str, phase: str | None = None) -> None:
        """update_progress; a repeat adds the same progress note twice at worst."""
        await self.must("update_progress", taskId=task_id, agentId=agent_id, message=message, phase=phase)

    async def respond(self, task_id: str, agent_id: str, status: str, message: str, **extra: Any) -> None:
        """send_response; a repeat of one that landed would be refused (the agent no longer holds it)."""
        def landed(task: JSON) -> bool:
            return task.get("status") == status and (task.get("response") or {}).get("message") == message

        args = {"taskId": task_id, "agentId": agent_id, "status": status, "message": message, **extra}
        await self._write("send_response", {k: v for k, v in args.items() if v is not None}, landed)

    async def _write(self, name: str, args: JSON, landed: Callable[[JSON], bool]) -> None:
        """A write that must not be applied twice. When the hub did not answer it, the task is read once
        the hub is back: the write is sent again only if the task does not show it."""
        while True:
            try:
                checked(name, await self.outage.ride(lambda: self._tools.call(name, args), retry=False))
                return
            except HubUnreachable as exc:
                if not self.outage.retries(exc):
                    raise
            if landed(await self.task(str(args["taskId"]))):
                return

    # --- REST --------------------------------------------------------------------------------
    async def rest(self, method: str, path: str, body: JSON | None = None,
                   params: dict[str, Any] | None = None, retry: bool = True) -> Any:
        async def send() -> Any:
            try:
                response = await self._http.request(method, path, json=body, params=params)
            except httpx.HTTPError as exc:
                raise hub_error(exc, self.conn.url) from None
            check_gateway(response, f"{method} {path}")
            if response.status_code >= 400:
                raise error_from_response(response, self.conn)
            return response.json()

        return await self.outage.ride(send, retry)

    async def task(self, task_id: str) -> JSON:
        result: JSON = await self.rest("GET", f"/admin/tasks/{task_id}")
        return result

    async def review_comments(self, task_id: str) -> list[JSON]:
        result = await self.rest("GET", f"/admin/tasks/{task_id}/review-comments")
        return result if isinstance(result, list) else list(result.get("comments", []))

    async def post_transcript(self, task_id: str, agent_id: str, entries: list[JSON]) -> JSON:
        """Tried once: a repeat of a post that landed would show its entries twice."""
        result: JSON = await self.rest("POST", f"/admin/tasks/{task_id}/transcript",
                                       {"agentId": agent_id, "entries": entries}, retry=False)
        return result

    async def post_check(self, task_id: str, check: JSON) -> JSON:
        """Record a verify command's result (`{"id", "passed"}`); a repeat records it twice, and the
        gate reads the latest."""
        result: JSON = await self.rest("POST", f"/admin/tasks/{task_id}/checks", check)
        return result

    async def sign_off(self, agent_id: str) -> list[str]:
        """Tried once: the runner is stopping, and the hub notices a silent agent by itself."""
        result: JSON = await self.rest("POST", f"/admin/agents/{agent_id}/offline", retry=False)
        return list(result.get("requeued", []))


def checked(name: str, reply: ToolReply) -> ToolReply:
    """`reply`, or ToolFailed with the hub's text when it is an error result."""
    if reply.is_error or reply.text.startswith("Error:") or '"success":false' in reply.text:
        raise ToolFailed(f"{name}: {reply.text}")
    return reply
