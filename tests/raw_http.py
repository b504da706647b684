"""HTTP/1.1 requests written byte for byte on a socket, for paths and headers that clients would normalise."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 30.0


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    raw: bytes = field(repr=False, default=b"")

    def json(self) -> Any:
        return json.loads(self.body)


async def raw_request(url: str, target: str, method: str = "GET", headers: dict[str, str] | None = None,
                      body: bytes = b"", chunked: bool = False) -> RawResponse:
    """Send `method target` exactly as given to the server at `url` and read the whole answer."""
    parts = urlsplit(url)
    given = {"Host": parts.netloc, "Connection": "close", **(headers or {})}
    if chunked:
        given["Transfer-Encoding"] = "chunked"
    elif body:
        given["Content-Length"] = str(len(body))
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in given.items()) + "\r\n"
    payload = head.encode("latin-1") + (_chunks(body) if chunked else body)
    async with asyncio.timeout(TIMEOUT):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            writer.write(payload)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
    return _parse(raw)


def _chunks(body: bytes, size: int = 64 * 1024) -> bytes:
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"


def _parse(raw: bytes) -> RawResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return RawResponse(status, headers, body, raw)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, body = out + rest[:size], rest[size + 2:]
    return out
