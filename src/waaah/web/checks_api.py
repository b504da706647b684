"""REST routes for the verification gate: the checks a runner reports, and the merge queue's state."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from waaah.domain.checks import COMMIT, VERIFY_MAX_CHARS
from waaah.domain.views import JSON
from waaah.service.checks import NewCheck, read_checks, read_merge_queue
from waaah.web.schemas import Body, JsonInt, Text
from waaah.web.tasks_api import hub_of

router = APIRouter(prefix="/admin", tags=["checks"])
EXIT_MAX = 2**31 - 1
SAFE_MAX = 2**53 - 1
"""The largest integer every JSON reader holds exactly (a duration or a time in ms never comes near it)."""
Stage = Literal["pre-review", "merge", "plan"]


class CheckBody(Body):
    agentId: str | None = None
    stage: Stage
    command: Text = Field(max_length=VERIFY_MAX_CHARS)
    exitCode: JsonInt = Field(ge=-EXIT_MAX - 1, le=EXIT_MAX)
    durationMs: JsonInt = Field(ge=0, le=SAFE_MAX)
    output: str = ""
    commit: str = Field(pattern=COMMIT)
    ranAt: JsonInt = Field(default=0, ge=0, le=SAFE_MAX)  # epoch ms; 0 (the default): now


@router.post("/tasks/{task_id}/checks", summary="Record a run of one of a task's verify commands")
async def add_check(task_id: str, body: CheckBody, request: Request) -> JSON:
    check = await hub_of(request).checks.add(task_id, NewCheck(
        stage=body.stage, command=body.command, exit_code=body.exitCode, duration_ms=body.durationMs,
        output=body.output, commit=body.commit, agent_id=body.agentId or None, ran_at=body.ranAt or None))
    return {"id": check.id, "passed": check.passed, "truncated": check.truncated}


@router.get("/tasks/{task_id}/checks", summary="A task's checks, oldest first")
async def list_checks(task_id: str, request: Request) -> JSON:
    return await read_checks(hub_of(request).store, task_id)


@router.get("/merge-queue", summary="Approved tasks waiting to merge or merging, per workspace")
async def merge_queue(request: Request, workspace: str | None = Query(None, max_length=512)) -> JSON:
    return await read_merge_queue(hub_of(request).store, workspace or None)
