"""REST routes for tasks and reviews, each a parse → one service call → serialise."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from waaah.domain.json_limits import MAX_INT
from waaah.domain.lifecycle import Actor
from waaah.domain.views import JSON, review_comment_json
from waaah.errors import NotFound
from waaah.service import Hub, NewTask
from waaah.service.queries import Queries, parse_status_filter
from waaah.store.base import TaskQuery
from waaah.web.openapi import (
    Diff,
    Eligibility,
    ResolvedComment,
    ReviewCommentOut,
    Success,
    TaskOut,
    ok,
)
from waaah.web.schemas import (
    AnswerBody,
    ApproveBody,
    CommentBody,
    EnqueueBody,
    PatchBody,
    RejectBody,
    ResolveBody,
    ReviewCommentBody,
    UnblockBody,
)

router = APIRouter(prefix="/admin", tags=["tasks"])
SEARCH_MAX = 1000
"""The longest `q` (search text) `GET /admin/tasks` accepts."""
LIST_PAGE = 1000
"""Lists longer than this (and `limit=0`, every task) are read and sent a page at a time."""
SOURCES = {"UI": ("dashboard", "Dashboard UI"), "CLI": ("admin", "AdminUser"), "Agent": ("admin", "AdminUser")}


def hub_of(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def queries_of(request: Request) -> Queries:
    return request.app.state.queries  # type: ignore[no-any-return]


@router.post("/enqueue", summary="Create a task", responses=ok(Success))
async def enqueue(body: EnqueueBody, request: Request) -> JSON:
    return await create_task(hub_of(request), body)


async def create_task(hub: Hub, body: EnqueueBody) -> JSON:
    """`POST /admin/enqueue`'s work, shared with its fast path (`waaah.web.hot`)."""
    source = body.source if body.source in SOURCES else "CLI"
    from_id, from_name = SOURCES[source]
    context = {**(body.context or {}), **({"workspaceId": body.workspaceId} if body.workspaceId else {})}
    task = await hub.tasks.create(NewTask(
        prompt=body.prompt, priority=body.priority, title=body.title, workspace_id=body.workspaceId,
        agent_hint=body.agentId, capabilities=tuple(body.requiredCapabilities),
        dependencies=tuple(body.dependencies), context=context or None,
        images=tuple(i.model_dump(exclude_none=True) for i in body.images), source=source,
        from_id=from_id, from_name=from_name, requires_review=body.requiresReview,
        verify=tuple(body.verify), verification=body.verification))
    return {"success": True, "taskId": task.id, "status": task.status.value}


@router.get("/tasks", summary="List tasks (newest first); the total is in X-Total-Count",
            responses=ok(list[TaskOut]))
async def list_tasks(request: Request, response: Response, status: str | None = None,
                     excludeTerminal: bool = False, active: bool = False,
                     q: str | None = Query(None, max_length=SEARCH_MAX),
                     agentId: str | None = None, limit: int = Query(50, ge=0, le=MAX_INT),
                     offset: int = Query(0, ge=0, le=MAX_INT)) -> Any:
    statuses = parse_status_filter(status or ("ACTIVE" if excludeTerminal or active else None))
    query = TaskQuery(statuses=statuses, agent_id=agentId, search=(q or "").strip() or None,
                      limit=limit or None, offset=offset)
    if query.limit is not None and query.limit <= LIST_PAGE:
        tasks, total = await queries_of(request).tasks(query)
        response.headers["X-Total-Count"] = str(total)
        return tasks
    total, pages = await queries_of(request).task_pages(query, LIST_PAGE)
    return StreamingResponse(json_array(pages), media_type="application/json",
                             headers={"X-Total-Count": str(total)})


async def json_array(pages: AsyncIterator[list[JSON]]) -> AsyncIterator[bytes]:
    """A JSON array written a page at a time, so a list of every task is never in memory at once."""
    yield b"["
    first = True
    async for page in pages:
        for item in page:
            yield (b"" if first else b",") + json.dumps(item, ensure_ascii=False, allow_nan=False,
                                                        separators=(",", ":")).encode()
            first = False
    yield b"]"


@router.get("/tasks/history", include_in_schema=False)
async def tasks_history(request: Request) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse("/admin/tasks" + (f"?{query}" if query else ""), status_code=301)


@router.get("/tasks/{task_id}", summary="One task with its messages and history", responses=ok(TaskOut))
async def get_task(task_id: str, request: Request) -> JSON:
    return await queries_of(request).task(task_id)


@router.patch("/tasks/{task_id}", summary="Edit a task's description (not its status)",
              responses=ok(TaskOut, 409))
async def patch_task(task_id: str, body: PatchBody, request: Request) -> JSON:
    given = body.model_dump(exclude_unset=True)
    names = {"prompt": "prompt", "title": "title", "priority": "priority", "context": "context",
             "workspaceContext": "workspace_context", "requiresReview": "requires_review"}
    changes: dict[str, Any] = {names[k]: v for k, v in given.items() if k in names}
    to = given.get("to") or {}
    caps = given.get("requiredCapabilities", to.get("requiredCapabilities"))
    if caps is not None:
        changes["required_capabilities"] = tuple(caps)
    for key, column in (("agentId", "to_agent_id"), ("workspaceId", "to_workspace_id")):
        if key in to:
            changes[column] = to[key]
    for key in ("dependencies", "images", "verify"):
        if key in given:
            changes[key] = tuple(given[key])
    await hub_of(request).tasks.edit(task_id, changes)
    return await queries_of(request).task(task_id)


@router.post("/tasks/{task_id}/cancel", summary="Cancel an unfinished task", responses=ok(Success, 409))
async def cancel_task(task_id: str, request: Request) -> JSON:
    await hub_of(request).tasks.cancel(task_id)
    return {"success": True, "taskId": task_id}


@router.delete("/tasks/{task_id}", summary="Delete (cancel and hide) a task", responses=ok(Success, 409))
async def delete_task(task_id: str, request: Request) -> JSON:
    await hub_of(request).tasks.delete(task_id)
    return {"success": True, "taskId": task_id}


@router.post("/tasks/{task_id}/retry", summary="Queue a failed, cancelled or stuck task again",
             responses=ok(Success, 409))
async def retry_task(task_id: str, request: Request) -> JSON:
    await hub_of(request).tasks.retry(task_id)
    return {"success": True, "taskId": task_id}


@router.post("/tasks/{task_id}/approve", summary="Approve a task in review (the verification gate may refuse)",
             responses=ok(Success, 409))
async def approve_task(task_id: str, request: Request, body: ApproveBody | None = None) -> JSON:
    await hub_of(request).tasks.approve(task_id, body.override if body else None)
    return {"success": True, "message": "Task approved and queued for merge."}


@router.post("/tasks/{task_id}/reject", summary="Reject a task in review, with feedback",
             responses=ok(Success, 409))
async def reject_task(task_id: str, request: Request, body: RejectBody | None = None) -> JSON:
    await hub_of(request).tasks.reject(task_id, (body.feedback if body else None) or None)
    return {"success": True, "message": "Task rejected and returned to queue"}


@router.post("/tasks/{task_id}/unblock", summary="Unblock a BLOCKED task with a reason",
             responses=ok(Success, 409))
async def unblock_task(task_id: str, body: UnblockBody, request: Request) -> JSON:
    await hub_of(request).tasks.answer(task_id, body.reason.strip(), Actor.ADMIN, prefix="[UNBLOCK] ")
    return {"success": True, "taskId": task_id}


@router.post("/tasks/{task_id}/answer", summary="Answer a blocked task's question", responses=ok(Success, 409))
async def answer_task(task_id: str, body: AnswerBody, request: Request) -> JSON:
    await hub_of(request).tasks.answer(task_id, body.answer, Actor.ADMIN)
    return {"success": True, "taskId": task_id}


@router.post("/tasks/{task_id}/comments", summary="Comment on a task (delivered to its agent)",
             responses=ok(Success, 409))
async def comment_task(task_id: str, body: CommentBody, request: Request) -> JSON:
    images = [i.model_dump(exclude_none=True) for i in body.images]
    message = await hub_of(request).tasks.comment(task_id, body.content, body.replyTo, images)
    return {"success": True, "id": message.id}


@router.get("/tasks/{task_id}/diff", summary="The diff submitted for review", responses=ok(Diff))
async def task_diff(task_id: str, request: Request) -> JSON:
    task = await queries_of(request).task_record(task_id)
    diff = (task.response or {}).get("diff")
    if not diff:
        raise NotFound(f"Task {task_id} has no diff yet", taskId=task_id)
    return {"diff": diff}


@router.get("/tasks/{task_id}/eligibility", summary="Why a queued task is or is not being picked up",
            responses=ok(Eligibility))
async def task_eligibility(task_id: str, request: Request) -> JSON:
    waiting = {a.id for a in request.app.state.runtime.waiters.idle_agents()}
    return await queries_of(request).eligibility(task_id, waiting)


@router.get("/tasks/{task_id}/review-comments", summary="Review comments, oldest first",
            responses=ok(list[ReviewCommentOut]))
async def list_review_comments(task_id: str, request: Request, unresolvedOnly: bool = False) -> list[JSON]:
    return await queries_of(request).review_comments(task_id, unresolvedOnly)


@router.post("/tasks/{task_id}/review-comments", summary="Add a review comment on a file/line",
             responses=ok(Success, 409))
async def add_review_comment(task_id: str, body: ReviewCommentBody, request: Request) -> JSON:
    comment = await hub_of(request).tasks.add_review_comment(
        task_id, body.filePath, body.content, body.lineNumber, body.threadId)
    return {"success": True, "id": comment.id}


@router.post("/tasks/{task_id}/review-comments/{comment_id}/resolve", summary="Resolve a review comment",
             responses=ok(ResolvedComment, 409))
async def resolve_review_comment(task_id: str, comment_id: str, request: Request,
                                 body: ResolveBody | None = None) -> JSON:
    comment = await hub_of(request).tasks.resolve_review_comment(
        task_id, comment_id, body.response if body else None, resolved_by="dashboard")
    return {"success": True, "comment": review_comment_json(comment)}
