"""Routes the reference's chat bot and CLI call: the delegation stream (SSE), its status, clearing
the queue and the debug state. Everything here reads the event log or goes through the service; the
stream keeps no state of its own beyond a cursor, so a client resumes with `Last-Event-ID`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from waaah.domain.lifecycle import ACTIVE
from waaah.domain.records import Event
from waaah.domain.views import JSON
from waaah.errors import BadRequest, NotFound
from waaah.realtime.delegations import (
    KEEP_ALIVE,
    activity_frame,
    completion_frame,
    delegation_frame,
    frame_kind,
    sse,
)
from waaah.service import Hub
from waaah.service.queries import Queries
from waaah.store.base import TaskQuery

router = APIRouter(tags=["reference clients"])
KEEP_ALIVE_EVERY = 15.0
BACKLOG = 1000
"""Live events a slow stream may have waiting; past that it reads on from the log instead."""
PAGE = 500
SSE_HEADERS = {"Cache-Control": "no-cache", "Connection": "keep-alive", "X-Accel-Buffering": "no"}


class StreamCount:
    """Open delegation streams in this process (`GET /admin/bot/status`)."""

    def __init__(self) -> None:
        self.open = 0


def stream_count(request: Request) -> StreamCount:
    state = request.app.state
    if not hasattr(state, "delegation_streams"):
        state.delegation_streams = StreamCount()
    return state.delegation_streams  # type: ignore[no-any-return]


def parse_last_event_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 18:
        raise BadRequest(f"Last-Event-ID must be the seq of the last event you received, got {raw!r}",
                         field="Last-Event-ID")
    return int(raw)


class DelegationFrames:
    """The frames after `since`: first from the event log, then live from the bus, never one twice."""

    def __init__(self, hub: Hub, queries: Queries, since: int) -> None:
        self.hub, self.queries, self.last = hub, queries, since
        self.live: asyncio.Queue[Event] = asyncio.Queue(BACKLOG)
        self.behind = False

    def take(self, event: Event) -> None:
        if self.behind:
            return
        try:
            self.live.put_nowait(event)
        except asyncio.QueueFull:  # read on from the log: bounded memory, nothing lost
            self.behind = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            async for chunk in self._from_log():
                yield chunk
            while not self.behind:
                try:
                    event = await asyncio.wait_for(self.live.get(), KEEP_ALIVE_EVERY)
                except TimeoutError:
                    yield KEEP_ALIVE
                    continue
                frame = await self._frame(event)
                if frame:
                    yield frame

    async def _from_log(self) -> AsyncIterator[bytes]:
        while not self.live.empty():  # what the log holds anyway
            self.live.get_nowait()
        self.behind = False
        while True:
            async with self.hub.store.read() as tx:
                page = await tx.events_after(self.last, PAGE)
            for event in page:
                chunk = await self._frame(event)
                if chunk:
                    yield chunk
            if len(page) < PAGE:
                return

    async def _frame(self, event: Event) -> bytes | None:
        if event.seq <= self.last:
            return None
        self.last = event.seq
        kind = frame_kind(event)
        if kind == "delegation":
            return sse(event.seq, delegation_frame(event.payload))
        if kind == "completion":
            return sse(event.seq, completion_frame(await self._task(event)))
        if kind == "activity":
            async with self.hub.store.read() as tx:
                agent = await tx.get_agent(event.entity_id)
            return sse(event.seq, activity_frame(event, agent.display_name if agent else None))
        return None

    async def _task(self, event: Event) -> JSON:
        try:
            return await self.queries.task(event.entity_id)
        except NotFound:
            return event.wire_payload()


@router.get("/admin/delegations/stream", summary="Delegations, completions and agent activity (SSE)",
            response_class=StreamingResponse)
async def delegation_stream(request: Request,
                            last_event_id: str | None = Header(None, alias="Last-Event-ID")) -> StreamingResponse:
    hub: Hub = request.app.state.hub
    since = parse_last_event_id(last_event_id)
    frames = DelegationFrames(hub, request.app.state.queries, hub.bus.last_seq if since is None else since)
    count = stream_count(request)

    async def body() -> AsyncIterator[bytes]:
        unsubscribe = hub.bus.subscribe(frames.take)  # before the log is read: nothing falls in between
        count.open += 1
        try:
            yield KEEP_ALIVE  # headers and a first byte at once, so proxies and clients see the stream open
            async for chunk in frames:
                yield chunk
        finally:
            count.open -= 1
            unsubscribe()

    return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.get("/admin/bot/status", summary="Whether a chat bot is listening to the delegation stream")
async def bot_status(request: Request) -> JSON:
    count = stream_count(request).open
    return {"connected": count > 0, "count": count}


@router.post("/admin/queue/clear", summary="Delete every task (each gets its cancel and delete events)")
async def clear_queue(request: Request) -> JSON:
    cleared = await request.app.state.hub.tasks.clear()
    return {"success": True, "message": "Queue cleared", "cleared": cleared}


@router.get("/debug/state", summary="Agents and unfinished tasks, for debugging")
async def debug_state(request: Request) -> JSON:
    queries: Queries = request.app.state.queries
    tasks, _ = await queries.tasks(TaskQuery(statuses=ACTIVE, limit=None, counted=False))
    return {"agents": await queries.agents(),
            "tasks": [{"id": t["id"], "status": t["status"], "to": t.get("to")} for t in tasks]}
