"""Agents and observers for the scale-out tests: reference-compatible HTTP agents (POST /mcp/tools)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.conftest import API_KEY

HEADERS = {"X-API-Key": API_KEY}
WORKSPACE = {"type": "local", "repoId": "org/repo"}


async def tool(http: httpx.AsyncClient, name: str, **args: Any) -> tuple[Any, bool]:
    """Call a tool over the legacy route; returns (parsed text or plain text, is_error)."""
    response = await http.post(f"/mcp/tools/{name}", json=args, timeout=60)
    response.raise_for_status()
    body = response.json()
    text = body["content"][0]["text"]
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = text
    return parsed, bool(body.get("isError"))


async def waiting_agents(http: httpx.AsyncClient) -> int:
    text = (await http.get("/metrics")).text
    line = next(line for line in text.splitlines() if line.startswith("waaah_waiting_agents "))
    return int(float(line.split()[1]))


async def until_waiting(http: httpx.AsyncClient, count: int, bound: float = 10.0) -> None:
    """Wait until `count` agents wait on this process. Waiting has no event to wait on (it writes
    nothing), so this polls the process's metrics — bounded, and only to order the test's steps."""
    async with asyncio.timeout(bound):
        while await waiting_agents(http) < count:
            await asyncio.sleep(0.02)


@dataclass
class Tally:
    """What a squad of agents did: acks per task, completions, and the agents that lost their server."""

    total: int
    acks: Counter[str] = field(default_factory=Counter)
    completed: set[str] = field(default_factory=set)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    lost: list[str] = field(default_factory=list)
    milestones: dict[int, asyncio.Event] = field(default_factory=dict)

    def reached(self, count: int) -> asyncio.Event:
        """An event set once `count` tasks are complete."""
        event = self.milestones.setdefault(count, asyncio.Event())
        if len(self.completed) >= count:
            event.set()
        return event

    def complete(self, task_id: str) -> None:
        self.completed.add(task_id)
        for count, event in self.milestones.items():
            if len(self.completed) >= count:
                event.set()
        if len(self.completed) == self.total:
            self.done.set()


async def work_loop(url: str, agent_id: str, tally: Tally) -> None:
    """wait → ack → complete, until every task is complete or this agent's server is gone."""
    async with httpx.AsyncClient(base_url=url, headers=HEADERS) as http:
        try:
            await tool(http, "register_agent", agentId=agent_id, capabilities=["doc-writing"],
                       workspaceContext=WORKSPACE)
            while not tally.done.is_set():
                offer, _ = await tool(http, "wait_for_prompt", agentId=agent_id, timeout=2)
                if not isinstance(offer, dict) or "taskId" not in offer:
                    continue
                task_id = offer["taskId"]
                _, failed = await tool(http, "ack_task", taskId=task_id, agentId=agent_id)
                if failed:
                    continue
                tally.acks[task_id] += 1
                _, failed = await tool(http, "send_response", taskId=task_id, agentId=agent_id,
                                       status="COMPLETED", message="done")
                if not failed:
                    tally.complete(task_id)
        except httpx.TransportError:
            tally.lost.append(agent_id)
