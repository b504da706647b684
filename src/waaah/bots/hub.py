"""The hub as the bridge sees it: the operator REST client (`waaah.commands.client`), called off the
event loop. Every failure is a `CliError` whose message can be shown to the person who acted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from waaah.bots.messages import JSON, Action
from waaah.commands.client import ApiClient, Connection

T = TypeVar("T")
ROUTES = {Action.ANSWER: ("answer", "answer"), Action.APPROVE: ("approve", None), Action.REJECT: ("reject", "feedback")}
"""Each action's route under /admin/tasks/{id}/ and the body field that carries its text."""


class Hub:
    """Async calls to a running hub, each on a worker thread with its own HTTP client."""

    def __init__(self, conn: Connection) -> None:
        conn.need_key()
        self.conn = conn

    async def call(self, use: Callable[[ApiClient], T]) -> T:
        def run() -> T:
            with ApiClient(self.conn) as api:
                return use(api)

        return await asyncio.to_thread(run)

    async def task(self, task_id: str) -> JSON:
        return await self.call(lambda api: api.task(task_id))

    async def act(self, action: Action, task_id: str, text: str | None) -> None:
        """Answer, approve or reject the task (the text is the answer or the feedback)."""
        route, field = ROUTES[action]
        body: JSON = {field: text} if field else {}
        await self.call(lambda api: api.post(f"/admin/tasks/{task_id}/{route}", body))
