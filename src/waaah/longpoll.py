"""The long polls agents make: `wait_for_prompt` (work, evictions, system prompts) and `wait_for_task`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from waaah.domain.lifecycle import RESERVED, TERMINAL, Status
from waaah.domain.records import Event
from waaah.domain.tasks import Task
from waaah.scheduler import Scheduler
from waaah.service import Hub
from waaah.service.core import need_task
from waaah.waiters import Waiters

Progress = Callable[[float], Awaitable[None]]
MAX_TIMEOUT = 300.0
PROGRESS_EVERY = 15.0
PROMPTING_ROLES = ("pm", "coding", "testing", "orchestrator")
DEFAULT_CAPABILITIES = ("code-writing",)
FINISHED = TERMINAL | {Status.BLOCKED}


def coerce_timeout(value: float | None, default: float) -> float:
    """The reference's rule: above 300 s → the default; below 1 s → 1 s."""
    timeout = default if value is None or value > MAX_TIMEOUT else value
    return max(1.0, timeout)


def task_offer(task: Task) -> dict[str, Any]:
    """What wait_for_prompt returns for a task (the reference's fields plus a few useful ones)."""
    return {"taskId": task.id, "prompt": task.prompt, "title": task.title, "status": task.status.value,
            "priority": task.priority,
            "from": {"type": task.from_type, "id": task.from_id, "name": task.from_name},
            "context": task.context, "dependencies": list(task.dependencies),
            "requiredCapabilities": list(task.required_capabilities),
            "requiresReview": task.requires_review, "approved": task.approved_at is not None}


def idle_reply(role: str | None) -> dict[str, Any]:
    reply: dict[str, Any] = {"success": True, "status": "IDLE", "message": "No tasks available. Waiting."}
    if any(r in (role or "").lower() for r in PROMPTING_ROLES):
        reply["prompt"] = "## REQUIRED ACTION\nCall wait_for_prompt again to continue listening."
    return reply


class LongPolls:
    def __init__(self, hub: Hub, scheduler: Scheduler, waiters: Waiters) -> None:
        self.hub = hub
        self.scheduler = scheduler
        self.waiters = waiters

    async def wait_for_prompt(self, agent_id: str, timeout: float | None = None,
                              progress: Progress | None = None) -> dict[str, Any]:
        """Return the moment work, an eviction or a system prompt is there for `agent_id`; IDLE at the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + coerce_timeout(timeout, self.hub.settings.prompt_timeout)
        agent = await self._known_agent(agent_id)
        waiter = self.waiters.add(agent)
        try:
            while True:
                signal = await self._pending_signal(agent_id)
                if signal is not None:
                    return signal
                self.scheduler.wake()
                task = await self._await_future(agent_id, waiter.future, deadline, progress)
                if task is not None:
                    return task_offer(task)
                if loop.time() >= deadline:
                    return idle_reply(agent.role)
                waiter.reset()
        except asyncio.CancelledError:
            await self._release(waiter.future)
            raise
        finally:
            self.waiters.remove(waiter)
            await self.hub.agents.heartbeat(agent_id)

    async def _known_agent(self, agent_id: str) -> Any:
        async with self.hub.store.read() as tx:
            agent = await tx.get_agent(agent_id)
        if agent is None:  # the reference auto-registers unknown pollers (contract B-24)
            return await self.hub.agents.register(agent_id, DEFAULT_CAPABILITIES, {}, display_name=agent_id)
        await self.hub.agents.heartbeat(agent_id)
        return agent

    async def _pending_signal(self, agent_id: str) -> dict[str, Any] | None:
        """An eviction, a system prompt or a task already reserved for the agent, in that order.

        One read decides; a write (to consume a signal) happens only when there is one. A signal
        queued after this read nudges the waiter, which is registered before, so it is not missed."""
        async with self.hub.store.read() as tx:
            agent = await tx.get_agent(agent_id)
            prompts = await tx.count_system_prompts(agent_id)
            reserved = await tx.tasks_of_agent(agent_id, RESERVED)
        eviction = await self.hub.agents.take_eviction(agent_id) if agent and agent.eviction_requested else None
        if eviction is not None:
            return eviction
        prompt = await self.hub.agents.take_system_prompt(agent_id) if prompts else None
        if prompt is not None:
            return prompt
        mine = [t for t in reserved if t.pending_ack_agent_id == agent_id]
        return task_offer(mine[0]) if mine else None

    async def _await_future(self, agent_id: str, future: asyncio.Future[Task | None], deadline: float,
                            progress: Progress | None) -> Task | None:
        """Wait for the scheduler, sending progress every 15 s and a heartbeat now and then."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        beat = min(PROGRESS_EVERY, self.hub.settings.agent_offline_after / 3)
        while not future.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            # asyncio.wait neither cancels the future at the timeout nor adds wait_for's extra hops
            await asyncio.wait((future,), timeout=min(remaining, beat))
            if not future.done():
                await self.hub.agents.heartbeat(agent_id)
                if progress is not None:
                    await progress(loop.time() - started)
        return future.result()

    async def _release(self, future: asyncio.Future[Task | None]) -> None:
        """A poll cancelled (client gone) after a task was reserved for it: give the task back now."""
        if future.done() and not future.cancelled() and (task := future.result()) is not None:
            await asyncio.shield(self.hub.work.expire(task.id, "Agent disconnected before receiving the task"))

    async def wait_for_task(self, task_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait until a task finishes (COMPLETED, FAILED, CANCELLED) or blocks, or the timeout."""
        task = await self._task_state(task_id)
        if task.status not in FINISHED:
            done = asyncio.get_running_loop().create_future()

            def on_event(event: Event) -> None:
                finished = event.payload.get("status") in {s.value for s in FINISHED}
                if event.entity_id == task_id and finished and not done.done():
                    done.set_result(None)

            unsubscribe = self.hub.bus.subscribe(on_event)
            try:
                task = await self._task_state(task_id)
                if task.status not in FINISHED:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(done, timeout=timeout if timeout is not None else 300.0)
            finally:
                unsubscribe()
            task = await self._task_state(task_id)
        return {"taskId": task.id, "status": task.status.value, "completed": task.status in FINISHED,
                "response": task.response}

    async def _task_state(self, task_id: str) -> Task:
        async with self.hub.store.read() as tx:
            return await need_task(tx, task_id)

