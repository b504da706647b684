"""Task operations people (and orchestrating agents) perform: create, edit, cancel, retry, review, answer."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from waaah.domain.checks import gate_refusal, verify_problem
from waaah.domain.lifecycle import ACTIVE, RETRYABLE, TERMINAL, Actor, Status
from waaah.domain.records import Message, ReviewComment
from waaah.domain.scanner import check_prompt
from waaah.domain.tasks import (
    JSON,
    Task,
    dependency_block_reason,
    find_cycle,
    needs_review,
    new_task_id,
    transition,
)
from waaah.errors import BadRequest, CheckFailed, Conflict
from waaah.service.core import Core, need_task
from waaah.service.unit import UnitOfWork
from waaah.store.base import Reader, TaskQuery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewTask:
    """What a caller asks for; the service fills in id, status and the rest."""

    prompt: str
    priority: str = "normal"
    title: str | None = None
    workspace_id: str | None = None
    agent_hint: str | None = None
    capabilities: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    context: JSON | None = None
    workspace_context: JSON | None = None
    images: tuple[JSON, ...] = ()
    source: str | None = None
    from_type: str = "user"
    from_id: str = "admin"
    from_name: str | None = "AdminUser"
    requires_review: bool | None = None
    verify: tuple[str, ...] = ()
    verification: bool = False
    id: str | None = None
    """A caller-chosen id (from `new_task_id`), for prompts that must name their own task."""
    extra: JSON = field(default_factory=dict)


_COPIED = tuple(f.name for f in dataclasses.fields(NewTask)
                if f.name not in ("id", "workspace_id", "agent_hint", "capabilities", "requires_review"))
"""The fields of a `NewTask` that a `Task` takes under the same name."""

EDITABLE = ("prompt", "title", "priority", "to_agent_id", "to_workspace_id", "required_capabilities",
            "context", "workspace_context", "dependencies", "images", "requires_review", "verify")


def check_verify(commands: tuple[str, ...]) -> None:
    problem = verify_problem(commands)
    if problem:
        raise BadRequest(f"verify: {problem}", field="verify")


async def dependency_statuses(tx: Reader, deps: tuple[str, ...]) -> dict[str, Status]:
    if not deps:  # most tasks: no read at all
        return {}
    found = await tx.get_tasks(deps)
    missing = [d for d in deps if d not in found or found[d].deleted_at is not None]
    if missing:
        raise BadRequest(f"dependencies: unknown task id(s) {', '.join(missing)}", field="dependencies",
                         unknown=missing)
    return {d: found[d].status for d in deps}


class TaskOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def create(self, spec: NewTask) -> Task:
        scan = check_prompt(spec.prompt, self.core.settings.prompt_filter)
        if scan.flags:
            log.warning("task prompt flagged %s, accepted (WAAAH_PROMPT_FILTER=%s)", ", ".join(scan.flags),
                        self.core.settings.prompt_filter)
        if len(set(spec.dependencies)) != len(spec.dependencies):
            raise BadRequest("dependencies lists a task twice", field="dependencies")
        check_verify(spec.verify)
        if spec.verification:  # any agent of its workspace takes it; nothing to review
            spec = replace(spec, capabilities=(), requires_review=False)

        async def op(uow: UnitOfWork) -> Task:
            reason = dependency_block_reason(await dependency_statuses(uow.tx, spec.dependencies))
            now = uow.now
            values = {name: getattr(spec, name) for name in _COPIED}
            task = Task(
                id=spec.id or new_task_id(now), status=Status.BLOCKED if reason else Status.QUEUED,
                created_at=now, updated_at=now, to_workspace_id=spec.workspace_id,
                to_agent_id=spec.agent_hint, required_capabilities=spec.capabilities,
                requires_review=needs_review(spec.capabilities, spec.requires_review,
                                             self.core.settings.require_review),
                blocked_reason=reason, **values)
            await uow.create_task(task)
            return task

        return await self.core.write(op)

    async def edit(self, task_id: str, changes: dict[str, Any]) -> Task:
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise BadRequest(f"field(s) cannot be edited: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        check_verify(changes.get("verify", ()))

        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            if task.status in TERMINAL:
                raise Conflict(f"Task {task_id} is {task.status.value} and can no longer be edited",
                               currentStatus=task.status.value)
            new = replace(task, updated_at=uow.now, **changes)
            if "dependencies" in changes:
                new = await self._rewire(uow, task, new)
            await uow.save_task(task, new, note="Edited")
            return new

        return await self.core.write(op)

    async def _rewire(self, uow: UnitOfWork, task: Task, new: Task) -> Task:
        if task.id in new.dependencies:
            raise BadRequest("a task cannot depend on itself", field="dependencies")
        statuses = await dependency_statuses(uow.tx, new.dependencies)
        graph: dict[str, list[str]] = {task.id: list(new.dependencies)}
        frontier = list(new.dependencies)
        while frontier:
            found = await uow.tx.get_tasks(frontier)
            frontier = []
            for dep in found.values():
                if dep.id not in graph:
                    graph[dep.id] = list(dep.dependencies)
                    frontier.extend(d for d in dep.dependencies if d not in graph)
        cycle = find_cycle(graph)
        if cycle:
            raise BadRequest("dependency cycle: " + " -> ".join(cycle), field="dependencies", cycle=cycle)
        reason = dependency_block_reason(statuses)
        if reason and new.status in (Status.QUEUED, Status.APPROVED_QUEUED):
            return transition(new, Status.BLOCKED, Actor.SCHEDULER, uow.now, blocked_reason=reason)
        return replace(new, blocked_reason=reason if new.status is Status.BLOCKED else new.blocked_reason)

    async def cancel(self, task_id: str) -> Task:
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            if task.status not in ACTIVE:
                raise Conflict(f"Task is already {task.status.value}", currentStatus=task.status.value)
            new = transition(task, Status.CANCELLED, Actor.ADMIN, uow.now,
                             pending_ack_agent_id=None, ack_sent_at=None)
            await uow.save_task(task, new, note="Cancelled by admin")
            await cascade_dependants(uow, new)
            return new

        return await self.core.write(op)

    async def delete(self, task_id: str) -> Task:
        """Soft delete: cancel what is unfinished, then tell boards to drop the card."""
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            new = await _drop(uow, task, "Deleted by admin")
            if new.status is not task.status:
                await cascade_dependants(uow, new)
            return new

        return await self.core.write(op)

    async def clear(self) -> int:
        """Delete every task (the reference's "clear the queue"), in one transaction: each unfinished
        one is cancelled, and every board drops every card. Returns how many were deleted."""
        async def op(uow: UnitOfWork) -> int:
            tasks, _ = await uow.tx.find_tasks(TaskQuery(limit=None, newest_first=False, counted=False))
            for task in tasks:
                await _drop(uow, task, "Queue cleared by admin")
            return len(tasks)

        return await self.core.write(op)

    async def retry(self, task_id: str) -> Task:
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            if task.status not in RETRYABLE:
                raise Conflict(f"Task status {task.status.value} is not retryable",
                               currentStatus=task.status.value)
            statuses = await dependency_statuses(uow.tx, task.dependencies)
            reason = dependency_block_reason(statuses)
            target = Status.BLOCKED if reason else Status.QUEUED
            diff = (task.response or {}).get("diff")
            response = {"diff": diff} if diff else None
            new = transition(task, target, Actor.ADMIN, uow.now, assigned_to=None, response=response,
                             pending_ack_agent_id=None, ack_sent_at=None, approved_at=None,
                             blocked_reason=reason)
            await uow.save_task(task, new, note="Force-retried by admin")
            return new

        return await self.core.write(op)

    async def approve(self, task_id: str, override: str | None = None) -> Task:
        """Approve a task in review. The verification gate refuses a task whose verify commands have
        not passed on the commit under review, unless a reviewer overrides it with a written reason."""
        if override is not None and not override.strip():
            raise BadRequest("override: give the reason for approving over the verification gate",
                             field="override")

        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            refusal = gate_refusal(task, await uow.tx.checks(task.id)) if task.status is Status.IN_REVIEW else None
            if refusal and override is None:
                raise CheckFailed(refusal + ". Fix it, or approve with an override and a reason.",
                                  currentStatus=task.status.value)
            note, text, changes = _approval(refusal, override, uow.now)
            new = transition(task, Status.APPROVED_QUEUED, Actor.ADMIN, uow.now, approved_at=uow.now, **changes)
            await uow.save_task(task, new, note=note, message=_msg(uow, task, "system", text))
            return new

        return await self.core.write(op)

    async def reject(self, task_id: str, feedback: str | None) -> Task:
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            rejected = transition(task, Status.REJECTED, Actor.ADMIN, uow.now)
            text, role = ((f"Task Rejected: {feedback}", "user") if feedback
                          else ("Task rejected. See review comments for details.", "system"))
            await uow.save_task(task, rejected, note="Rejected", message=_msg(uow, task, role, text))
            queued = transition(rejected, Status.QUEUED, Actor.ADMIN, uow.now)
            await uow.save_task(rejected, queued, note="Returned to queue after rejection")
            return queued

        return await self.core.write(op)

    async def answer(self, task_id: str, answer: str, actor: Actor, prefix: str = "") -> Task:
        """Answer a blocked question: the answer joins the conversation and the task is queued again."""
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            if task.status is not Status.BLOCKED:
                raise Conflict(f"Task is not BLOCKED (current status: {task.status.value})",
                               currentStatus=task.status.value)
            reason = dependency_block_reason(await dependency_statuses(uow.tx, task.dependencies))
            if reason:
                raise Conflict(f"Task {task_id} is waiting on its dependencies ({reason}); "
                               "answering cannot release it", currentStatus=task.status.value)
            target = Status.APPROVED_QUEUED if task.approved_at else Status.QUEUED
            new = transition(task, target, actor, uow.now, blocked_reason=None)
            message = _msg(uow, task, "user", prefix + answer, unread=True)
            await uow.save_task(task, new, note="Answered", message=message)
            return new

        return await self.core.write(op)

    async def comment(self, task_id: str, content: str, reply_to: str | None,
                      images: list[JSON] | None) -> Message:
        async def op(uow: UnitOfWork) -> Message:
            task = await need_task(uow.tx, task_id)
            meta: JSON = {"messageType": "comment"}
            if images:
                meta["images"] = images
            message = Message(Message.new_id(uow.now), task.id, "user", content, uow.now, False,
                              reply_to, meta)
            await uow.add_message(task, message)
            return message

        return await self.core.write(op)

    async def add_review_comment(self, task_id: str, file_path: str, content: str,
                                 line_number: int | None, thread_id: str | None,
                                 author_role: str = "user", author_id: str = "dashboard") -> ReviewComment:
        async def op(uow: UnitOfWork) -> ReviewComment:
            task = await need_task(uow.tx, task_id)
            comment = ReviewComment(ReviewComment.new_id(uow.now), task.id, file_path, content,
                                    author_role, uow.now, line_number, author_id, thread_id)
            await uow.add_review_comment(task, comment)
            return comment

        return await self.core.write(op)

    async def resolve_review_comment(self, task_id: str, comment_id: str, response: str | None,
                                     resolved_by: str = "agent") -> ReviewComment:
        async def op(uow: UnitOfWork) -> ReviewComment:
            task = await need_task(uow.tx, task_id)
            comment = await uow.tx.get_review_comment(comment_id)
            if comment is None or comment.task_id != task.id:
                from waaah.errors import NotFound
                raise NotFound(f"Review comment {comment_id} not found on task {task_id}")
            reply = None
            if response:
                reply = ReviewComment(ReviewComment.new_id(uow.now), task.id, comment.file_path, response,
                                      "agent", uow.now, comment.line_number, resolved_by, comment.id,
                                      resolved=True)
            await uow.resolve_review_comment(task, comment, resolved_by, reply)
            return comment

        return await self.core.write(op)


async def _drop(uow: UnitOfWork, task: Task, note: str) -> Task:
    """Cancel `task` if it is unfinished, then mark it deleted."""
    new = task
    if task.status in ACTIVE:
        new = transition(task, Status.CANCELLED, Actor.ADMIN, uow.now, pending_ack_agent_id=None, ack_sent_at=None)
        await uow.save_task(task, new, note=note)
    await uow.delete_task(new)
    return new


def _approval(refusal: str | None, override: str | None, now: int) -> tuple[str, str, JSON]:
    """(history note, message, task changes) of an approval, over the gate's `refusal` when there is one."""
    if refusal is None or override is None:
        return "Approved", "Task approved. Queued for agent to merge and cleanup.", {}
    reason = override.strip()
    text = f"Approved over the verification gate ({refusal}). Reason: {reason}"
    return f"Approved with override: {reason}", text, {"approval_override": {"reason": reason, "at": now}}


def _msg(uow: UnitOfWork, task: Task, role: str, text: str, unread: bool = False) -> Message:
    meta = {"messageType": "comment"} if unread else None
    return Message(Message.new_id(uow.now), task.id, role, text, uow.now, not unread, None, meta)


async def cascade_dependants(uow: UnitOfWork, task: Task) -> None:
    """After `task` finished: release dependants whose dependencies are all COMPLETED, or mark the
    ones whose dependency failed or was cancelled, with the reason visible."""
    for dependant in await uow.tx.dependants(task.id):
        if dependant.status is not Status.BLOCKED or dependant.deleted_at is not None:
            continue
        if dependant.blocked_reason not in (None, "dependencies") and not (
                dependant.blocked_reason or "").startswith("dependency failed"):
            continue  # blocked on a question: only an answer releases it
        reason = dependency_block_reason(await dependency_statuses(uow.tx, dependant.dependencies))
        if reason is None:
            new = transition(dependant, Status.QUEUED, Actor.SCHEDULER, uow.now, blocked_reason=None)
            await uow.save_task(dependant, new, note="Dependencies completed")
        elif reason != dependant.blocked_reason:
            await uow.save_task(dependant, replace(dependant, blocked_reason=reason, updated_at=uow.now))
