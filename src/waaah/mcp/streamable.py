"""The MCP SDK's half of `/mcp`: its low-level server and a stateless streamable-HTTP session manager.

The SDK's imports are a third of the server's start-up, so nothing on the way to a serving `/health`
imports this module: `waaah.mcp.http` loads it in a worker thread once the app has started.
"""

from __future__ import annotations

from typing import Any

import mcp.types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from waaah import __version__
from waaah.mcp.context import Caller
from waaah.mcp.schemas import TOOLS_BY_NAME, mcp_tools
from waaah.mcp.tools import Toolbox

INSTRUCTIONS = ("waaah hub. Call register_agent once, then loop: wait_for_prompt → ack_task → work "
                "(update_progress) → send_response. Code and test work goes to IN_REVIEW with a diff; "
                "after approval wait_for_prompt hands it back to finish with COMPLETED.")


def session_id(ctx: ServerRequestContext[Any, Any]) -> str | None:
    """The Mcp-Session-Id the client sent, if any (stateless mode never issues one itself)."""
    request = ctx.request
    headers = getattr(request, "headers", None)
    return headers.get("mcp-session-id") if headers is not None else None


class SdkServer:
    """The SDK server answering with `toolbox`; `manager.run()` must be entered before `app` serves."""

    def __init__(self, toolbox: Toolbox, security: TransportSecuritySettings | None = None) -> None:
        self.toolbox = toolbox
        self.server: Server[Any] = Server("waaah", version=__version__, instructions=INSTRUCTIONS,
                                          on_list_tools=self._list_tools, on_call_tool=self._call_tool,
                                          get_tool_input_schema=_input_schema)
        self.manager = StreamableHTTPSessionManager(
            app=self.server, stateless=True,
            security_settings=security or TransportSecuritySettings(enable_dns_rebinding_protection=False))
        self.app = StreamableHTTPASGIApp(self.manager)

    async def _list_tools(self, ctx: ServerRequestContext[Any, Any],
                          params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=mcp_tools())

    async def _call_tool(self, ctx: ServerRequestContext[Any, Any],
                         params: types.CallToolRequestParams) -> types.CallToolResult:
        caller = Caller(session_id=session_id(ctx), progress=ctx.session.report_progress)
        result = await self.toolbox.call(params.name, params.arguments, caller)
        return types.CallToolResult(content=[types.TextContent(type="text", text=result.text)],
                                    is_error=result.is_error)


def _input_schema(name: str) -> dict[str, Any] | None:
    spec = TOOLS_BY_NAME.get(name)
    return spec.input_schema if spec else None
