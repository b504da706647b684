"""MCP over HTTP: streamable HTTP at `/mcp` and the reference's `POST /mcp/tools/{name}` route.

`/mcp` runs the SDK's session manager in **stateless** mode: every POST stands alone, so any
process sharing the database can serve any request (no sticky sessions), and a client that goes
away cancels its call at once (a long poll stops counting as waiting). The API key is checked by
`waaah.web.guard` before either route runs.

The SDK (`waaah.mcp.streamable`) is not imported on the way to a serving `/health`: it loads in a
worker thread on the first `/mcp` request (which waits for it), or a second after start-up if none
came. The legacy route needs no SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from waaah import heap
from waaah.domain.json_limits import MAX_DEPTH, check_input
from waaah.errors import BadRequest, NotFound
from waaah.mcp.context import Caller, ToolResult
from waaah.mcp.schemas import LONG_POLLS
from waaah.mcp.tools import Toolbox, unknown_tool
from waaah.runtime import Runtime

if TYPE_CHECKING:
    from mcp.server.transport_security import TransportSecuritySettings

    from waaah.mcp.streamable import SdkServer

log = logging.getLogger(__name__)
Security = Callable[[], "TransportSecuritySettings"]
"""Builds the SDK's Host/Origin check once the SDK is loaded."""
WARM_UP_AFTER = 1.0
"""Seconds after start-up when the SDK loads if no /mcp request came first: late enough not to slow
the start (an import thread holding the GIL slows every request the loop serves meanwhile)."""


class McpHttp:
    """The `/mcp` ASGI app and the toolbox of one app; `serving()` runs them inside its lifespan."""

    def __init__(self, security: Security | None = None) -> None:
        self._security = security
        self._toolbox: Toolbox | None = None
        self._sdk: asyncio.Future[SdkServer] | None = None
        self._loader: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    @property
    def toolbox(self) -> Toolbox:
        if self._toolbox is None:
            raise RuntimeError("MCP is not serving yet: enter McpHttp.serving() in the app lifespan")
        return self._toolbox

    @contextlib.asynccontextmanager
    async def serving(self, runtime: Runtime) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        self._toolbox, self._sdk, self._loader = Toolbox(runtime), loop.create_future(), None
        self._stop = asyncio.Event()
        warm_up = loop.call_later(WARM_UP_AFTER, self._load)
        try:
            yield
        finally:
            warm_up.cancel()
            await self._unload()

    async def sdk(self) -> SdkServer:
        """The SDK server, loaded on the first call (callers meanwhile wait for it)."""
        if self._sdk is None:
            raise RuntimeError("MCP is not serving yet: enter McpHttp.serving() in the app lifespan")
        self._load()
        return await asyncio.shield(self._sdk)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (await self.sdk()).app(scope, receive, send)

    def _load(self) -> None:
        if self._loader is None and self._sdk is not None:
            self._loader = asyncio.create_task(self._run_sdk(self._sdk, self._stop), name="waaah-mcp-sdk")

    async def _run_sdk(self, loaded: asyncio.Future[SdkServer], stop: asyncio.Event) -> None:
        try:
            streamable = await asyncio.to_thread(importlib.import_module, "waaah.mcp.streamable")
            sdk: SdkServer = streamable.SdkServer(self.toolbox, self._security() if self._security else None)
        except Exception as exc:  # each /mcp request answers 500 with it, rather than waiting forever
            log.exception("loading the MCP SDK failed; /mcp cannot serve")
            loaded.set_exception(exc)
            return
        async with sdk.manager.run():
            loaded.set_result(sdk)
            heap.settle()  # the SDK was the last big thing the server loads
            await stop.wait()

    async def _unload(self) -> None:
        assert self._sdk is not None
        self._stop.set()
        if self._loader is not None:
            if not self._sdk.done():
                self._loader.cancel()  # still importing: the thread finishes on its own
            with contextlib.suppress(asyncio.CancelledError):
                await self._loader
        if not self._sdk.done():
            self._sdk.cancel()
        elif not self._sdk.cancelled():
            self._sdk.exception()  # a failed load was logged; do not report it again at exit


def install(api: FastAPI, security: Security | None = None) -> McpHttp:
    """Add `/mcp` and `/mcp/tools/{name}` to `api`; its lifespan must enter `api.state.mcp.serving()`.
    `security` builds the SDK's Host/Origin check (DNS-rebinding protection) for `/mcp`."""
    endpoint = McpHttp(security)
    api.state.mcp = endpoint
    api.router.routes.append(Route("/mcp", endpoint, methods=["POST"], include_in_schema=False))
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
