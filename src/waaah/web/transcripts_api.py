"""REST routes for task transcripts: what an agent's coding CLI streams while it works on a task."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import Field

from waaah.domain.transcripts import BATCH_LIMIT, PAGE_DEFAULT, PAGE_MAX, Kind
from waaah.domain.views import JSON
from waaah.service.transcripts import NewEntry, read_transcript
from waaah.web.schemas import Body
from waaah.web.tasks_api import hub_of

router = APIRouter(prefix="/admin", tags=["transcripts"])


class EntryBody(Body):
    kind: Kind
    text: str
    at: int | None = Field(default=None, ge=0)


class TranscriptBody(Body):
    agentId: str | None = None
    entries: list[EntryBody] = Field(min_length=1, max_length=BATCH_LIMIT)


@router.post("/tasks/{task_id}/transcript", summary="Append entries to a live task's transcript")
async def append_transcript(task_id: str, body: TranscriptBody, request: Request) -> JSON:
    entries = [NewEntry(e.kind, e.text, e.at) for e in body.entries]
    appended = await hub_of(request).transcripts.append(task_id, body.agentId or None, entries)
    return {"stored": appended.stored, "total": appended.total, "truncated": appended.truncated}


@router.get("/tasks/{task_id}/transcript", summary="A page of a task's transcript, oldest first")
async def get_transcript(task_id: str, request: Request, after: int = Query(0, ge=0),
                         limit: int = Query(PAGE_DEFAULT, ge=1, le=PAGE_MAX)) -> JSON:
    return await read_transcript(hub_of(request).store, task_id, after, limit)
