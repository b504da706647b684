"""How one delivery reaches a receiver: the JSON body, the signed headers, one POST with a timeout."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waaah import __version__
from waaah.domain.records import Event
from waaah.hooks.model import Hook
from waaah.hooks.signing import EVENT_HEADER, HOOK_HEADER, SEQ_HEADER, SIGNATURE_HEADER, signature

if TYPE_CHECKING:
    import httpx

PING = "ping"


@dataclass(frozen=True)
class Outcome:
    """A 2xx answer is a delivery; anything else (another status, no answer) is a failure."""

    ok: bool
    status: int | None = None
    error: str | None = None


def event_body(event: Event) -> dict[str, Any]:
    return {"seq": event.seq, "event": event.scoped_name, "name": event.name, "entityId": event.entity_id,
            "createdAt": event.created_at, "data": event.wire_payload()}


def ping_body(hook: Hook, now_ms: int) -> dict[str, Any]:
    return {"seq": 0, "event": PING, "name": PING, "entityId": hook.id, "createdAt": now_ms,
            "data": {"id": hook.id, "message": "A test delivery from waaah"}}


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


class Sender:
    """POSTs deliveries over one HTTP client, made (and httpx imported) for the first delivery: a hub
    without hooks never loads it, and the server's start-up does not wait for it."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False,
                                             headers={"User-Agent": f"waaah-hooks/{__version__}"})
        return self._client

    async def send(self, hook: Hook, body: dict[str, Any]) -> Outcome:
        import httpx

        raw = encode(body)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(hook.secret, int(time.time()), raw),
                   SEQ_HEADER: str(body["seq"]), EVENT_HEADER: str(body["event"]), HOOK_HEADER: hook.id}
        try:
            response = await self.client.post(hook.url, content=raw, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(False, None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if 200 <= response.status_code < 300:
            return Outcome(True, response.status_code)
        return Outcome(False, response.status_code, f"HTTP {response.status_code}")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
