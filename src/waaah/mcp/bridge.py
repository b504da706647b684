"""`waaah mcp`: a stdio MCP server that forwards every tool call to a running hub (docs/mcp.md).

For clients that only spawn local servers. It lists the hub's tools and POSTs each call to
`<url>/mcp/tools/<name>` (no session to lose when the hub restarts). `AGENT_ID` fills a missing
`agentId` of register_agent and wait_for_prompt, as the reference proxy does; once registered, the
bridge also fills the caller's `agentId` of the other tools with the id the hub returned. While a
call runs it sends the client a progress notification every 15 s. Nothing is written to stdout
except the protocol.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import mcp.types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server

from waaah import __version__
from waaah.config import read_saved_api_key
from waaah.mcp.progress import keep_alive
from waaah.mcp.schemas import CALLER_TOOLS, mcp_tools

log = logging.getLogger("waaah.mcp.bridge")
DEFAULT_URL = "http://localhost:3000"
DEFAULT_AGENT = "unknown-agent"
SELF_NAMING = frozenset({"register_agent", "wait_for_prompt"})


@dataclass(frozen=True)
class BridgeConfig:
    url: str
    api_key: str | None
    agent_id: str

    @classmethod
    def from_env(cls, env: Mapping[str, str], url: str | None = None) -> BridgeConfig:
        """`--url`, else WAAAH_SERVER_URL; WAAAH_API_KEY, else the saved key; AGENT_ID."""
        home = Path(env.get("WAAAH_HOME") or "~/.waaah").expanduser()
        return cls(url=(url or env.get("WAAAH_SERVER_URL") or DEFAULT_URL).rstrip("/"),
                   api_key=env.get("WAAAH_API_KEY") or read_saved_api_key(home),
                   agent_id=env.get("AGENT_ID") or DEFAULT_AGENT)


def text_result(text: str, is_error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=is_error)


class Bridge:
    def __init__(self, config: BridgeConfig, http: httpx.AsyncClient) -> None:
        self.config = config
        self.http = http
        self.registered: str | None = None

    def arguments(self, name: str, given: dict[str, Any] | None) -> dict[str, Any]:
        """The call's arguments with the caller's `agentId` filled in where the tool takes one."""
        args = dict(given or {})
        me = self.registered or self.config.agent_id
        if not args.get("agentId") and (name in SELF_NAMING or name in CALLER_TOOLS):
            args["agentId"] = me
        if name == "assign_task" and not args.get("sourceAgentId"):
            args["sourceAgentId"] = me
        return args

    async def forward(self, name: str, args: dict[str, Any]) -> types.CallToolResult:
        """POST to the hub; its envelope comes back as is, a failure as `Proxy Error: ...`."""
        try:
            response = await self.http.post(f"/mcp/tools/{name}", json=args)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return text_result(f"Proxy Error: {exc or type(exc).__name__}", is_error=True)
        if response.status_code >= 300 or not isinstance(body, dict) or "content" not in body:
            error = body.get("error") if isinstance(body, dict) else None
            return text_result(f"Proxy Error: {error or f'HTTP {response.status_code}'}", is_error=True)
        texts = [str(c.get("text", "")) for c in body["content"] if isinstance(c, dict)]
        is_error = bool(body.get("isError"))
        if name == "register_agent" and not is_error and texts:
            self.registered = json.loads(texts[0]).get("agentId") or args["agentId"]
        return types.CallToolResult(content=[types.TextContent(type="text", text=t) for t in texts],
                                    is_error=is_error)

    async def call_tool(self, ctx: ServerRequestContext[Any, Any],
                        params: types.CallToolRequestParams) -> types.CallToolResult:
        async def ping(elapsed: float) -> None:
            await ctx.session.report_progress(elapsed, None, f"Waiting for the hub ({elapsed:.0f}s)")

        return await keep_alive(self.forward(params.name, self.arguments(params.name, params.arguments)), ping)

    async def list_tools(self, ctx: ServerRequestContext[Any, Any],
                         params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=mcp_tools())


async def serve(config: BridgeConfig) -> None:
    headers = {"X-API-Key": config.api_key} if config.api_key else {}
    timeout = httpx.Timeout(30.0, read=None)  # long polls answer when they answer
    async with httpx.AsyncClient(base_url=config.url, headers=headers, timeout=timeout) as http:
        bridge = Bridge(config, http)
        server: Server[Any] = Server("waaah-proxy", version=__version__, on_list_tools=bridge.list_tools,
                                     on_call_tool=bridge.call_tool)
        log.info("forwarding to %s as %s", config.url, config.agent_id)
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())


def main(env: Mapping[str, str], url: str | None = None) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="waaah mcp: %(message)s")
    anyio.run(serve, BridgeConfig.from_env(env, url))
    return 0
