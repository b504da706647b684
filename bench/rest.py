"""The benchmarks' REST client: a thin aiohttp session with an httpx-like surface.

aiohttp rather than httpx: its client-side cost per request is about a third, and in a latency
figure everything the client spends before the request leaves is counted as the server's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Reply:
    status_code: int
    headers: Mapping[str, str]  # case-insensitive
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text[:200]}")


class Rest:
    """Create it inside a coroutine; close it (or use `async with`)."""

    def __init__(self, url: str, key: str, connections: int = 50) -> None:
        self.session = aiohttp.ClientSession(
            url, headers={"X-API-Key": key}, connector=aiohttp.TCPConnector(limit=connections),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=330))  # long polls last up to 300 s

    async def __aenter__(self) -> Rest:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.session.close()

    async def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Reply:
        async with self.session.request(method, path, json=json, params=params) as response:
            return Reply(response.status, response.headers.copy(), await response.text())

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, json: Any = None) -> Reply:
        return await self.request("POST", path, json=json)

    async def patch(self, path: str, json: Any = None) -> Reply:
        return await self.request("PATCH", path, json=json)
