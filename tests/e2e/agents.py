"""Helpers for browser tests that drive MCP agents: cards by column, delegated ids, a background poll."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from playwright.async_api import Locator, Page

from tests.integration.mcp_support import McpAgent
from tests.live import LiveServer

AGENT_BOUND = 10.0
"""How long (s) an agent's call may take to see what the page did: a bound, not a measurement."""
DELEGATED = re.compile(r"^Task delegated to .+: (task-\S+)$")


def card_in(page: Page, column: str, task_id: str) -> Locator:
    """The task's card inside one board column (`todo`, `progress`, `blocked`, `review`, `done`)."""
    return page.locator(f'[data-column="{column}"] .card[data-task-id="{task_id}"]')


def delegated_task_id(text: str) -> str:
    """The task id in assign_task's answer `Task delegated to <who>: <taskId>`."""
    found = DELEGATED.match(text)
    assert found, f"unexpected assign_task answer: {text}"
    return found.group(1)


@asynccontextmanager
async def waiting_for_prompt(agent: McpAgent, live: LiveServer, agent_id: str) -> AsyncIterator[asyncio.Task[Any]]:
    """wait_for_prompt running in the background, entered once the hub counts the agent as waiting
    (or the poll already answered); the poll is cancelled on exit if it is still running."""
    poll = asyncio.create_task(agent.json("wait_for_prompt", agentId=agent_id, timeout=60))
    waiting = asyncio.create_task(live.runtime.waiters.until_waiting(agent_id))
    try:
        done, _ = await asyncio.wait({poll, waiting}, timeout=AGENT_BOUND, return_when=asyncio.FIRST_COMPLETED)
        assert done, f"{agent_id} did not start waiting within {AGENT_BOUND} s"
        yield poll
    finally:
        for task in (waiting, poll):
            task.cancel()
        await asyncio.wait({waiting, poll})
