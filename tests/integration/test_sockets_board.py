"""The live board kept by events equals the board read fresh from the store, after real writes."""

from __future__ import annotations

import json

from waaah.domain.lifecycle import Status
from waaah.realtime.board import OBJECTS, ROWS, Board
from waaah.service import Hub, NewTask
from waaah.service.queries import Queries

DIFF = "diff --git a/app.py b/app.py\n+print('hello')\n"


async def fresh(hub: Hub, finished_limit: int) -> Board:
    board = Board(finished_limit)
    board.load(*await Queries(hub.store).snapshot(board.keep))
    return board


async def test_the_board_moved_by_events_matches_a_fresh_read(hub: Hub) -> None:
    live = await fresh(hub, finished_limit=3)
    hub.bus.subscribe(live.apply)
    await hub.agents.register("a1", ("code-writing",), {"type": "local", "repoId": "r"})
    first = await hub.tasks.create(NewTask(prompt="Build\nthe thing", capabilities=("code-writing",)))
    second = await hub.tasks.create(NewTask(prompt="Then this", title="Second", dependencies=(first.id,)))
    await hub.tasks.edit(second.id, {"title": None, "priority": "high"})
    await hub.work.reserve(first.id, "a1")
    await hub.work.ack(first.id, "a1")
    await hub.work.progress(first.id, "a1", "started", None, 10)  # moves it to IN_PROGRESS
    await hub.work.progress(first.id, "a1", "half way", None, 50)
    midway = json.loads(live.sync_full(OBJECTS)[1])
    assert midway == json.loads((await fresh(hub, finished_limit=3)).sync_full(OBJECTS)[1])
    assert [c["progressAt"] for c in midway["tasks"] if "progressAt" in c] == [hub.core._last_write_ms]
    await hub.work.respond(first.id, "a1", Status.IN_REVIEW, "done", diff=DIFF)
    await hub.tasks.reject(first.id, "not yet")
    for i in range(5):
        extra = await hub.tasks.create(NewTask(prompt=f"extra {i}"))
        await hub.tasks.cancel(extra.id)
    await hub.tasks.retry(extra.id)
    gone = await hub.tasks.create(NewTask(prompt="gone"))
    await hub.tasks.delete(gone.id)
    await hub.agents.evict("a1", "bye")

    again = await fresh(hub, finished_limit=3)
    assert live.seq == again.seq == hub.bus.last_seq
    for form in (ROWS, OBJECTS):
        assert json.loads(live.sync_full(form)[1]) == json.loads(again.sync_full(form)[1])
