"""Request bodies of the REST API. Unknown fields are ignored, as the reference's clients send extras."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from waaah.domain.checks import BLANK as CHECK_BLANK
from waaah.domain.checks import VERIFY_MAX_CHARS, VERIFY_MAX_COMMANDS
from waaah.domain.json_limits import check_input, string_problem
from waaah.errors import BadRequest

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LINE_MAX = 2**31 - 1
"""The largest line number a review comment may name (the column is a 32-bit integer)."""


BLANK = CHECK_BLANK
"""What a text field may not consist of only (spelled the same in Python and in the schema's pattern)."""


def _not_blank(value: str) -> str:
    if not value.strip(BLANK):
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank), Field(json_schema_extra={"pattern": "[^ \\t\\n\\r\\f\\v]"})]
def _integral(value: Any) -> Any:
    """A JSON number with no fraction (1.0) is an integer, as JSON Schema says; "1" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


JsonInt = Annotated[int, BeforeValidator(_integral), Field(strict=True)]
"""An integer field: a JSON integer, or a number with no fraction; never a string or a boolean."""
VerifyCommand = Annotated[str, Field(json_schema_extra={"maxLength": VERIFY_MAX_CHARS,
                                                        "pattern": "[^ \\t\\n\\r\\f\\v]"})]
Verify = Annotated[list[VerifyCommand], Field(json_schema_extra={"maxItems": VERIFY_MAX_COMMANDS})]
"""A task's verify commands: at most VERIFY_MAX_COMMANDS, each a non-blank command of at most VERIFY_MAX_CHARS
(declared in the schema; the service checks them, with messages naming the command)."""

Priority = Literal["critical", "high", "normal"]


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null (leave the field out to keep it)")
    return value


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WorkspaceContext(Body):
    type: Literal["local", "github"] = "local"
    repoId: str
    branch: str | None = None
    path: str | None = None


class Image(Body):
    dataUrl: str
    mimeType: str | None = None
    name: str | None = None


class EnqueueBody(Body):
    prompt: Text
    workspaceId: str | None = None
    agentId: str | None = None
    priority: Priority = "normal"
    source: str | None = None
    title: str | None = None
    requiredCapabilities: list[str] = []
    dependencies: list[str] = []
    images: list[Image] = []
    context: dict[str, Any] | None = None
    requiresReview: bool | None = None
    verify: Verify = []
    verification: bool = False


class PatchTo(Body):
    agentId: str | None = None
    workspaceId: str | None = None
    requiredCapabilities: list[str] | SkipJsonSchema[None] = None

    @field_validator("requiredCapabilities", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return _refuse_null(value)


class PatchBody(Body):
    """Fields left out stay as they are. `title`, `context` and `workspaceContext` are cleared by
    `null`; the others cannot be null (send `[]` to empty a list)."""

    prompt: Text | SkipJsonSchema[None] = None
    title: str | None = None
    priority: Priority | SkipJsonSchema[None] = None
    requiredCapabilities: list[str] | SkipJsonSchema[None] = None
    to: PatchTo | SkipJsonSchema[None] = None
    context: dict[str, Any] | None = None
    workspaceContext: dict[str, Any] | None = None
    dependencies: list[str] | SkipJsonSchema[None] = None
    images: list[Image] | SkipJsonSchema[None] = None
    requiresReview: bool | SkipJsonSchema[None] = None
    verify: Verify | SkipJsonSchema[None] = None

    @field_validator("prompt", "priority", "requiredCapabilities", "to", "dependencies", "images",
                     "requiresReview", "verify", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return _refuse_null(value)


class CommentBody(Body):
    content: Text
    replyTo: str | None = None
    images: list[Image] = Field(default=[], max_length=5)


class UnblockBody(Body):
    reason: Text


class AnswerBody(Body):
    answer: Text


class ApproveBody(Body):
    override: str | None = None
    """Approve over the verification gate: the reviewer's reason (not blank)."""


class RejectBody(Body):
    feedback: str | None = None


class ReviewCommentBody(Body):
    filePath: Text
    content: Text
    lineNumber: Annotated[int, Field(ge=0, le=LINE_MAX)] | None = None
    threadId: str | None = None


class ResolveBody(Body):
    response: str | None = None


class EvictBody(Body):
    agentId: Text
    reason: Text
    action: Literal["RESTART", "SHUTDOWN"] = "RESTART"


class AgentEvictBody(Body):
    reason: str | None = None
    action: Literal["RESTART", "SHUTDOWN"] = "RESTART"


async def checked_input(request: Request) -> None:
    """Runs before every REST route: path and query parameters and the JSON body pass
    `json_limits.check_input` (depth, encodable strings, no NUL, 64-bit integers), naming the field."""
    for name, value in (*request.path_params.items(), *request.query_params.multi_items()):
        if isinstance(value, str) and (problem := string_problem(value)):
            raise BadRequest(f"{name}: {problem}", field=name)
    if request.method not in BODY_METHODS or not await request.body():
        return
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        return  # not JSON: a route that reads a body has refused it already; the others ignore it
    check_input(body)
