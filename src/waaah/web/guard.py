"""ASGI middleware in front of every route: the API key and the body-size limit."""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from waaah.errors import TooLarge, Unauthorized, WaaahError

PUBLIC_PATHS = ("/health", "/docs", "/redoc", "/openapi.json", "/socket.io")
API_PREFIXES = ("/admin/tasks", "/admin/agents", "/admin/stats", "/admin/logs", "/admin/enqueue",
                "/admin/evict", "/admin/delegations", "/admin/bot", "/admin/review", "/admin/queue",
                "/admin/capabilities", "/admin/workspaces", "/admin/events")


def keys_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented key with the server's."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def is_api_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in API_PREFIXES)


def is_public(method: str, path: str) -> bool:
    if any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS):
        return True
    page = path == "/admin" or path.startswith("/admin/")
    return page and method in ("GET", "HEAD") and not is_api_path(path)


def presented_key(scope: Scope) -> str | None:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    header = headers.get(b"x-api-key", b"").decode("latin-1")
    if header:
        return header
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("apiKey")
    return values[0] if values else None


async def send_error(send: Send, error: WaaahError) -> None:
    body = json.dumps(error.to_json()).encode()
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def as_json(scope: Scope) -> Scope:
    """Every API body is JSON, whatever Content-Type the client sent (curl -d sends a form type)."""
    headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", b"application/json")]}


class Guard:
    """Refuses requests without the key (401) and bodies over the limit (413), before any route runs."""

    def __init__(self, app: ASGIApp, api_key: str, max_body_bytes: int) -> None:
        self.app = app
        self.api_key = api_key
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "OPTIONS" and not is_public(scope["method"], scope["path"]) \
                and not keys_match(presented_key(scope), self.api_key):
            await send_error(send, Unauthorized("Unauthorized: Invalid or missing API key"))
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await send_error(send, self._too_large())
            return
        await self.app(as_json(scope), self._limited(receive), send)

    def _too_large(self) -> TooLarge:
        return TooLarge(f"Request body is larger than the limit of {self.max_body} bytes", limit=self.max_body)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message: Any = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise self._too_large()
            return message  # type: ignore[no-any-return]

        return limited
