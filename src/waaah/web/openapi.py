"""The OpenAPI document at `/openapi.json`, kept true to what the routes answer.

Routes name their success bodies with the models below (`responses=ok(Model, ...)`; the handlers
return their JSON directly, so the models document the shape without re-validating every answer).
`install` then adds to every operation what every route can answer: the one error shape for 400
(bad input), 401 (no key), 429 (too many wrong keys), 413 (bodies over the limit) and 404 (unknown id
in the path), and the API-key security scheme. FastAPI's 422 is removed: validation errors are 400.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict

Responses = dict[int | str, dict[str, Any]]
ERROR_TEXT = {400: "Bad input: the message and `field` name what is wrong; nothing was written",
              401: "Missing or wrong API key", 404: "Unknown task, agent, comment or route",
              409: "The task's current status does not allow this", 413: "Request body over the limit",
              429: "Too many wrong keys from this address"}
SECURITY = {"apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "apiKey"}}
BODY_METHODS = ("post", "put", "patch", "delete")


class Shape(BaseModel):
    """A documented JSON object; fields a newer hub adds are allowed."""

    model_config = ConfigDict(extra="allow")


class ErrorBody(Shape):
    """The one error shape of every route."""

    error: str
    code: str
    field: str | None = None


class Success(Shape):
    success: bool
    taskId: str | None = None
    status: str | None = None
    message: str | None = None
    id: str | None = None


class TaskParty(Shape):
    type: str | None = None
    id: str | None = None
    name: str | None = None


class TaskTarget(Shape):
    agentId: str | None
    requiredCapabilities: list[str]
    workspaceId: str | None


class MessageOut(Shape):
    id: str
    taskId: str
    role: str
    content: str
    timestamp: int
    isRead: bool


class HistoryOut(Shape):
    timestamp: int
    status: str


class TaskOut(Shape):
    id: str
    command: str
    prompt: str
    title: str | None
    status: str
    priority: str
    to: TaskTarget
    assignedTo: str | None
    context: dict[str, Any] | None
    workspaceContext: dict[str, Any] | None
    response: dict[str, Any] | None
    dependencies: list[str]
    images: list[dict[str, Any]]
    createdAt: int
    updatedAt: int | None
    completedAt: int | None
    requiresReview: bool
    messages: list[MessageOut]
    history: list[HistoryOut]


class ReviewCommentOut(Shape):
    id: str
    taskId: str
    filePath: str
    lineNumber: int | None
    content: str
    authorRole: str
    threadId: str | None
    resolved: int
    createdAt: int


class ResolvedComment(Success):
    comment: ReviewCommentOut


class Diff(Shape):
    diff: str


class Eligibility(Shape):
    taskId: str
    status: str
    dispatchable: bool
    pickedUpSoon: bool
    reasons: list[str]
    agents: list[dict[str, Any]]


class AgentOut(Shape):
    id: str
    displayName: str
    role: str
    status: str
    lastSeen: int
    currentTasks: list[str]
    capabilities: list[str]
    workspaceContext: dict[str, Any] | None
    pendingPrompts: int


class Capabilities(Shape):
    capabilities: list[str]


class WorkspaceOut(Shape):
    path: str
    agentCount: int


class WorkspaceCapabilities(Capabilities):
    hasSpecWriting: bool
    hasCodeWriting: bool


class Stats(Shape):
    total: int
    completed: int


class EventOut(Shape):
    seq: int
    name: str
    type: str
    payload: dict[str, Any]
    createdAt: int


class EventPage(Shape):
    events: list[EventOut]
    lastSeq: int
    complete: bool


def error(status: int) -> dict[str, Any]:
    return {"model": ErrorBody, "description": ERROR_TEXT[status]}


def ok(model: Any, *statuses: int, description: str = "Success") -> Responses:
    """A route's responses: its success body and the errors it answers beyond every route's own."""
    return {200: {"model": model, "description": description}, **{s: error(s) for s in statuses}}


def _error_ref() -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _only_ref(schema: dict[str, Any]) -> None:
    """A documented model replaces the bare `object` FastAPI infers from a handler's `-> JSON`."""
    for node in (schema, schema.get("items") or {}):
        if "$ref" in node:
            ref = node["$ref"]
            node.clear()
            node["$ref"] = ref


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    for media in responses.get("200", {}).get("content", {}).values():
        _only_ref(media.get("schema", {}))
    statuses = [400, 401, 429, *([413] if method in BODY_METHODS else []), *([404] if "{" in path else [])]
    for status in statuses:
        responses.setdefault(str(status), {"description": ERROR_TEXT[status], **_error_ref()})
    operation["security"] = [{name: []} for name in SECURITY]


def document(api: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, completed (built once, then cached by FastAPI)."""
    if api.openapi_schema is not None:
        return api.openapi_schema
    doc = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            _complete(path, method, operation)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    components["securitySchemes"] = SECURITY
    api.openapi_schema = doc
    return doc


def install(api: FastAPI) -> None:
    api.openapi = lambda: document(api)  # type: ignore[method-assign]
