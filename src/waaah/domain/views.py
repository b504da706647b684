"""The JSON shapes clients see (docs/api.md), built from domain records. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from waaah.domain.agents import Agent
from waaah.domain.checks import card_check_state, verify_commands
from waaah.domain.records import HistoryEntry, Message, ReviewComment
from waaah.domain.tasks import Task

JSON = dict[str, Any]


def task_fields(task: Task) -> JSON:
    """Every field of a task except its messages and history. Absent values are None (sent as null)."""
    return {
        "id": task.id,
        "command": "execute_prompt",
        "prompt": task.prompt,
        "title": task.title,
        "status": task.status.value,
        "priority": task.priority,
        "from": {"type": task.from_type, "id": task.from_id, "name": task.from_name},
        "to": {"agentId": task.to_agent_id or task.assigned_to,
               "requiredCapabilities": list(task.required_capabilities),
               "workspaceId": task.to_workspace_id},
        "assignedTo": task.assigned_to,
        "context": task.context,
        "workspaceContext": task.workspace_context,
        "response": task.response,
        "dependencies": list(task.dependencies),
        "images": list(task.images),
        "createdAt": task.created_at,
        "updatedAt": task.updated_at,
        "lastProgressAt": task.last_progress_at,
        "completedAt": task.completed_at,
        "source": task.source,
        "requiresReview": task.requires_review,
        "approvedAt": task.approved_at,
        "blockedReason": task.blocked_reason,
        "failureReason": task.failure_reason,
        "verify": verify_commands(task),
        "verification": task.verification,
        "checks": task.check_summary,
        "approvalOverride": task.approval_override,
    }


def task_json(task: Task, messages: Iterable[Message] = (), history: Iterable[HistoryEntry] = ()) -> JSON:
    """The full task, as GET /admin/tasks/{id} returns it and `task:{id}:created` carries it."""
    return {**task_fields(task), "messages": [message_json(m) for m in messages],
            "history": [history_json(h) for h in history]}


CARD_TITLE_LIMIT = 56
"""A card's title is cut here: two lines of a board column, and 5,000 + 100 cards stay under 500 KB."""
CARD_PLAN_LIMIT = 40
"""A card's `plan` (the plan file's name) and `planId` are cut here."""
CARD_INPUTS = ("id", "status", "title", "prompt", "priority", "assignedTo", "blockedReason",
               "dependencies", "createdAt", "completedAt", "failureReason", "to", "checks", "verification",
               "approvedAt", "updatedAt", "context", "lastProgressAt")
CARD_FIELDS = ("id", "status", "title", "priority", "assignedTo", "blockedReason", "dependencies", "completedAt",
               "failureReason", "requiredCapabilities", "checkState", "verification", "approvedAt", "workspaceId",
               "statusAt", "planId", "plan", "progressAt")


def card_values(fields: JSON) -> list[Any]:
    """A card's values in `CARD_FIELDS` order, from a task's JSON fields (`task_fields`, or patched).

    What a board column needs and nothing more; details come over REST. An empty value is None
    (`priority` too when "normal"); `id`, `status` and `title` never are. There is no `createdAt`:
    it is the number in the id (`task-<createdAt>-<suffix>`).
    """
    title = fields.get("title") or fields.get("prompt") or ""
    priority = fields.get("priority")
    capabilities = (fields.get("to") or {}).get("requiredCapabilities")
    return [fields["id"], fields["status"], excerpt(title, CARD_TITLE_LIMIT),
            priority if priority and priority != "normal" else None,
            *(fields.get(key) or None for key in CARD_FIELDS[4:9]), capabilities or None,
            *verification_values(fields), *plan_values(fields), progress_value(fields)]


def plan_values(fields: JSON) -> list[Any]:
    """A card's `statusAt`, `planId` and `plan`.

    `statusAt` is the task's last change (`updatedAt`: a move, an edit, a check), the start of the time
    in its status; empty when it is the creation time (never changed) or the task is finished
    (`completedAt` is then the time it entered its status), so a board of fresh tasks costs nothing.
    """
    context = fields.get("context") or {}
    updated = fields.get("updatedAt")
    changed = updated if updated and updated != fields.get("createdAt") and not fields.get("completedAt") else None
    plan_id, plan = context.get("planId"), context.get("plan")
    return [changed, excerpt(plan_id, CARD_PLAN_LIMIT) if isinstance(plan_id, str) and plan_id else None,
            excerpt(plan, CARD_PLAN_LIMIT) if isinstance(plan, str) and plan else None]


def progress_value(fields: JSON) -> int | None:
    """A card's `progressAt`: the task's last progress report (its agent's `update_progress` or
    response) when that is later than its last change, so a board read after a reload tells a busy task
    from a silent one; empty otherwise (most cards) and once the task is finished."""
    progress, updated = fields.get("lastProgressAt"), fields.get("updatedAt")
    later = isinstance(progress, int) and progress > (updated or 0)
    return progress if later and not fields.get("completedAt") else None


def card_context(context: Any) -> JSON | None:
    """The part of a task's `context` a card is built from: its plan, nothing else (a context can be large)."""
    if not isinstance(context, dict):
        return None
    return {k: context[k] for k in ("planId", "plan") if k in context}


def verification_values(fields: JSON) -> list[Any]:
    """A card's `checkState`, `verification`, `approvedAt` and `workspaceId` (the merge queue's order)."""
    return [card_check_state(fields.get("checks")), fields.get("verification") or None,
            fields.get("approvedAt"), (fields.get("to") or {}).get("workspaceId")]


def task_card(fields: JSON) -> JSON:
    """The card as an object (`sync:full` for clients without patterns): the empty values left out."""
    return {key: value for key, value in zip(CARD_FIELDS, card_values(fields), strict=True) if value is not None}


def card_row(fields: JSON) -> list[Any]:
    """The card as a row under `CARD_FIELDS` (`sync:full` for clients with patterns): trailing empty
    values left out, an empty one before a set one sent as null."""
    values = card_values(fields)
    while values[-1] is None:
        values.pop()
    return values


def excerpt(text: str, limit: int = 80) -> str:
    """The first line of `text`, cut to `limit` characters (idempotent)."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def changed_fields(old: JSON, new: JSON) -> JSON:
    """The keys whose values differ, with the new values (None for a cleared one)."""
    return {k: v for k, v in new.items() if old.get(k) != v}


def message_json(m: Message) -> JSON:
    out: JSON = {"id": m.id, "taskId": m.task_id, "role": m.role, "content": m.content,
                 "timestamp": m.timestamp, "isRead": m.is_read}
    if m.reply_to:
        out["replyTo"] = m.reply_to
    if m.meta is not None:
        out["metadata"] = m.meta
    return out


def history_json(h: HistoryEntry) -> JSON:
    out: JSON = {"timestamp": h.timestamp, "status": h.status}
    if h.agent_id:
        out["agentId"] = h.agent_id
    if h.message:
        out["message"] = h.message
    return out


def review_comment_json(c: ReviewComment) -> JSON:
    return {"id": c.id, "taskId": c.task_id, "filePath": c.file_path, "lineNumber": c.line_number,
            "content": c.content, "authorRole": c.author_role, "authorId": c.author_id,
            "threadId": c.thread_id, "resolved": 1 if c.resolved else 0, "resolvedBy": c.resolved_by,
            "createdAt": c.created_at}


def agent_json(agent: Agent, current_tasks: Iterable[str] = (), pending_prompts: int = 0) -> JSON:
    return {
        "id": agent.id,
        "displayName": agent.display_name,
        "role": agent.role or "",
        "status": agent.status.value,
        "lastSeen": agent.last_seen,
        "createdAt": agent.created_at,
        "currentTasks": list(current_tasks),
        "capabilities": list(agent.capabilities),
        "color": agent.color,
        "workspaceContext": agent.workspace_context,
        "source": agent.source,
        "evictionRequested": agent.eviction_requested,
        "pendingPrompts": pending_prompts,
    }


def agent_changes(old: JSON | None, new: JSON) -> JSON:
    """An `agent:{id}:status` payload: id, status, lastSeen and currentTasks always, plus what changed."""
    base = {k: new[k] for k in ("id", "status", "lastSeen", "currentTasks")}
    return {**base, **(new if old is None else changed_fields(old, new))}
