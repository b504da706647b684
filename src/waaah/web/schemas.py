"""Request bodies of the REST API. Unknown fields are ignored, as the reference's clients send extras."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]

Priority = Literal["critical", "high", "normal"]


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


class PatchTo(Body):
    agentId: str | None = None
    workspaceId: str | None = None
    requiredCapabilities: list[str] | None = None


class PatchBody(Body):
    prompt: Text | None = None
    title: str | None = None
    priority: Priority | None = None
    requiredCapabilities: list[str] | None = None
    to: PatchTo | None = None
    context: dict[str, Any] | None = None
    workspaceContext: dict[str, Any] | None = None
    dependencies: list[str] | None = None
    images: list[Image] | None = None
    requiresReview: bool | None = None


class CommentBody(Body):
    content: Text
    replyTo: str | None = None
    images: list[Image] = Field(default=[], max_length=5)


class UnblockBody(Body):
    reason: Text


class AnswerBody(Body):
    answer: Text


class RejectBody(Body):
    feedback: str | None = None


class ReviewCommentBody(Body):
    filePath: Text
    content: Text
    lineNumber: int | None = None
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
