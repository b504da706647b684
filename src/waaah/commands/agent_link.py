"""How a simulated agent calls the hub's MCP tools: the official MCP client over streamable HTTP at
`/mcp`, or the reference's `POST /mcp/tools/{name}` route when a server has no `/mcp`."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from waaah.commands.client import Connection, ServerError, transport_error

if TYPE_CHECKING:
    import httpx

READ_TIMEOUT = 330.0
"""Longer than the longest long poll (300 s)."""
GATEWAY_DOWN = frozenset({502, 503, 504})
"""What a proxy in front of the hub answers while the hub is down."""


class HubUnreachable(ServerError):
    """No answer from the hub: it refused or dropped the connection, or closed it before answering
    (a restart, `kill -9`). A request cut this way may or may not have been applied."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def unreachable_reason(exc: httpx.HTTPError) -> str | None:
    """In a few words, why `exc` means the hub is not there; None for any other failure (a read timeout:
    the hub is there but did not answer in time)."""
    import httpx

    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return "cannot connect"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "the connection closed before the answer"
    return None


def check_gateway(response: httpx.Response, what: str) -> None:
    """HubUnreachable when a proxy in front of the hub answered for it (GATEWAY_DOWN)."""
    if response.status_code in GATEWAY_DOWN:
        raise HubUnreachable(f"{what}: HTTP {response.status_code}", f"HTTP {response.status_code}")


def hub_error(exc: httpx.HTTPError, url: str) -> ServerError:
    """The CLI's message for a transport failure, as HubUnreachable when the hub is not there."""
    error = transport_error(exc, url)
    reason = unreachable_reason(exc)
    return error if reason is None else HubUnreachable(error.message, reason)


@dataclass(frozen=True)
class ToolReply:
    text: str
    is_error: bool = False

    def json(self) -> dict[str, Any]:
        """The reply as a JSON object; a plain-text reply becomes `{"text": ...}`."""
        try:
            value = json.loads(self.text)
        except ValueError:
            return {"text": self.text}
        return value if isinstance(value, dict) else {"value": value}


class AgentLink(Protocol):
    name: str

    async def open(self) -> None: ...

    async def call(self, tool: str, args: dict[str, Any]) -> ToolReply: ...

    async def close(self) -> None: ...


class McpLink:
    """One MCP client session (streamable HTTP, legacy handshake) with the API key in X-API-Key."""

    name = "MCP streamable HTTP (/mcp)"

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._stack = AsyncExitStack()
        self._session: Any = None

    async def open(self) -> None:
        import httpx2
        from mcp import ClientSession
        from mcp.client.streamable_http import streamable_http_client

        http = await self._stack.enter_async_context(httpx2.AsyncClient(
            headers={"X-API-Key": self.conn.need_key()}, timeout=httpx2.Timeout(30.0, read=READ_TIMEOUT)))
        streams = await self._stack.enter_async_context(
            streamable_http_client(f"{self.conn.url}/mcp", http_client=http))
        session = ClientSession(streams[0], streams[1], read_timeout_seconds=READ_TIMEOUT)
        self._session = await self._stack.enter_async_context(session)
        await self._session.initialize()

    async def call(self, tool: str, args: dict[str, Any]) -> ToolReply:
        result = await self._session.call_tool(tool, args)
        text = "".join(getattr(block, "text", "") for block in result.content)
        return ToolReply(text, bool(result.is_error))

    async def close(self) -> None:
        await self._stack.aclose()


class LegacyLink:
    """`POST /mcp/tools/{name}` with the tool's arguments as the body (docs/mcp.md)."""

    name = "legacy tool route (/mcp/tools/{name})"

    def __init__(self, conn: Connection) -> None:
        import httpx

        self.conn = conn
        self._http = httpx.AsyncClient(base_url=conn.url, headers={"X-API-Key": conn.need_key()},
                                       timeout=httpx.Timeout(30.0, read=READ_TIMEOUT))

    async def open(self) -> None:
        return None

    async def call(self, tool: str, args: dict[str, Any]) -> ToolReply:
        import httpx

        try:
            response = await self._http.post(f"/mcp/tools/{tool}", json=args)
        except httpx.HTTPError as exc:
            raise hub_error(exc, self.conn.url) from None
        check_gateway(response, f"{tool} at {self.conn.url}")
        if response.status_code != 200:
            raise ServerError(f"{tool}: HTTP {response.status_code} {response.text[:200]}", response.status_code)
        body = response.json()
        text = "".join(block.get("text", "") for block in body.get("content", []))
        return ToolReply(text, bool(body.get("isError")))

    async def close(self) -> None:
        await self._http.aclose()


async def has_mcp_endpoint(conn: Connection) -> bool:
    """Whether the server answers at `/mcp` (any answer but 404/405 means it speaks MCP there)."""
    ping = {"jsonrpc": "2.0", "id": 0, "method": "ping"}
    headers = {"X-API-Key": conn.need_key(), "Accept": "application/json, text/event-stream"}
    import httpx

    async with httpx.AsyncClient(timeout=10.0) as http:
        try:
            response = await http.post(f"{conn.url}/mcp", json=ping, headers=headers)
        except httpx.HTTPError as exc:
            raise transport_error(exc, conn.url) from None
    return response.status_code not in (404, 405)


async def resolve_transport(conn: Connection, transport: str) -> str:
    """`mcp`, `legacy`, or for `auto`: `mcp` when the server has `/mcp`, else `legacy`."""
    if transport != "auto":
        return transport
    return "mcp" if await has_mcp_endpoint(conn) else "legacy"


TRANSPORT_NAMES = {"mcp": McpLink.name, "legacy": LegacyLink.name}


def link_for(conn: Connection, transport: str) -> AgentLink:
    return McpLink(conn) if transport == "mcp" else LegacyLink(conn)
