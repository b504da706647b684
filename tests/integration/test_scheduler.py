"""The scheduler and the long polls, driven with `run_once()` and a controllable clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from waaah.domain.lifecycle import Status
from waaah.longpoll import LongPolls
from waaah.scheduler import Scheduler
from waaah.service import Hub, NewTask
from waaah.service.queries import Queries
from waaah.waiters import Waiters

WAIT = 5.0  # bound on every wait in these tests


@dataclass
class Parts:
    hub: Hub
    scheduler: Scheduler
    polls: LongPolls
    waiters: Waiters
    offset_ms: int = 0

    def advance(self, seconds: float) -> None:
        self.offset_ms += int(seconds * 1000)

    async def task_status(self, task_id: str) -> Status:
        async with self.hub.store.read() as tx:
            task = await tx.get_task(task_id)
        assert task is not None
        return task.status


@pytest.fixture
async def parts(hub: Hub) -> AsyncIterator[Parts]:
    waiters = Waiters()
    scheduler = Scheduler(hub, Queries(hub.store), waiters)
    made = Parts(hub, scheduler, LongPolls(hub, scheduler, waiters), waiters)
    real = hub.core.clock
    hub.core.clock = lambda: real() + made.offset_ms
    loop = asyncio.create_task(scheduler.run())
    yield made
    scheduler.stop()
    await loop


async def register(parts: Parts, agent_id: str, caps: tuple[str, ...] = ("code-writing",)) -> None:
    await parts.hub.agents.register(agent_id, caps, {"type": "local", "repoId": "repo"})


async def create(parts: Parts, prompt: str = "Implement it", **kw: object) -> str:
    kw.setdefault("capabilities", ("code-writing",))
    return (await parts.hub.tasks.create(NewTask(prompt=prompt, **kw))).id  # type: ignore[arg-type]


async def test_a_waiting_agent_gets_a_task_enqueued_after_it_started_waiting(parts: Parts) -> None:
    await register(parts, "a1")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("a1", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("a1"), WAIT)
    task_id = await create(parts)
    offer = await asyncio.wait_for(poll, WAIT)
    assert offer["taskId"] == task_id
    assert await parts.task_status(task_id) is Status.PENDING_ACK


async def test_a_poll_returns_work_that_was_already_queued(parts: Parts) -> None:
    await register(parts, "a1")
    task_id = await create(parts, priority="normal")
    urgent = await create(parts, prompt="Fix prod", priority="critical")
    offer = await parts.polls.wait_for_prompt("a1", timeout=WAIT)
    assert offer["taskId"] == urgent
    second = await parts.polls.wait_for_prompt("a1", timeout=WAIT)
    assert second["taskId"] == urgent  # an unacknowledged reservation is offered again, not lost
    await parts.hub.work.ack(urgent, "a1")
    assert (await parts.polls.wait_for_prompt("a1", timeout=WAIT))["taskId"] == task_id


async def test_an_agent_lacking_a_capability_is_not_given_the_task(parts: Parts) -> None:
    await register(parts, "writer", ("doc-writing",))
    await create(parts)
    offer = await parts.polls.wait_for_prompt("writer", timeout=1)
    assert offer["status"] == "IDLE"


async def test_a_dependant_is_dispatched_only_after_its_dependency_completes(parts: Parts) -> None:
    await register(parts, "a1", ("doc-writing",))
    first = await create(parts, capabilities=("doc-writing",))
    second = await create(parts, capabilities=("doc-writing",), dependencies=(first,))
    assert (await parts.polls.wait_for_prompt("a1", timeout=WAIT))["taskId"] == first
    await parts.hub.work.ack(first, "a1")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("a1", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("a1"), WAIT)
    assert await parts.task_status(second) is Status.BLOCKED
    await parts.hub.work.respond(first, "a1", Status.COMPLETED, "done")
    assert (await asyncio.wait_for(poll, WAIT))["taskId"] == second


async def test_an_unacknowledged_reservation_expires_after_the_ack_timeout(parts: Parts) -> None:
    await register(parts, "a1")
    task_id = await create(parts)
    await parts.polls.wait_for_prompt("a1", timeout=WAIT)
    await parts.scheduler.run_once()
    assert await parts.task_status(task_id) is Status.PENDING_ACK
    parts.advance(parts.hub.settings.ack_timeout + 1)
    report = await parts.scheduler.run_once()
    assert report.expired == [task_id]
    assert await parts.task_status(task_id) is Status.QUEUED


async def test_a_lost_agent_goes_offline_and_its_work_returns_to_the_queue(parts: Parts) -> None:
    await register(parts, "a1")
    task_id = await create(parts)
    await parts.polls.wait_for_prompt("a1", timeout=WAIT)
    await parts.hub.work.ack(task_id, "a1")
    parts.advance(parts.hub.settings.agent_offline_after + 1)
    report = await parts.scheduler.run_once()
    assert report.offline == ["a1"] and report.expired == [task_id]
    assert await parts.task_status(task_id) is Status.QUEUED
    async with parts.hub.store.read() as tx:
        assert (await tx.get_agent("a1")).status.value == "OFFLINE"


async def test_an_eviction_interrupts_a_wait(parts: Parts) -> None:
    await register(parts, "a1")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("a1", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("a1"), WAIT)
    await parts.hub.agents.evict("a1", "new version", "SHUTDOWN")
    assert await asyncio.wait_for(poll, WAIT) == {"controlSignal": "EVICT", "reason": "new version",
                                                  "action": "SHUTDOWN"}


async def test_a_broadcast_system_prompt_is_delivered_through_the_wait(parts: Parts) -> None:
    await register(parts, "a1")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("a1", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("a1"), WAIT)
    await parts.hub.agents.broadcast(["a1"], "WORKFLOW_UPDATE", "use ruff", {"v": 2}, "high")
    signal = await asyncio.wait_for(poll, WAIT)
    assert signal == {"controlSignal": "SYSTEM_PROMPT", "promptType": "WORKFLOW_UPDATE", "message": "use ruff",
                      "priority": "high", "payload": {"v": 2}}


async def test_a_cancelled_poll_gives_its_reserved_task_back(parts: Parts) -> None:
    await register(parts, "a1")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("a1", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("a1"), WAIT)
    poll.cancel()
    with pytest.raises(asyncio.CancelledError):
        await poll
    assert not parts.waiters.is_waiting("a1")
    task_id = await create(parts)
    await parts.scheduler.run_once()
    assert await parts.task_status(task_id) is Status.QUEUED


async def test_wait_for_task_returns_when_the_task_finishes(parts: Parts) -> None:
    await register(parts, "a1", ("doc-writing",))
    task_id = await create(parts, capabilities=("doc-writing",))
    waiting = asyncio.create_task(parts.polls.wait_for_task(task_id, timeout=WAIT))
    await parts.polls.wait_for_prompt("a1", timeout=WAIT)
    await parts.hub.work.ack(task_id, "a1")
    await parts.hub.work.respond(task_id, "a1", Status.COMPLETED, "shipped")
    result = await asyncio.wait_for(waiting, WAIT)
    assert result["completed"] is True and result["response"]["message"] == "shipped"



DIFF = "diff --git a/x b/x\n+++ b/x\n+change\n"


async def approved_by_review(parts: Parts, author: str) -> str:
    """A code task that `author` took, submitted and got approved."""
    task_id = await create(parts, "Implement the feature")
    poll = asyncio.create_task(parts.polls.wait_for_prompt(author, timeout=WAIT))
    assert (await asyncio.wait_for(poll, WAIT))["taskId"] == task_id
    await parts.hub.work.ack(task_id, author)
    await parts.hub.work.respond(task_id, author, Status.IN_REVIEW, "ready", diff=DIFF)
    return task_id


async def test_approved_work_waits_for_its_author_while_another_agent_is_idle(parts: Parts) -> None:
    await register(parts, "author")
    await register(parts, "other")
    task_id = await approved_by_review(parts, "author")
    other = asyncio.create_task(parts.polls.wait_for_prompt("other", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("other"), WAIT)
    await parts.hub.tasks.approve(task_id)
    report = await parts.scheduler.run_once()
    assert report.reserved == [] and await parts.task_status(task_id) is Status.APPROVED_QUEUED
    offer = await asyncio.wait_for(parts.polls.wait_for_prompt("author", timeout=WAIT), WAIT)
    assert (offer["taskId"], offer["status"]) == (task_id, "APPROVED_PENDING_ACK")
    await parts.hub.work.ack(task_id, "author")
    done = await parts.hub.work.respond(task_id, "author", Status.COMPLETED, "merged")
    assert (done.status, done.assigned_to) == (Status.COMPLETED, "author")
    assert not other.done()
    other.cancel()


async def test_approved_work_goes_to_another_agent_when_its_author_signed_off(parts: Parts) -> None:
    await register(parts, "author")
    await register(parts, "other")
    task_id = await approved_by_review(parts, "author")
    await parts.hub.agents.sign_off("author")
    other = asyncio.create_task(parts.polls.wait_for_prompt("other", timeout=WAIT))
    await parts.hub.tasks.approve(task_id)
    offer = await asyncio.wait_for(other, WAIT)
    assert (offer["taskId"], offer["status"]) == (task_id, "APPROVED_PENDING_ACK")


async def test_eligibility_says_approved_work_waits_for_its_author(parts: Parts) -> None:
    await register(parts, "author")
    await register(parts, "other")
    task_id = await approved_by_review(parts, "author")
    await parts.hub.tasks.approve(task_id)
    answer = await Queries(parts.hub.store).eligibility(task_id, set())
    other = next(v for v in answer["agents"] if v["agentId"] == "other")
    assert other == {"agentId": "other", "eligible": False, "waiting": False,
                     "reason": "approved work goes back to its author author"}


async def test_a_poll_whose_client_left_does_not_bring_a_signed_off_agent_back(parts: Parts) -> None:
    """A runner stopping signs its agents off while their polls are still open; the polls end when
    the server sees the clients gone, and must not count as contact."""
    await register(parts, "leaving")
    poll = asyncio.create_task(parts.polls.wait_for_prompt("leaving", timeout=WAIT))
    await asyncio.wait_for(parts.waiters.until_waiting("leaving"), WAIT)
    await parts.hub.agents.sign_off("leaving")
    poll.cancel()
    with pytest.raises(asyncio.CancelledError):
        await poll
    [agent] = [a for a in await Queries(parts.hub.store).agents() if a["id"] == "leaving"]
    assert agent["status"] == "OFFLINE"
