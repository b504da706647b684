"""The unit of work: the only writer. Every write it makes appends its event in the same transaction."""

from __future__ import annotations

import dataclasses
from typing import Any

from waaah.domain.agents import Agent, AgentStatus, derive_status
from waaah.domain.checks import Check, summary
from waaah.domain.lifecycle import BUSY
from waaah.domain.records import Event, HistoryEntry, Message, ReviewComment, SystemPrompt, stored_fields
from waaah.domain.tasks import Task
from waaah.domain.transcripts import TranscriptEntry, entry_json
from waaah.domain.views import (
    agent_changes,
    agent_json,
    changed_fields,
    history_json,
    message_json,
    task_fields,
    task_json,
)
from waaah.store.base import Writer

TASK_CREATED, TASK_UPDATED, TASK_DELETED = "task:created", "task:updated", "task:deleted"
TASK_TRANSCRIPT = "task:transcript"
AGENT_STATUS = "agent:status"


def _column_changes(old: Any, new: Any) -> dict[str, Any]:
    return {f.name: getattr(new, f.name) for f in stored_fields(new) if getattr(old, f.name) != getattr(new, f.name)}


class UnitOfWork:
    """Writes made through one transaction; `events` holds what they appended, in `seq` order."""

    def __init__(self, tx: Writer, now: int, offline_after_ms: int) -> None:
        self.tx = tx
        self.now = now
        self.offline_after_ms = offline_after_ms
        self.events: list[Event] = []

    async def _append(self, name: str, entity_id: str, payload: dict[str, Any], task: Task | None = None) -> None:
        """Append an event; a task event carries the task as this transaction leaves it (`Event.task`)."""
        event = await self.tx.append_event(name, entity_id, payload, self.now)
        self.events.append(event if task is None else dataclasses.replace(event, task=task))

    # --- tasks -------------------------------------------------------------------------------
    async def create_task(self, task: Task, note: str | None = None) -> None:
        await self.tx.insert_task(task)
        entry = HistoryEntry(task.id, self.now, task.status.value, None, note or "Created")
        await self.tx.insert_history(entry)
        await self._append(TASK_CREATED, task.id, {**task_json(task, (), [entry])}, task)
        await self._refresh_agents(task)

    async def save_task(self, old: Task, new: Task, note: str | None = None,
                        agent_id: str | None = None, message: Message | None = None) -> None:
        """Persist `new` over `old`: history on a status change, an optional message, one event."""
        changes = _column_changes(old, new)
        if changes:
            await self.tx.update_task(new.id, changes)
        payload = changed_fields(task_fields(old), task_fields(new))
        if old.status is not new.status:
            note = note or f"Status changed to {new.status.value}"
            await self.tx.insert_history(HistoryEntry(new.id, self.now, new.status.value, agent_id, note))
            payload["history"] = await self._history(new.id)
        if message is not None:
            await self.tx.insert_message(message)
            payload["messages"] = await self._messages(new.id)
        if payload:
            await self._append(TASK_UPDATED, new.id, {"id": new.id, **payload}, new)
        await self._refresh_agents(old, new)

    async def add_message(self, task: Task, message: Message) -> None:
        await self.save_task(task, task, message=message)

    async def mark_read(self, task: Task, messages: list[Message]) -> None:
        if messages:
            await self.tx.mark_read([m.id for m in messages])
            payload = {"id": task.id, "messages": await self._messages(task.id)}
            await self._append(TASK_UPDATED, task.id, payload)

    async def delete_task(self, task: Task) -> None:
        await self.tx.update_task(task.id, {"deleted_at": self.now})
        await self._append(TASK_DELETED, task.id, {"id": task.id}, dataclasses.replace(task, deleted_at=self.now))

    async def add_review_comment(self, task: Task, comment: ReviewComment) -> None:
        await self.tx.insert_review_comment(comment)
        await self._review_event(task)

    async def resolve_review_comment(self, task: Task, comment: ReviewComment, resolved_by: str,
                                     reply: ReviewComment | None) -> None:
        await self.tx.update_review_comment(comment.id, {"resolved": True, "resolved_by": resolved_by})
        if reply is not None:
            await self.tx.insert_review_comment(reply)
        await self._review_event(task)

    async def _review_event(self, task: Task) -> None:
        comments = await self.tx.review_comments(task.id)
        open_count = sum(1 for c in comments if not c.resolved and c.thread_id is None)
        payload = {"id": task.id, "reviewComments": len(comments), "openReviewComments": open_count}
        await self._append(TASK_UPDATED, task.id, payload)

    async def add_check(self, task: Task, check: Check) -> Task:
        """Record a check; the task's `checks` summary follows in one event."""
        await self.tx.insert_check(check)
        new = dataclasses.replace(task, check_summary=summary(await self.tx.checks(task.id)), updated_at=self.now)
        await self.save_task(task, new)
        return new

    async def hook_event(self, name: str, hook_id: str, payload: dict[str, Any]) -> None:
        """A webhook's `hook:{id}:status` or `hook:{id}:deleted`, appended like every other event."""
        await self._append(name, hook_id, payload)

    async def append_transcript(self, task: Task, entries: list[TranscriptEntry], keep_from: int) -> None:
        """Add transcript entries, drop the task's entries numbered below `keep_from`: one event
        with the added entries still kept."""
        await self.tx.insert_transcript(entries)
        await self.tx.drop_transcript(task.id, keep_from)
        kept = [entry_json(e) for e in entries if e.n >= keep_from]
        await self._append(TASK_TRANSCRIPT, task.id, {"id": task.id, "entries": kept, "total": entries[-1].n})

    async def _history(self, task_id: str) -> list[dict[str, Any]]:
        return [history_json(h) for h in (await self.tx.history_for([task_id])).get(task_id, [])]

    async def _messages(self, task_id: str) -> list[dict[str, Any]]:
        return [message_json(m) for m in (await self.tx.messages_for([task_id])).get(task_id, [])]

    # --- agents ------------------------------------------------------------------------------
    async def _refresh_agents(self, *tasks: Task) -> None:
        """Keep each agent's status and current tasks in step when a task joins or leaves its hands."""
        before, after = _holders(tasks[0]), _holders(tasks[-1])
        for agent_id in sorted(before ^ after):
            agent = await self.tx.get_agent(agent_id)
            if agent is not None:
                await self.save_agent(agent, agent, tasks_changed=True)

    async def agent_view(self, agent: Agent) -> dict[str, Any]:
        held = await self.tx.tasks_of_agent(agent.id, BUSY)
        prompts = await self.tx.count_system_prompts(agent.id)
        return agent_json(agent, [t.id for t in held], prompts)

    def status_for(self, agent: Agent, holds_tasks: bool) -> AgentStatus:
        online = self.now - agent.last_seen < self.offline_after_ms
        return derive_status(holds_tasks, online)

    async def create_agent(self, agent: Agent) -> Agent:
        await self.tx.insert_agent(agent)
        view = await self.agent_view(agent)
        await self._append(AGENT_STATUS, agent.id, agent_changes(None, view))
        return agent

    async def save_agent(self, old: Agent, new: Agent, tasks_changed: bool = False) -> Agent:
        """Persist `new` over `old` with its derived status; one event when anything visible changed
        (`tasks_changed`: its current tasks or pending prompts changed in this transaction)."""
        view = await self.agent_view(new)
        new = dataclasses.replace(new, status=self.status_for(new, bool(view["currentTasks"])))
        changes = _column_changes(old, new)
        if changes:
            await self.tx.update_agent(new.id, changes)
        before = {**view, **agent_json(old, view["currentTasks"], view["pendingPrompts"])}
        after = {**view, **agent_json(new, view["currentTasks"], view["pendingPrompts"])}
        if tasks_changed or changed_fields(before, after):
            await self._append(AGENT_STATUS, new.id, agent_changes(before, after))
        return new

    async def queue_system_prompt(self, agent: Agent, prompt: SystemPrompt) -> None:
        await self.tx.insert_system_prompt(prompt)
        await self._prompts_changed(agent)

    async def take_system_prompt(self, agent: Agent, prompt: SystemPrompt) -> None:
        assert prompt.id is not None
        await self.tx.delete_system_prompt(prompt.id)
        await self._prompts_changed(agent)

    async def _prompts_changed(self, agent: Agent) -> None:
        view = await self.agent_view(agent)
        payload = {k: view[k] for k in ("id", "status", "lastSeen", "currentTasks", "pendingPrompts")}
        await self._append(AGENT_STATUS, agent.id, payload)


def _holders(task: Task) -> set[str]:
    """The agents that hold or have reserved `task` (a task in a BUSY status)."""
    if task.status not in BUSY:
        return set()
    return {i for i in (task.assigned_to, task.pending_ack_agent_id) if i}
