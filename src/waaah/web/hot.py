"""The hottest write, `POST /admin/enqueue`, served ahead of FastAPI's layers when it is well formed.

FastAPI's routing, dependency solving and exception middlewares cost about as much CPU as the write
itself. Here a well-formed enqueue — a JSON body that passes `check_input` and `EnqueueBody`, no
query string — goes straight to the route's own work (`tasks_api.create_task`) and is answered with
the same bytes. Anything else (a body that is not JSON or is refused, a query string, CORS in play,
a hub that has not started) goes to the FastAPI route with its body replayed, so every error keeps
the one shape and message it has there. The route stays registered in FastAPI, and so in the
OpenAPI document. The guard (host, origin, key, body size, headers) runs before this, as for every
route.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.types import Message, Receive, Scope, Send

from waaah.config import Settings
from waaah.domain.json_limits import check_input
from waaah.errors import WaaahError
from waaah.web.errors import crash_response, error_response
from waaah.web.guard import replay
from waaah.web.schemas import EnqueueBody
from waaah.web.tasks_api import create_task

ENQUEUE = "/admin/enqueue"


async def read_body(receive: Receive) -> tuple[bytes | None, list[Message]]:
    """The whole request body (None if the client left first), and the messages it came in."""
    chunks: list[bytes] = []
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, messages
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), messages


def parsed(body: bytes) -> EnqueueBody | None:
    """The body as the route would read it, or None when the route would refuse it."""
    try:
        data = json.loads(body)
        check_input(data)
        return EnqueueBody.model_validate(data)
    except (ValueError, RecursionError, ValidationError, WaaahError):
        return None


class HotWrites:
    """In front of the API app: serves well-formed enqueues itself, passes everything else on."""

    def __init__(self, api: FastAPI, settings: Settings) -> None:
        self.api = api
        self.enabled = not settings.cors_origins  # CORS answers are the middleware's, inside the API

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hub = getattr(self.api.state, "hub", None)
        if (not self.enabled or hub is None or scope["type"] != "http" or scope["path"] != ENQUEUE
                or scope["method"] != "POST" or scope.get("query_string")):
            await self.api(scope, receive, send)
            return
        try:
            body, messages = await read_body(receive)
        except WaaahError as error:  # the guard's body limit
            await error_response(error)(scope, receive, send)
            return
        spec = None if body is None else parsed(body)
        if spec is None:
            await self.api(scope, replay(messages, receive), send)
            return
        try:
            answer = await create_task(hub, spec)
        except WaaahError as error:
            await error_response(error)(scope, receive, send)
            return
        except Exception:  # as the API's 500 handler: answer, then let the server log it too
            await crash_response("POST", ENQUEUE)(scope, receive, send)
            raise
        await send_json(send, answer)


async def send_json(send: Send, data: Any) -> None:
    """A 200 with `data` as JSON: the bytes and headers FastAPI's JSONResponse sends, without it."""
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
