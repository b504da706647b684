"""Every mutating service operation, and the exact events it appends. A new write path without an
entry here fails `test_every_mutating_operation_is_covered`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.conftest import Recorder
from waaah.domain.lifecycle import Actor, Status
from waaah.service import Hub, NewTask
from waaah.service.agents import AgentOps
from waaah.service.checks import CheckOps, NewCheck
from waaah.service.hooks import HookOps, NewHook
from waaah.service.tasks import TaskOps
from waaah.service.transcripts import NewEntry, TranscriptOps
from waaah.service.work import WorkOps
from waaah.store import TaskQuery

DIFF = "diff --git a/app.py b/app.py\n+print('hello')\n"
Op = Callable[[Hub, dict[str, Any]], Awaitable[Any]]


async def agent(hub: Hub, name: str = "a1") -> None:
    await hub.agents.register(name, ("code-writing",), {"type": "local", "repoId": "repo"})


async def queued(hub: Hub, **kw: Any) -> str:
    return (await hub.tasks.create(NewTask(prompt="Implement it", capabilities=("code-writing",), **kw))).id


async def held(hub: Hub) -> str:
    await agent(hub)
    task_id = await queued(hub)
    await hub.work.reserve(task_id, "a1")
    await hub.work.ack(task_id, "a1")
    return task_id


async def in_review(hub: Hub) -> str:
    task_id = await held(hub)
    await hub.work.respond(task_id, "a1", Status.IN_REVIEW, "please review", diff=DIFF)
    return task_id


async def blocked(hub: Hub) -> str:
    task_id = await held(hub)
    await hub.work.block(task_id, "a1", "clarification", "Which DB?", "half done", None, None)
    return task_id


async def with_comment(hub: Hub) -> tuple[str, str]:
    task_id = await queued(hub)
    return task_id, (await hub.tasks.add_review_comment(task_id, "a.py", "rename", 3, None)).id


# name: (setup → context, operation, expected event names)
SCENARIOS: dict[str, tuple[Op, Op, list[str]]] = {
    "tasks.create": (lambda h, c: _none(), lambda h, c: queued(h), ["task:created"]),
    "tasks.edit": (lambda h, c: _set(c, t=queued(h)),
                   lambda h, c: h.tasks.edit(c["t"], {"priority": "high"}), ["task:updated"]),
    "tasks.cancel": (lambda h, c: _set(c, t=queued(h)), lambda h, c: h.tasks.cancel(c["t"]), ["task:updated"]),
    "tasks.delete": (lambda h, c: _set(c, t=queued(h)), lambda h, c: h.tasks.delete(c["t"]),
                     ["task:updated", "task:deleted"]),
    "tasks.retry": (lambda h, c: _set(c, t=held(h)), lambda h, c: h.tasks.retry(c["t"]),
                    ["task:updated", "agent:status"]),
    "tasks.approve": (lambda h, c: _set(c, t=in_review(h)), lambda h, c: h.tasks.approve(c["t"]),
                      ["task:updated"]),
    "tasks.reject": (lambda h, c: _set(c, t=in_review(h)), lambda h, c: h.tasks.reject(c["t"], "no tests"),
                     ["task:updated", "task:updated"]),
    "tasks.answer": (lambda h, c: _set(c, t=blocked(h)),
                     lambda h, c: h.tasks.answer(c["t"], "Postgres", Actor.ADMIN), ["task:updated"]),
    "tasks.comment": (lambda h, c: _set(c, t=queued(h)),
                      lambda h, c: h.tasks.comment(c["t"], "note", None, None), ["task:updated"]),
    "tasks.add_review_comment": (lambda h, c: _set(c, t=queued(h)),
                                 lambda h, c: h.tasks.add_review_comment(c["t"], "a.py", "x", 1, None),
                                 ["task:updated"]),
    "tasks.resolve_review_comment": (lambda h, c: _set(c, tc=with_comment(h)),
                                     lambda h, c: h.tasks.resolve_review_comment(*c["tc"], "done"),
                                     ["task:updated"]),
    "work.reserve": (lambda h, c: _set(c, t=_agent_then(h, queued(h))),
                     lambda h, c: h.work.reserve(c["t"], "a1"), ["task:updated", "agent:status"]),
    "work.expire": (lambda h, c: _set(c, t=held(h)), lambda h, c: h.work.expire(c["t"], "lost"),
                    ["task:updated", "agent:status"]),
    "work.ack": (lambda h, c: _set(c, t=_reserved(h)), lambda h, c: h.work.ack(c["t"], "a1"),
                 ["task:updated"]),
    "work.progress": (lambda h, c: _set(c, t=held(h)),
                      lambda h, c: h.work.progress(c["t"], "a1", "halfway", "build", 50), ["task:updated"]),
    "work.respond": (lambda h, c: _set(c, t=held(h)),
                     lambda h, c: h.work.respond(c["t"], "a1", Status.IN_REVIEW, "done", diff=DIFF),
                     ["task:updated", "agent:status"]),
    "work.block": (lambda h, c: _set(c, t=held(h)),
                   lambda h, c: h.work.block(c["t"], "a1", "decision", "A or B?", "s", None, None),
                   ["task:updated", "agent:status"]),
    "transcripts.append": (lambda h, c: _set(c, t=held(h)),
                           lambda h, c: h.transcripts.append(c["t"], "a1", [NewEntry("message", "hi")]),
                           ["task:transcript"]),
    "checks.add": (lambda h, c: _set(c, t=held(h)),
                   lambda h, c: h.checks.add(c["t"], NewCheck("pre-review", "make test", 0, 5, "ok", "a" * 40, "a1")),
                   ["task:updated"]),
    "agents.register": (lambda h, c: _none(), lambda h, c: agent(h), ["agent:status"]),
    "agents.heartbeat": (lambda h, c: agent(h), lambda h, c: _beat_later(h), ["agent:status"]),
    "agents.update": (lambda h, c: agent(h), lambda h, c: h.agents.update("a1", "Ada", None), ["agent:status"]),
    "agents.evict": (lambda h, c: agent(h), lambda h, c: h.agents.evict("a1", "restart please"),
                     ["agent:status"]),
    "agents.take_eviction": (lambda h, c: _then(agent(h), h.agents.evict("a1", "bye")),
                             lambda h, c: h.agents.take_eviction("a1"), ["agent:status"]),
    "agents.broadcast": (lambda h, c: agent(h),
                         lambda h, c: h.agents.broadcast(["a1"], "SYSTEM_MESSAGE", "hi", None, "normal"),
                         ["agent:status"]),
    "agents.take_system_prompt": (
        lambda h, c: _then(agent(h), h.agents.broadcast(["a1"], "SYSTEM_MESSAGE", "hi", None, "normal")),
        lambda h, c: h.agents.take_system_prompt("a1"), ["agent:status"]),
    "agents.mark_offline": (lambda h, c: _set(c, t=held(h)), lambda h, c: _offline(h),
                            ["task:updated", "agent:status"]),
    "tasks.clear": (lambda h, c: _then(queued(h), _then(queued(h), _done(h))), lambda h, c: h.tasks.clear(),
                    ["task:updated", "task:deleted", "task:updated", "task:deleted", "task:deleted"]),
    "agents.sign_off": (lambda h, c: _set(c, t=held(h)), lambda h, c: h.agents.sign_off("a1"),
                        ["task:updated", "agent:status", "agent:status"]),
    "hooks.create": (lambda h, c: _none(), lambda h, c: a_hook(h), ["hook:status"]),
    "hooks.remove": (lambda h, c: _set(c, k=a_hook(h)), lambda h, c: h.hooks.remove(c["k"]), ["hook:deleted"]),
    "hooks.resume": (lambda h, c: _set(c, k=a_hook(h)), lambda h, c: h.hooks.resume(c["k"]), ["hook:status"]),
    # the delivery worker's bookkeeping appends nothing (an event per delivery would feed the hook itself)
    "hooks.lease": (lambda h, c: _set(c, k=a_hook(h)), lambda h, c: h.hooks.lease(c["k"], "w1"), []),
    "hooks.advance": (lambda h, c: _set(c, k=a_leased_hook(h)),
                      lambda h, c: h.hooks.advance(c["k"], "w1", 1, delivered=True), []),
    "hooks.failed": (lambda h, c: _set(c, k=a_leased_hook(h)), lambda h, c: h.hooks.failed(c["k"], "w1", "HTTP 503"),
                     []),
    "hooks.release": (lambda h, c: _set(c, k=a_leased_hook(h)), lambda h, c: h.hooks.release(c["k"], "w1"), []),
}


async def _none() -> None:
    return None


async def _set(context: dict[str, Any], **values: Awaitable[Any]) -> None:
    for key, value in values.items():
        context[key] = await value


async def _then(first: Awaitable[Any], second: Awaitable[Any]) -> None:
    await first
    await second


async def _agent_then(hub: Hub, task: Awaitable[str]) -> str:
    await agent(hub)
    return await task


async def _reserved(hub: Hub) -> str:
    task_id = await _agent_then(hub, queued(hub))
    await hub.work.reserve(task_id, "a1")
    return task_id


async def _done(hub: Hub) -> None:
    """A task that is already finished (cancelled): clearing only deletes it."""
    await hub.tasks.cancel(await queued(hub))


async def a_hook(hub: Hub) -> str:
    return (await hub.hooks.create(NewHook("http://127.0.0.1:9/hook", ["task:*:*"]))).id


async def a_leased_hook(hub: Hub) -> str:
    hook_id = await a_hook(hub)
    assert await hub.hooks.lease(hook_id, "w1") is not None
    return hook_id


async def _beat_later(hub: Hub) -> None:
    real = hub.core.clock
    hub.core.clock = lambda: real() + 60_000
    await hub.agents.heartbeat("a1")


async def _offline(hub: Hub) -> None:
    real = hub.core.clock
    hub.core.clock = lambda: real() + int(hub.settings.agent_offline_after * 1000) + 1000
    await hub.agents.mark_offline("a1")


def mutating_operations() -> set[str]:
    found = set()
    for prefix, cls in (("tasks", TaskOps), ("work", WorkOps), ("agents", AgentOps), ("transcripts", TranscriptOps),
                        ("checks", CheckOps), ("hooks", HookOps)):
        for name, _ in inspect.getmembers(cls, inspect.iscoroutinefunction):
            if not name.startswith("_"):
                found.add(f"{prefix}.{name}")
    return found


def test_every_mutating_operation_is_covered() -> None:
    assert mutating_operations() == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_each_operation_appends_exactly_its_events(name: str, hub: Hub, recorder: Recorder) -> None:
    setup, operation, expected = SCENARIOS[name]
    context: dict[str, Any] = {}
    await setup(hub, context)
    before = hub.bus.last_seq
    recorder.take()
    await operation(hub, context)
    events = recorder.take()
    assert [e.name for e in events] == expected
    assert [e.seq for e in events] == list(range(before + 1, before + 1 + len(expected)))
    async with hub.store.read() as tx:
        stored = await tx.events_after(before, 100)
    assert [(e.seq, e.name, e.payload) for e in stored] == [(e.seq, e.name, e.payload) for e in events]


async def test_a_retry_keeps_the_diff_and_sends_cleared_fields_as_null(hub: Hub, recorder: Recorder) -> None:
    task_id = await held(hub)
    await hub.work.respond(task_id, "a1", Status.FAILED, "tests fail", diff=DIFF)
    recorder.take()
    retried = await hub.tasks.retry(task_id)
    assert retried.response == {"diff": DIFF}
    updated = recorder.take()[0].payload
    assert updated["assignedTo"] is None and updated["completedAt"] is None
    assert updated["response"] == {"diff": DIFF} and updated["status"] == "QUEUED"


async def test_an_error_appends_nothing(hub: Hub, recorder: Recorder) -> None:
    task_id = await queued(hub)
    before = hub.bus.last_seq
    recorder.take()
    with pytest.raises(Exception, match="QUEUED"):
        await hub.tasks.approve(task_id)
    with pytest.raises(Exception, match="not found"):
        await hub.work.ack("task-0-nope", "a1")
    assert recorder.take() == []
    async with hub.store.read() as tx:
        assert await tx.last_seq() == before



async def test_writes_within_one_millisecond_keep_their_order(hub: Hub) -> None:
    """Lists sort by time: tasks created back to back in the same millisecond still list newest first."""
    hub.core.clock = lambda: 1_000  # a clock that does not move
    ids = [await queued(hub) for _ in range(3)]
    async with hub.store.read() as tx:
        listed, _ = await tx.find_tasks(TaskQuery(limit=10))
    assert [(t.id, t.created_at) for t in listed] == list(zip(ids[::-1], [1_002, 1_001, 1_000], strict=True))


async def test_a_hook_failing_its_last_allowed_delivery_pauses_with_one_event(hub: Hub, recorder: Recorder) -> None:
    hook_id = await a_leased_hook(hub)
    for _ in range(hub.settings.hook_max_failures - 1):
        assert (await hub.hooks.failed(hook_id, "w1", "HTTP 503")) is not None
        async with hub.store.write() as tx:  # let the test lease it again at once (no backoff)
            await tx.update_hook(hook_id, {"next_attempt_at": 0})
        assert await hub.hooks.lease(hook_id, "w1") is not None
    recorder.take()
    paused = await hub.hooks.failed(hook_id, "w1", "HTTP 503")
    assert paused is not None and paused.paused
    assert [(e.name, e.payload["paused"]) for e in recorder.take()] == [("hook:status", True)]
