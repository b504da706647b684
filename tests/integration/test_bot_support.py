"""What the chat-bridge tests share (no tests here): a recording stand-in of a platform's HTTP API on
127.0.0.1, a real hub on a random port, the bridge running in this process, and an agent's moves."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from tests.conftest import API_KEY, make_settings
from tests.live import LiveServer, serve_in_process
from waaah.bots.bridge import Platform
from waaah.bots.run import AppFactory, Running, run_bridge
from waaah.bots.settings import load_bot_settings
from waaah.commands.client import Connection
from waaah.domain.lifecycle import Status
from waaah.service import NewTask
from waaah.store import migrate

WAIT = 30.0
"""Bounded waits: generous for a loaded machine."""
DIFF = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n"
AGENT = "agent-1"


@dataclass
class Call:
    method: str
    path: str
    body: Any
    answer: Any = None
    """What the stand-in answered."""


@dataclass
class StandIn:
    """A platform's HTTP API as the bridge calls it: every request recorded, answered by `answer`."""

    answer: Callable[[Call], Any]
    calls: list[Call] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = {k: v for k, v in (await request.post()).items()} if raw else None
        call = Call(request.method, request.path, body)
        call.answer = self.answer(call)
        async with self.changed:
            self.calls.append(call)
            self.changed.notify_all()
        # exactly `application/json`, as the platforms send it (discord.py reads nothing else as JSON)
        return web.Response(body=json.dumps(call.answer).encode(), headers={"Content-Type": "application/json"})

    def named(self, path_end: str) -> list[Call]:
        return [c for c in self.calls if c.path.endswith(path_end)]

    async def wait_for(self, done: Callable[[StandIn], bool], timeout: float = WAIT) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: done(self)), timeout)


@contextlib.asynccontextmanager
async def standing_in(answer: Callable[[Call], Any]) -> AsyncIterator[StandIn]:
    stand_in = StandIn(answer)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stand_in.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stand_in.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield stand_in
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def hub_running(tmp_path: Path) -> AsyncIterator[LiveServer]:
    """A real hub on a random port, on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path}/waaah.db"
    migrate(url)
    async with serve_in_process(make_settings(url)) as server:
        yield server


def bridge_env(hub: LiveServer, tmp_path: Path, **env: str) -> dict[str, str]:
    return {"WAAAH_API_KEY": API_KEY, "WAAAH_SERVER_URL": hub.url, "WAAAH_BOT_STATE": str(tmp_path / "bot.json"),
            "WAAAH_DASHBOARD_URL": "https://hub.example", **env}


@contextlib.asynccontextmanager
async def bridge_running(platform_name: str, env: dict[str, str],
                         make: Callable[[Any], tuple[Platform, AppFactory]]) -> AsyncIterator[Running]:
    """`waaah bot <platform>` in this process, on a free port, until the block ends."""
    settings = load_bot_settings(platform_name, env, Connection(env["WAAAH_SERVER_URL"], API_KEY, "test"),
                                 "127.0.0.1:0")
    platform, app = make(settings)
    stop, started = asyncio.Event(), asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_bridge(settings, platform, app, stop, started.set_result))
    try:
        running: Running = await asyncio.wait_for(asyncio.shield(started), WAIT)
        await asyncio.wait_for(running.follower.ready.wait(), WAIT)
        yield running
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


async def task(hub: LiveServer, task_id: str) -> dict[str, Any]:
    """The task as the hub's REST API shows it."""
    async with httpx.AsyncClient(base_url=hub.url, headers={"X-API-Key": API_KEY}) as http:
        return (await http.get(f"/admin/tasks/{task_id}")).json()  # type: ignore[no-any-return]


async def blocked_on_question(hub: LiveServer, question: str) -> str:
    """A task its agent took and then blocked on `question`."""
    work = await taken(hub, "what database?")
    await hub.runtime.hub.work.block(work, AGENT, "clarification", question, "summary", None, None)
    return work


async def in_review(hub: LiveServer, summary: str) -> str:
    work = await taken(hub, "change a to 2")
    await hub.runtime.hub.work.respond(work, AGENT, Status.IN_REVIEW, summary, diff=DIFF)
    return work


async def taken(hub: LiveServer, prompt: str) -> str:
    service = hub.runtime.hub
    await service.agents.register(AGENT, ("code-writing",), {"type": "local", "repoId": "r"})
    task = await service.tasks.create(NewTask(prompt=prompt, capabilities=("code-writing",)))
    await service.work.reserve(task.id, AGENT)
    await service.work.ack(task.id, AGENT)
    return task.id


async def finish(hub: LiveServer, task_id: str) -> None:
    """The agent takes the approved task again, merges it and completes it."""
    work = hub.runtime.hub.work
    await work.reserve(task_id, AGENT)
    await work.ack(task_id, AGENT)
    await work.respond(task_id, AGENT, Status.COMPLETED, "merged")
