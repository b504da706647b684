"""The long polls agents make: `wait_for_prompt` (work, evictions, system prompts) and `wait_for_task`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from waaah.domain.agents import Agent
from waaah.domain.lifecycle import RESERVED, TERMINAL, Status
from waaah.domain.records import Event
from waaah.domain.tasks import Task
from waaah.scheduler import Scheduler
from waaah.service import Hub
from waaah.service.core import need_task
from waaah.waiters import Waiter, Waiters

Progress = Callable[[float], Awaitable[None]]
PROGRESS_EVERY = 15.0
CALL_AGAIN = "## REQUIRED ACTION\nCall wait_for_prompt again to continue listening."
DEFAULT_CAPABILITIES = ("code-writing",)
FINISHED = TERMINAL | {Status.BLOCKED}


def coerce_timeout(value: float | None, default: float, cap: float) -> float:
    """The wait a poll gets: the asked-for one (else the default), within 1 s and the server's cap.

    The cap keeps every wait below the agent CLIs' own tool timeouts, so an answer always arrives
    while the client still listens."""
    timeout = default if value is None else value
    return max(1.0, min(timeout, cap))


def task_offer(task: Task) -> dict[str, Any]:
    """What wait_for_prompt returns for a task (the reference's fields plus a few useful ones)."""
    return {"taskId": task.id, "prompt": task.prompt, "title": task.title, "status": task.status.value,
            "priority": task.priority,
            "from": {"type": task.from_type, "id": task.from_id, "name": task.from_name},
            "context": task.context, "dependencies": list(task.dependencies),
            "requiredCapabilities": list(task.required_capabilities),
            "requiresReview": task.requires_review, "approved": task.approved_at is not None}


def idle_reply() -> dict[str, Any]:
    """The timeout's answer; it tells every agent to poll again (an LLM left without that stops)."""
    return {"success": True, "status": "IDLE", "message": "No tasks available. Waiting.", "prompt": CALL_AGAIN}


class LongPolls:
    def __init__(self, hub: Hub, scheduler: Scheduler, waiters: Waiters) -> None:
        self.hub = hub
        self.scheduler = scheduler
        self.waiters = waiters

    def timeout_for(self, agent: Agent, asked: float | None) -> float:
        """The wait a poll gets: the call's, else the agent's registered one, else the hub's default."""
        settings = self.hub.settings
        default = agent.wait_timeout or settings.prompt_timeout
        return coerce_timeout(asked, default, settings.prompt_timeout_max)

    async def wait_for_prompt(self, agent_id: str, timeout: float | None = None,
                              progress: Progress | None = None) -> dict[str, Any]:
        """Return the moment work, an eviction or a system prompt is there for `agent_id`; IDLE at the timeout."""
        loop = asyncio.get_running_loop()
        agent = await self._known_agent(agent_id)
        deadline = loop.time() + self.timeout_for(agent, timeout)
        waiter = self.waiters.add(agent)
        try:
            answer = await self._poll(agent_id, waiter, deadline, progress)
        except asyncio.CancelledError:  # the client went away: no heartbeat, it may have signed off
            await self._release(waiter.future)
            raise
        finally:
            self.waiters.remove(waiter)
        await self.hub.agents.heartbeat(agent_id)
        return answer

    async def _poll(self, agent_id: str, waiter: Waiter, deadline: float,
                    progress: Progress | None) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        while True:
            signal = await self._pending_signal(agent_id)
            if signal is not None:
                return signal
            self.scheduler.wake()
            task = await self._await_future(agent_id, waiter.future, deadline, progress)
            if task is not None:
                return task_offer(task)
            if loop.time() >= deadline:
                return idle_reply()
            waiter.reset()

    async def _known_agent(self, agent_id: str) -> Agent:
        async with self.hub.store.read() as tx:
            agent = await tx.get_agent(agent_id)
        if agent is None:  # the reference auto-registers unknown pollers (docs/compatibility.md)
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
                        cap = self.hub.settings.prompt_timeout_max
                        await asyncio.wait_for(done, timeout=cap if timeout is None else min(timeout, cap))
            finally:
                unsubscribe()
            task = await self._task_state(task_id)
        return {"taskId": task.id, "status": task.status.value, "completed": task.status in FINISHED,
                "response": task.response}

    async def _task_state(self, task_id: str) -> Task:
        async with self.hub.store.read() as tx:
            return await need_task(tx, task_id)

