"""Who is waiting for work, in the order the scheduler offers tasks: longest-waiting first."""

from __future__ import annotations

from waaah.domain.agents import Agent
from waaah.waiters import Waiters


def agent(agent_id: str) -> Agent:
    return Agent(agent_id, agent_id, 0, 0)


def idle_ids(waiters: Waiters) -> list[str]:
    return [a.id for a in waiters.idle_agents()]


async def test_idle_agents_are_listed_longest_waiting_first() -> None:
    waiters = Waiters()
    for agent_id in ("a", "b", "c"):
        waiters.add(agent(agent_id))
    assert idle_ids(waiters) == ["a", "b", "c"]


async def test_polling_again_puts_an_agent_behind_those_already_waiting() -> None:
    waiters = Waiters()
    first = waiters.add(agent("a"))
    waiters.add(agent("b"))
    waiters.add(agent("a"))
    assert first.future.result() is None  # the older poll is told to look again
    assert idle_ids(waiters) == ["b", "a"]


async def test_a_nudged_waiter_that_resets_keeps_its_place() -> None:
    waiters = Waiters()
    nudged = waiters.add(agent("a"))
    waiters.add(agent("b"))
    waiters.nudge("a")
    assert idle_ids(waiters) == ["b"]
    nudged.reset()
    assert idle_ids(waiters) == ["a", "b"]


async def test_an_agent_handed_a_task_is_no_longer_idle() -> None:
    waiters = Waiters()
    waiters.add(agent("a"))
    waiters.add(agent("b"))
    assert waiters.deliver("a", object()) is True  # type: ignore[arg-type]
    assert waiters.deliver("a", object()) is False  # type: ignore[arg-type]
    assert idle_ids(waiters) == ["b"]
