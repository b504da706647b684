"""Agent operations: registration, heartbeats, edits, evictions and system prompts."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from waaah.domain.agents import Agent, AgentStatus
from waaah.domain.lifecycle import BUSY
from waaah.domain.records import SystemPrompt
from waaah.errors import BadRequest
from waaah.service.core import Core, need_agent
from waaah.service.unit import UnitOfWork
from waaah.service.work import WorkOps

HEARTBEAT_DEBOUNCE_MS = 10_000
EVICTION_ACTIONS = ("RESTART", "SHUTDOWN")
_ADJECTIVES = ("methodical", "diligent", "swift", "careful", "eager", "steady", "clever", "precise")
_NOUNS = ("builder", "coder", "worker", "crafter", "maker", "thinker", "solver", "agent")


def generated_name() -> str:
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_NOUNS)}-{random.randrange(100):02d}"


class AgentOps:
    def __init__(self, core: Core, work: WorkOps) -> None:
        self.core = core
        self.work = work
        self._last_beat: dict[str, int] = {}

    async def register(self, agent_id: str, capabilities: tuple[str, ...], workspace_context: dict[str, Any],
                       display_name: str | None = None, role: str | None = None,
                       source: str | None = None, wait_timeout: float | None = None) -> Agent:
        """Register or refresh an agent. Re-registering keeps its id, tasks and creation time."""
        async def op(uow: UnitOfWork) -> Agent:
            old = await uow.tx.get_agent(agent_id)
            if old is None:
                agent = Agent(agent_id, display_name or generated_name(), uow.now, uow.now,
                              AgentStatus.WAITING, role, None, capabilities, workspace_context, source,
                              wait_timeout=wait_timeout)
                return await uow.create_agent(agent)
            new = replace(old, display_name=display_name or old.display_name, role=role or old.role,
                          capabilities=capabilities, workspace_context=workspace_context,
                          source=source or old.source, last_seen=uow.now, wait_timeout=wait_timeout)
            return await uow.save_agent(old, new)

        agent = await self.core.write(op)
        self._last_beat[agent_id] = agent.last_seen
        return agent

    async def heartbeat(self, agent_id: str, force: bool = False) -> None:
        """Record contact from a known agent; writes at most once per debounce window unless forced."""
        now = self.core.clock()
        last = self._last_beat.get(agent_id)
        debounce = min(HEARTBEAT_DEBOUNCE_MS, self.core.settings.agent_offline_after * 1000 / 4)
        if not force and last is not None and now - last < debounce:
            return
        self._last_beat[agent_id] = now

        async def op(uow: UnitOfWork) -> None:
            agent = await uow.tx.get_agent(agent_id)
            if agent is not None:
                await uow.save_agent(agent, replace(agent, last_seen=uow.now))

        await self.core.write(op)

    async def update(self, agent_id: str, display_name: str | None, color: str | None) -> Agent:
        if display_name is None and color is None:
            raise BadRequest("nothing to update: give metadata.displayName or metadata.color", field="metadata")

        async def op(uow: UnitOfWork) -> Agent:
            agent = await need_agent(uow.tx, agent_id)
            new = replace(agent, display_name=display_name or agent.display_name, color=color or agent.color)
            return await uow.save_agent(agent, new)

        return await self.core.write(op)

    async def evict(self, agent_id: str, reason: str, action: str = "RESTART") -> Agent:
        """Queue an eviction; a waiting agent receives it at once through wait_for_prompt."""
        if action not in EVICTION_ACTIONS:
            raise BadRequest(f"action must be one of {', '.join(EVICTION_ACTIONS)}", field="action")

        async def op(uow: UnitOfWork) -> Agent:
            agent = await need_agent(uow.tx, agent_id)
            if agent.eviction_requested and agent.eviction_action == "SHUTDOWN" and action == "RESTART":
                return agent  # never downgrade a pending SHUTDOWN
            new = replace(agent, eviction_requested=True, eviction_reason=reason, eviction_action=action)
            return await uow.save_agent(agent, new)

        return await self.core.write(op)

    async def take_eviction(self, agent_id: str) -> dict[str, str] | None:
        async def op(uow: UnitOfWork) -> dict[str, str] | None:
            agent = await uow.tx.get_agent(agent_id)
            if agent is None or not agent.eviction_requested:
                return None
            cleared = replace(agent, eviction_requested=False, eviction_reason=None, eviction_action=None)
            await uow.save_agent(agent, cleared)
            return {"controlSignal": "EVICT", "reason": agent.eviction_reason or "Unknown reason",
                    "action": agent.eviction_action or "RESTART"}

        return await self.core.write(op)

    async def broadcast(self, targets: list[str], prompt_type: str, message: str,
                        payload: dict[str, Any] | None, priority: str) -> list[str]:
        async def op(uow: UnitOfWork) -> list[str]:
            done = []
            for agent_id in targets:
                agent = await uow.tx.get_agent(agent_id)
                if agent is None:
                    continue
                prompt = SystemPrompt(agent_id, prompt_type, message, uow.now, payload, priority)
                await uow.queue_system_prompt(agent, prompt)
                done.append(agent_id)
            return done

        return await self.core.write(op)

    async def take_system_prompt(self, agent_id: str) -> dict[str, Any] | None:
        async def op(uow: UnitOfWork) -> dict[str, Any] | None:
            agent = await uow.tx.get_agent(agent_id)
            prompt = await uow.tx.next_system_prompt(agent_id) if agent else None
            if agent is None or prompt is None:
                return None
            await uow.take_system_prompt(agent, prompt)
            out: dict[str, Any] = {"controlSignal": "SYSTEM_PROMPT", "promptType": prompt.prompt_type,
                                   "message": prompt.message, "priority": prompt.priority}
            if prompt.payload is not None:
                out["payload"] = prompt.payload
            return out

        return await self.core.write(op)

    async def mark_offline(self, agent_id: str) -> list[str]:
        """A lost agent: OFFLINE, and everything it held or had reserved goes back to the queue."""
        requeued = await self._requeue_held(agent_id, f"Requeued: agent {agent_id} went offline")

        async def op(uow: UnitOfWork) -> None:
            current = await need_agent(uow.tx, agent_id)
            await uow.save_agent(current, current)

        await self.core.write(op)
        return requeued

    async def sign_off(self, agent_id: str) -> list[str]:
        """An agent says it is leaving: OFFLINE at once, and what it held or had reserved is requeued.
        Its online window ends now (lastSeen is moved back by that window), so its status stays
        OFFLINE until it calls the hub again."""
        requeued = await self._requeue_held(agent_id, f"Requeued: agent {agent_id} signed off")

        async def op(uow: UnitOfWork) -> None:
            current = await need_agent(uow.tx, agent_id)
            gone = min(current.last_seen, uow.now - uow.offline_after_ms)
            await uow.save_agent(current, replace(current, last_seen=gone))

        await self.core.write(op)
        self._last_beat.pop(agent_id, None)
        return requeued

    async def _requeue_held(self, agent_id: str, note: str) -> list[str]:
        async with self.core.store.read() as tx:
            await need_agent(tx, agent_id)
            held = await tx.tasks_of_agent(agent_id, BUSY)
        return [task.id for task in held if await self.work.expire(task.id, note)]
