"""The reference's sync:full (a client without patterns: every task whole) over a board bigger than one
page of its read, as the store and the service page it."""

from __future__ import annotations

import httpx

from tests.conftest import API_KEY
from tests.integration.socket_support import auth, connector
from waaah.service import NewTask
from waaah.service.queries import SYNC_PAGE


async def test_a_client_without_patterns_gets_every_active_task_whole_past_one_page(live) -> None:
    hub = live.runtime.hub
    first = await hub.tasks.create(NewTask(prompt="the task the others wait for"))
    blocked = [await hub.tasks.create(NewTask(prompt=f"after the first {i}", dependencies=(first.id,)))
               for i in range(20)]
    queued = [await hub.tasks.create(NewTask(prompt=f"queued {i}", context={"n": i}, priority="high"))
              for i in range(SYNC_PAGE + 10)]
    talked = queued[::50] + blocked[::10]
    for task in talked:
        await hub.tasks.comment(task.id, f"a word on {task.id}", None, None)
    done = await hub.tasks.cancel((await hub.tasks.create(NewTask(prompt="finished"))).id)
    async with connector("python")(live.url, auth()) as client:
        await client.expect("connect")
        snapshot = await client.expect("sync:full")
    assert snapshot["seq"] == hub.bus.last_seq
    tasks = {task["id"]: task for task in snapshot["tasks"]}
    active = [first, *blocked, *queued]
    assert len(queued) > SYNC_PAGE  # more than one page of the status read
    newest_first = sorted(active, key=lambda t: (t.created_at, t.id), reverse=True)
    assert list(tasks) == [t.id for t in newest_first] + [done.id]
    async with httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as api:
        for task_id in [first.id, blocked[-1].id, queued[0].id, *(t.id for t in talked)]:
            assert tasks[task_id] == (await api.get(f"/admin/tasks/{task_id}")).json()
    assert all(task["history"] for task in tasks.values())
    assert {t.id: [m["content"] for m in tasks[t.id]["messages"]] for t in talked} == \
        {t.id: [f"a word on {t.id}"] for t in talked}
    assert {task["status"] for task in tasks.values()} == {"QUEUED", "BLOCKED", "CANCELLED"}
