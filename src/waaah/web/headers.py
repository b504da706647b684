"""Security headers: `nosniff` and `no-referrer` on every response, a strict policy on the dashboard's."""

from __future__ import annotations

from starlette.types import Message, Send

from waaah.web.paths import is_page

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
EVERY_RESPONSE = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
PAGES = (*EVERY_RESPONSE, (b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"))


def headers_for(path: str) -> tuple[tuple[bytes, bytes], ...]:
    return PAGES if is_page(path) else EVERY_RESPONSE


def with_headers(send: Send, path: str) -> Send:
    """`send`, adding the security headers for `path` to the response start (unless a route set them)."""
    extra = headers_for(path)

    async def sending(message: Message) -> None:
        if message["type"] in ("http.response.start", "websocket.http.response.start"):
            present = {name.lower() for name, _ in message.get("headers", ())}
            added = [(name, value) for name, value in extra if name not in present]
            message = {**message, "headers": [*message.get("headers", ()), *added]}
        await send(message)

    return sending
