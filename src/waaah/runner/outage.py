"""Riding out a hub that went away (a restart, an upgrade, `kill -9`): which failures are tried again,
how long to wait between tries, and one line when the hub goes and one when it is back.

Only HubUnreachable is tried again, and only once the hub has answered this runner at least once (a
hub that is down at start is an error). Any answer, an error answer too (401, 500, a refused move),
ends the outage and is raised as it is.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from waaah.commands.agent_link import HubUnreachable
from waaah.commands.client import CliError

T = TypeVar("T")
FIRST_DELAY = 0.25
MAX_DELAY = 4.0


def delay(failures: int, rng: Callable[[], float] = random.random) -> float:
    """The wait after `failures` failed tries in a row: 0.25 s doubling up to 4 s, jittered to between
    half and all of that so the slots of many runners do not knock at the same instant."""
    step: float = min(FIRST_DELAY * 2.0 ** min(failures, 8), MAX_DELAY)
    return step * (0.5 + rng() / 2)


class Outage:
    """What the runner knows of the hub's reachability; every slot shares it."""

    def __init__(self, url: str, say: Callable[[str], None] | None = None,
                 pause: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.url = url
        self.reached = False
        """Whether the hub has answered this runner once."""
        self.count = 0
        """Outages seen so far (a slot registers again after each)."""
        self.reason: str | None = None
        """Why the hub is unreachable now; None while it answers."""
        self._say = say or (lambda text: print(text, flush=True))
        self._pause = pause

    def lost(self, reason: str) -> None:
        if self.reason is None:
            self.count += 1
            self._say(f"waaah agent run: hub unreachable at {self.url} ({reason}), retrying")
        self.reason = reason

    def answered(self) -> None:
        if self.reason is not None:
            self._say(f"waaah agent run: hub back at {self.url}")
        self.reason = None
        self.reached = True

    def retries(self, exc: HubUnreachable) -> bool:
        """Whether a call that failed with `exc` is tried again (and the outage noted)."""
        if not self.reached:
            return False
        self.lost(exc.reason)
        return True

    async def ride(self, attempt: Callable[[], Awaitable[T]], retry: bool = True) -> T:
        """`attempt()` until the hub answers (with `retry`; else once); its result or its error."""
        failures = 0
        while True:
            try:
                result = await attempt()
            except HubUnreachable as exc:
                if not retry or not self.retries(exc):
                    raise
                await self._pause(delay(failures))
                failures += 1
                continue
            except CliError:
                self.answered()
                raise
            self.answered()
            return result
