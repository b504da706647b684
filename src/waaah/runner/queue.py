"""A runner's merge queue: approved tasks land one at a time per (repository, base branch), the one
approved first going first among those waiting. Runners on the same checkout do not share this
queue; the compare-and-swap that moves the base (see merge.py) keeps them from overwriting each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Key = tuple[str, str]
"""(the repository's git folder, the base branch)."""


@dataclass(frozen=True, order=True)
class Ticket:
    approved_at: int
    """When the task was approved (ms); a task without a time goes after those with one."""
    task_id: str


def ticket(task_id: str, approved_at: object) -> Ticket:
    return Ticket(approved_at if isinstance(approved_at, int) else 2**63, task_id)


def next_in_line(waiting: Iterable[Ticket]) -> Ticket | None:
    """Who merges next: the earliest approval, then the smaller task id."""
    return min(waiting, default=None)


@dataclass
class Lane:
    holder: Ticket | None = None
    waiting: set[Ticket] = field(default_factory=set)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def free_for(self, mine: Ticket) -> bool:
        return self.holder is None and next_in_line(self.waiting) == mine


class MergeQueue:
    def __init__(self) -> None:
        self._lanes: dict[Key, Lane] = {}

    def ahead(self, key: Key, mine: Ticket) -> list[str]:
        """The tasks that merge before `mine` (the one merging now first)."""
        lane = self._lanes.get(key, Lane())
        earlier = sorted(t for t in lane.waiting if t < mine and t != lane.holder)
        return [t.task_id for t in ([lane.holder] if lane.holder else []) + earlier]

    @asynccontextmanager
    async def turn(self, key: Key, mine: Ticket) -> AsyncIterator[None]:
        """Wait until it is `mine`'s turn on `key`'s lane; hold the lane inside the block."""
        lane = self._lanes.setdefault(key, Lane())
        async with lane.changed:
            lane.waiting.add(mine)
            try:
                await lane.changed.wait_for(lambda: lane.free_for(mine))
            except BaseException:
                lane.waiting.discard(mine)
                lane.changed.notify_all()
                raise
            lane.waiting.discard(mine)
            lane.holder = mine
        try:
            yield
        finally:
            async with lane.changed:
                lane.holder = None
                lane.changed.notify_all()
