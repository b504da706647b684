"""The bridge between the hub and one chat channel, whatever the platform: a task that needs a person
is posted; its post is edited as the task moves; an action taken on the platform changes the task
over the hub's REST API and the post says who did what."""

from __future__ import annotations

import logging
from typing import Protocol

from waaah.bots.hub import Hub
from waaah.bots.messages import (
    FINISHED,
    JSON,
    WAITING_STATUS,
    Action,
    Kind,
    Post,
    decision_text,
    need_of,
    post_for,
)
from waaah.bots.state import Record, State
from waaah.commands.client import CliError

log = logging.getLogger("waaah.bots")


class PlatformError(Exception):
    """The chat platform refused a post or an edit, or could not be reached."""


class Platform(Protocol):
    """One chat platform's channel: post a message (answering its reference) and edit it."""

    async def start(self) -> None:
        """Log in (and register what the platform needs) before the first post."""

    async def close(self) -> None: ...

    async def post(self, post: Post) -> str: ...

    async def update(self, ref: str, post: Post) -> None: ...


class Bridge:
    def __init__(self, hub: Hub, platform: Platform, state: State, dashboard_url: str) -> None:
        self.hub = hub
        self.platform = platform
        self.state = state
        self.dashboard_url = dashboard_url

    async def on_event(self, seq: int, payload: JSON) -> None:
        """A `task:{id}:updated` event: post what newly needs a person, edit the post of a task that moved."""
        task_id = payload.get("id")
        if isinstance(task_id, str) and "status" in payload:
            try:
                await self.task_moved(task_id, payload)
            except CliError as exc:
                log.warning("event %s: the hub refused: %s", seq, exc.message)
            except PlatformError as exc:
                log.warning("event %s: the chat platform refused: %s", seq, exc)
        self.state.handled(seq)

    async def task_moved(self, task_id: str, payload: JSON) -> None:
        record = self.state.posts.get(task_id)
        if record is None and payload["status"] not in WAITING_STATUS.values():
            return
        task = await self.hub.task(task_id)
        if record is not None:
            record = await self.refresh(task, record)
        kind = need_of(task) if task["status"] == payload["status"] else None
        still_open = record is not None and record.kind is kind and record.shown is not None \
            and record.shown.outcome is None
        if kind is not None and not still_open:
            await self.post_new(task, kind)

    async def post_new(self, task: JSON, kind: Kind) -> None:
        post = post_for(task, kind, self.dashboard_url)
        ref = await self.platform.post(post)
        self.state.remember(str(task["id"]), Record(ref, kind, shown=post))

    async def refresh(self, task: JSON, record: Record) -> Record | None:
        """Edit the post to show the task as it is now (nothing is sent when nothing changed); a post
        about a finished task is final and forgotten (None)."""
        post = post_for(task, record.kind, self.dashboard_url, record.decision)
        if post != record.shown:
            await self.platform.update(record.ref, post)
            record.shown = post
        if task["status"] in FINISHED:
            self.state.forget(str(task["id"]))
            return None
        return record

    async def act(self, action: Action, task_id: str, by: str, text: str | None = None) -> None:
        """Answer, approve or reject over the hub's API; the post then says who did it. A refusal raises
        the hub's `CliError` (nothing changed), after the post was brought up to date."""
        record = self.state.posts.get(task_id)
        try:
            await self.hub.act(action, task_id, text)
        except CliError:
            if record is not None:
                await self.refresh(await self.hub.task(task_id), record)
            raise
        if record is not None:
            record.decision = decision_text(action, by, text)
            self.state.save()
            await self.refresh(await self.hub.task(task_id), record)
