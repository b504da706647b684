"""ASGI middleware in front of every route: the Host and Origin checks, the API key, the body-size limit.

In order: a `Host` the hub does not answer to is a 421; a browser `Origin` that is not the hub's own
(nor in `WAAAH_CORS_ORIGINS`) is a 403 on the Socket.IO endpoint and on every state-changing request;
a missing or wrong key is a 401, and after too many wrong keys from one address a 429; a body over
the limit is a 413, whether its size was declared or it came chunked. Every answer gets the security
headers of `waaah.web.headers`.
"""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from waaah.config import Settings
from waaah.errors import Throttled, TooLarge, Unauthorized, WaaahError
from waaah.web.headers import with_headers
from waaah.web.hosts import STATE_CHANGING, check_host, check_origin
from waaah.web.pages import check_page_path
from waaah.web.paths import SOCKETS, is_page, is_public, under
from waaah.web.throttle import KeyThrottle


def keys_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented key with the server's."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def presented_key(scope: Scope) -> str | None:
    given = header(scope, b"x-api-key")
    if given:
        return given
    auth = header(scope, b"authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("apiKey")
    return values[0] if values else None


def check_key(scope: Scope, api_key: str, throttle: KeyThrottle) -> None:
    """Raise 401 for a missing or wrong key, 429 once an address has sent too many wrong ones."""
    given = presented_key(scope)
    if keys_match(given, api_key):
        return
    refuse_wrong_key(throttle, client_address(scope), given, "Unauthorized: Invalid or missing API key")


def refuse_wrong_key(throttle: KeyThrottle, address: str, given: str | None, message: str) -> None:
    """Raise for a key that did not match: throttled if `address` has had its share of wrong keys."""
    if given:
        wait = throttle.retry_after(address)
        if wait is not None:
            raise Throttled(f"Too many wrong API keys from {address}: retry in {wait} s", retryAfter=wait)
        throttle.failed(address)
    raise Unauthorized(message)


async def send_error(send: Send, error: WaaahError, websocket: bool = False) -> None:
    body = json.dumps(error.to_json()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if isinstance(error.details.get("retryAfter"), int):
        headers.append((b"retry-after", str(error.details["retryAfter"]).encode()))
    kind = "websocket.http.response" if websocket else "http.response"
    await send({"type": f"{kind}.start", "status": error.status, "headers": headers})
    await send({"type": f"{kind}.body", "body": body})


def as_json(scope: Scope) -> Scope:
    """Every API body is JSON, whatever Content-Type the client sent (curl -d sends a form type)."""
    headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", b"application/json")]}


def check_request(scope: Scope, settings: Settings) -> None:
    """The checks every HTTP request and websocket handshake passes before any route: Host, path, Origin."""
    host = header(scope, b"host")
    check_host(host, settings.allowed_hosts)
    if is_page(scope["path"]):
        check_page_path(scope["path"], scope.get("raw_path") or b"")
    method = scope.get("method", "GET")
    if scope["type"] == "websocket" or method in STATE_CHANGING or under(scope["path"], SOCKETS):
        check_origin(header(scope, b"origin"), host, settings.cors_origins)


class Guard:
    """Refuses misdirected, cross-site, unauthorised and oversized requests before any route runs."""

    def __init__(self, app: ASGIApp, settings: Settings, throttle: KeyThrottle) -> None:
        self.app = app
        self.settings = settings
        self.api_key = settings.api_key
        self.max_body = settings.max_body_bytes
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = with_headers(send, scope["path"])
        try:
            check_request(scope, self.settings)
            if scope["method"] != "OPTIONS" and not is_public(scope["method"], scope["path"]):
                check_key(scope, self.api_key, self.throttle)
            receive = await self._bounded(scope, receive)
        except WaaahError as error:
            await send_error(send, error)
            return
        await self.app(as_json(scope), receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            check_request(scope, self.settings)
        except WaaahError as error:
            if "websocket.http.response" in scope.get("extensions", {}):
                await send_error(with_headers(send, scope["path"]), error, websocket=True)
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        await self.app(scope, receive, send)

    async def _bounded(self, scope: Scope, receive: Receive) -> Receive:
        """`receive` held to the body limit: a declared size is checked at once, a chunked body read first."""
        declared = header(scope, b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.max_body:
                raise self._too_large()
            return self._limited(receive)
        return await self._buffered(receive)

    async def _buffered(self, receive: Receive) -> Receive:
        """Read a body of unknown length up to the limit (413 above it), then replay it to the app."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message: Any = await receive()
            if message["type"] != "http.request":
                return replay([message], receive)
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_body:
                raise self._too_large()
            if not message.get("more_body", False):
                return replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive)

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


def replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first gives back `messages` (already read), then reads on."""

    async def replayed() -> Message:
        return messages.pop(0) if messages else await receive()

    return replayed
