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


class Rest:
    def __init__(self, url: str, key: str, connections: int = 50) -> None:
        self.url, self.key, self.connections = url, key, connections
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Rest:
        self.session = aiohttp.ClientSession(
            self.url, headers={"X-API-Key": self.key}, connector=aiohttp.TCPConnector(limit=self.connections),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=330))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()

    async def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Reply:
        assert self.session is not None, "use `async with Rest(...)`"
        async with self.session.request(method, path, json=json, params=params) as response:
            return Reply(response.status, response.headers.copy(), await response.text())

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, json: Any = None) -> Reply:
        return await self.request("POST", path, json=json)

    async def patch(self, path: str, json: Any = None) -> Reply:
        return await self.request("PATCH", path, json=json)
