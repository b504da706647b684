"""The toolbox every transport shares: tool name → validate → heartbeat → one handler → text result.

Streamable HTTP (`/mcp`), the legacy `POST /mcp/tools/{name}` route and, through that route, the
stdio bridge all call `Toolbox.call`, so each tool's logic exists once.
"""

from __future__ import annotations

import logging

from waaah.errors import WaaahError
from waaah.mcp.context import Args, Caller, Deps, SessionAgents, ToolResult
from waaah.mcp.hub_tools import HANDLERS as HUB_HANDLERS
from waaah.mcp.schemas import CALLER_TOOLS
from waaah.mcp.validation import invalid_arguments
from waaah.mcp.work_tools import HANDLERS as WORK_HANDLERS
from waaah.mcp.work_tools import Handler
from waaah.runtime import Runtime

log = logging.getLogger(__name__)
HANDLERS: dict[str, Handler] = {**WORK_HANDLERS, **HUB_HANDLERS}
HEARTBEAT = (CALLER_TOOLS - {"wait_for_prompt"}) | {"assign_task"}
"""Tools whose `agentId` (or `sourceAgentId`) is the caller; wait_for_prompt beats by itself."""


def unknown_tool(name: str) -> str:
    return f"Tool {name} not found"


class Toolbox:
    def __init__(self, runtime: Runtime) -> None:
        self.deps = Deps(runtime.hub, runtime.queries, runtime.polls, SessionAgents())

    @staticmethod
    def knows(name: str) -> bool:
        return name in HANDLERS

    async def call(self, name: str, args: Args | None, caller: Caller) -> ToolResult:
        """Run one tool. Bad input and refused moves come back as error results; nothing is raised."""
        if name not in HANDLERS:
            return ToolResult.error(unknown_tool(name))
        args = {} if args is None else args
        problem = invalid_arguments(name, args)
        if problem is not None:
            return ToolResult.error(f"Error: {problem}")
        try:
            await self._heartbeat(name, args, caller)
            return await HANDLERS[name](self.deps, args, caller)
        except WaaahError as exc:
            return ToolResult.error(f"Error: {exc.message}")
        except Exception:  # the top of the tool seam: report, never leak internals to the agent
            log.exception("tool %s failed", name)
            return ToolResult.error(f"Error: internal error in {name}; the hub logged the details")

    async def _heartbeat(self, name: str, args: Args, caller: Caller) -> None:
        """The reference's debounced heartbeat for the calling agent (docs/mcp.md)."""
        agent_id = self.deps.optional_caller(args, caller) if name in HEARTBEAT else None
        if agent_id is not None:
            await self.deps.hub.agents.heartbeat(agent_id)
