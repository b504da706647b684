"""How one delivery reaches a receiver: the JSON body, the signed headers, one POST with a timeout."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from waaah import __version__
from waaah.domain.records import Event
from waaah.hooks.model import Hook
from waaah.hooks.signing import EVENT_HEADER, HOOK_HEADER, SEQ_HEADER, SIGNATURE_HEADER, signature

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
    def __init__(self, timeout: float) -> None:
        self.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                        headers={"User-Agent": f"waaah-hooks/{__version__}"})

    async def send(self, hook: Hook, body: dict[str, Any]) -> Outcome:
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
        await self.client.aclose()
