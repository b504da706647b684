"""What agents do with tasks: reservations (leases), ack, progress, responses, blocking, review requests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from waaah.domain.checks import is_commit
from waaah.domain.lifecycle import DISPATCHABLE, HELD, RESERVED, Actor, Status
from waaah.domain.records import Message
from waaah.domain.tasks import (
    JSON,
    MIN_DIFF_CHARS,
    Task,
    dependency_block_reason,
    is_failure_reason,
    needs_diff,
    transition,
)
from waaah.errors import BadRequest, Conflict, NotHolder
from waaah.service.core import Core, need_task
from waaah.service.tasks import cascade_dependants, dependency_statuses
from waaah.service.unit import UnitOfWork

RESERVATION = {Status.QUEUED: Status.PENDING_ACK, Status.APPROVED_QUEUED: Status.APPROVED_PENDING_ACK}
EXPIRY = {Status.PENDING_ACK: Status.QUEUED, Status.APPROVED_PENDING_ACK: Status.APPROVED_QUEUED}
AGENT_TARGETS = (Status.IN_PROGRESS, Status.IN_REVIEW, Status.BLOCKED, Status.FAILED, Status.COMPLETED)


def check_holder(task: Task, agent_id: str | None) -> str:
    """Only the agent holding a task may report on it; returns that agent.

    `agent_id` None means "whoever holds the lease": clients without sessions (the reference's proxy)
    report without naming themselves. A named agent that is not the holder is refused."""
    if task.status in HELD and task.assigned_to is not None and agent_id in (None, task.assigned_to):
        return task.assigned_to
    if task.status in RESERVED and agent_id in (None, task.pending_ack_agent_id):
        raise Conflict(f"Task {task.id} is reserved for you but not acknowledged: call ack_task first",
                       currentStatus=task.status.value)
    holder = task.assigned_to if task.status in HELD else None
    why = f"it is held by {holder}" if holder else f"it is {task.status.value}"
    who = f"Agent {agent_id} does not hold" if agent_id else "No agent holds"
    raise NotHolder(f"{who} task {task.id}: {why}. "
                    "If your lease expired, call wait_for_prompt for new work.",
                    currentStatus=task.status.value)


def check_failure_reason(status: Status, reason: str | None) -> None:
    if reason is None:
        return
    if status is not Status.FAILED:
        raise BadRequest("failureReason is only for status FAILED", field="failureReason")
    if not is_failure_reason(reason):
        raise BadRequest("failureReason must be a short lowercase token (a letter, then up to 39 letters, "
                         "digits or _), e.g. agent_exit, stalled, timeout", field="failureReason")


class WorkOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def reserve(self, task_id: str, agent_id: str) -> Task | None:
        """Lease a dispatchable task to a waiting agent; None if it is no longer dispatchable."""
        async def op(uow: UnitOfWork) -> Task | None:
            task = await uow.tx.get_task(task_id)
            if task is None or task.status not in DISPATCHABLE or task.deleted_at is not None:
                return None
            reason = dependency_block_reason(await dependency_statuses(uow.tx, task.dependencies))
            if reason:
                await uow.save_task(task, transition(task, Status.BLOCKED, Actor.SCHEDULER, uow.now,
                                                     blocked_reason=reason))
                return None
            new = transition(task, RESERVATION[task.status], Actor.SCHEDULER, uow.now,
                             pending_ack_agent_id=agent_id, ack_sent_at=uow.now)
            await uow.save_task(task, new, note=f"Reserved for agent {agent_id}")
            return new

        return await self.core.write(op)

    async def expire(self, task_id: str, note: str) -> Task | None:
        """Give a reserved or held task back to the queue (ack timeout, lost agent)."""
        async def op(uow: UnitOfWork) -> Task | None:
            task = await uow.tx.get_task(task_id)
            if task is None:
                return None
            if task.status in RESERVED:
                target = EXPIRY[task.status]
            elif task.status in HELD:
                target = Status.APPROVED_QUEUED if task.approved_at else Status.QUEUED
            else:
                return None
            new = transition(task, target, Actor.SCHEDULER, uow.now, pending_ack_agent_id=None,
                             ack_sent_at=None)
            await uow.save_task(task, new, note=note)
            return new

        return await self.core.write(op)

    async def ack(self, task_id: str, agent_id: str) -> tuple[Task, list[Message]]:
        async def op(uow: UnitOfWork) -> tuple[Task, list[Message]]:
            task = await need_task(uow.tx, task_id)
            if task.status not in RESERVED:
                raise Conflict(f"Task is not in PENDING_ACK state (current status: {task.status.value})",
                               currentStatus=task.status.value)
            if task.pending_ack_agent_id != agent_id:
                raise NotHolder(f"ACK failed: Expected agent {task.pending_ack_agent_id} but got {agent_id}",
                                currentStatus=task.status.value)
            new = transition(task, Status.ASSIGNED, Actor.AGENT, uow.now, assigned_to=agent_id,
                             pending_ack_agent_id=None, ack_sent_at=None, last_progress_at=uow.now)
            await uow.save_task(task, new, agent_id=agent_id)
            return new, await self._take_unread(uow, new)

        return await self.core.write(op)

    async def _take_unread(self, uow: UnitOfWork, task: Task) -> list[Message]:
        messages = (await uow.tx.messages_for([task.id])).get(task.id, [])
        unread = [m for m in messages if m.is_unread_comment]
        await uow.mark_read(task, unread)
        return unread

    async def progress(self, task_id: str, agent_id: str | None, message: str, phase: str | None,
                       percentage: float | None) -> list[Message]:
        async def op(uow: UnitOfWork) -> list[Message]:
            task = await need_task(uow.tx, task_id)
            holder = check_holder(task, agent_id)
            meta: JSON = {"phase": phase, "percentage": percentage, "agentId": holder,
                          "messageType": "progress"}
            note = Message(Message.new_id(uow.now), task.id, "agent", message, uow.now, True, None, meta)
            new = replace(task, last_progress_at=uow.now)
            if task.status is Status.ASSIGNED:
                new = transition(task, Status.IN_PROGRESS, Actor.AGENT, uow.now, last_progress_at=uow.now)
            await uow.save_task(task, new, agent_id=holder, message=note)
            return await self._take_unread(uow, new)

        return await self.core.write(op)

    async def respond(self, task_id: str, agent_id: str | None, status: Status, message: str,
                      diff: str | None = None, artifacts: Any = None,
                      blocked_reason: str | None = None, failure_reason: str | None = None,
                      commit: str | None = None) -> Task:
        """send_response: the holder moves its task on, with a response that keeps an earlier diff
        (and, when it failed, a short reason token; `commit`: the sha of the work it submits)."""
        if status not in AGENT_TARGETS:
            allowed = ", ".join(s.value for s in AGENT_TARGETS)
            raise BadRequest(f"status {status.value} cannot be reported by an agent; use one of {allowed}",
                             field="status")
        check_failure_reason(status, failure_reason)
        if commit is not None and not is_commit(commit):
            raise BadRequest("commit must be a full 40-character lowercase hex git sha", field="commit")

        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            holder = check_holder(task, agent_id)
            kept_diff = diff or (task.response or {}).get("diff")
            if status is Status.IN_REVIEW and needs_diff(task) and len((diff or "").strip()) < MIN_DIFF_CHARS:
                raise BadRequest("Code/test tasks require a valid diff. Your diff appears empty or too short.",
                                 field="diff")
            response: JSON = {"message": message}
            extras = {"diff": kept_diff, "artifacts": artifacts, "blockedReason": blocked_reason, "commit": commit}
            response.update({k: v for k, v in extras.items() if v is not None})
            changes: dict[str, Any] = {"response": response, "last_progress_at": uow.now,
                                       "failure_reason": failure_reason}
            if status is Status.BLOCKED:
                changes["blocked_reason"] = blocked_reason or "question"
            if status in (Status.IN_REVIEW, Status.BLOCKED):
                changes["approved_at"] = None if status is Status.IN_REVIEW else task.approved_at
            if status is Status.IN_REVIEW:
                changes["approval_override"] = None
            new = transition(task, status, Actor.AGENT, uow.now, **changes)
            await uow.save_task(task, new, note="Status updated with response", agent_id=holder)
            if status in (Status.COMPLETED, Status.FAILED):
                await cascade_dependants(uow, new)
            return new

        return await self.core.write(op)

    async def block(self, task_id: str, agent_id: str | None, reason: str, question: str, summary: str,
                    notes: str | None, files: list[str] | None) -> Task:
        async def op(uow: UnitOfWork) -> Task:
            task = await need_task(uow.tx, task_id)
            holder = check_holder(task, agent_id)
            meta: JSON = {"type": "block_event", "reason": reason, "question": question,
                          "summary": summary, "notes": notes, "files": files}
            text = f"Task BLOCKED: {reason.upper()} - {question}"
            note = Message(Message.new_id(uow.now), task.id, "system", text, uow.now, True, None, meta)
            response = {**(task.response or {}), "blockedReason": question}
            new = transition(task, Status.BLOCKED, Actor.AGENT, uow.now, blocked_reason="question",
                             response=response, last_progress_at=uow.now)
            await uow.save_task(task, new, note=f"Blocked: {reason}", agent_id=holder, message=note)
            return new

        return await self.core.write(op)
