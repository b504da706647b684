"""MCP over HTTP: streamable HTTP at `/mcp` and the reference's `POST /mcp/tools/{name}` route.

`/mcp` runs the SDK's session manager in **stateless** mode: every POST stands alone, so any
process sharing the database can serve any request (no sticky sessions), and a client that goes
away cancels its call at once (a long poll stops counting as waiting). The API key is checked by
`waaah.web.guard` before either route runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import mcp.types as types
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from waaah import __version__
from waaah.domain.json_limits import MAX_DEPTH, check_input
from waaah.errors import BadRequest, NotFound
from waaah.mcp.context import Caller, ToolResult
from waaah.mcp.schemas import LONG_POLLS, TOOLS_BY_NAME, mcp_tools
from waaah.mcp.tools import Toolbox, unknown_tool
from waaah.runtime import Runtime

INSTRUCTIONS = ("waaah hub. Call register_agent once, then loop: wait_for_prompt → ack_task → work "
                "(update_progress) → send_response. Code and test work goes to IN_REVIEW with a diff; "
                "after approval wait_for_prompt hands it back to finish with COMPLETED.")


def session_id(ctx: ServerRequestContext[Any, Any]) -> str | None:
    """The Mcp-Session-Id the client sent, if any (stateless mode never issues one itself)."""
    request = ctx.request
    headers = getattr(request, "headers", None)
    return headers.get("mcp-session-id") if headers is not None else None


class McpHttp:
    """The SDK server and session manager of one app; `serving()` runs them inside its lifespan."""

    def __init__(self, security: TransportSecuritySettings | None = None) -> None:
        self._toolbox: Toolbox | None = None
        self.server: Server[Any] = Server("waaah", version=__version__, instructions=INSTRUCTIONS,
                                          on_list_tools=self._list_tools, on_call_tool=self._call_tool,
                                          get_tool_input_schema=_input_schema)
        self.manager = StreamableHTTPSessionManager(
            app=self.server, stateless=True,
            security_settings=security or TransportSecuritySettings(enable_dns_rebinding_protection=False))

    @property
    def toolbox(self) -> Toolbox:
        if self._toolbox is None:
            raise RuntimeError("MCP is not serving yet: enter McpHttp.serving() in the app lifespan")
        return self._toolbox

    @contextlib.asynccontextmanager
    async def serving(self, runtime: Runtime) -> AsyncIterator[None]:
        self._toolbox = Toolbox(runtime)
        async with self.manager.run():
            yield

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


def install(api: FastAPI, security: TransportSecuritySettings | None = None) -> McpHttp:
    """Add `/mcp` and `/mcp/tools/{name}` to `api`; its lifespan must enter `api.state.mcp.serving()`.
    `security` is the SDK's Host/Origin check (DNS-rebinding protection) for `/mcp`."""
    endpoint = McpHttp(security)
    api.state.mcp = endpoint
    api.router.routes.append(Route("/mcp", StreamableHTTPASGIApp(endpoint.manager), methods=["POST"],
                                   include_in_schema=False))
    # A plain Starlette route: FastAPI's per-request machinery costs ~8 KiB per pending long poll.
    api.router.routes.append(Route("/mcp/tools/{name}", call_tool, methods=["POST"], include_in_schema=False))
    return endpoint


async def call_tool(request: Request) -> Response:
    """`POST /mcp/tools/{name}`: always 200 with `{content: [{type: "text", text}], isError?}`; an
    unknown tool is a 404."""
    name = str(request.path_params["name"])
    if not Toolbox.knows(name):
        raise NotFound(unknown_tool(name))
    toolbox: Toolbox = request.app.state.mcp.toolbox
    call = toolbox.call(name, await _arguments(request), Caller())
    result = await (until_disconnected(request, call) if name in LONG_POLLS else call)
    if result is None:  # the client left; nobody reads this
        return Response(status_code=499)
    return JSONResponse(result.envelope())


async def _arguments(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        arguments = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"Malformed JSON body: {exc}", field="body") from None
    except RecursionError:
        raise BadRequest(f"body: is nested deeper than {MAX_DEPTH} levels", field="body") from None
    check_input(arguments)
    return arguments


async def until_disconnected(request: Request, call: Coroutine[Any, Any, ToolResult]) -> ToolResult | None:
    """Run a long poll until it answers, or until the client disconnects: then the poll is cancelled
    (and cleans up) and None is returned. One watcher task per poll; the poll runs in this task."""
    this = asyncio.current_task()
    assert this is not None
    watcher = asyncio.ensure_future(_cancel_on_disconnect(request, this))
    try:
        return await call
    except asyncio.CancelledError:
        if not watcher.done() or watcher.cancelled():
            raise  # cancelled by someone else (shutdown): let it through
        this.uncancel()
        return None
    finally:
        watcher.cancel()


async def _cancel_on_disconnect(request: Request, task: asyncio.Task[Any]) -> None:
    await _disconnect(request)
    task.cancel()


async def _disconnect(request: Request) -> None:
    """Returns when the client has gone (the body is already read, so the next message is the end)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
