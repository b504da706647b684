"""A wake-up signal for a loop that also runs on a timer.

`asyncio.wait_for(event.wait(), timeout)` resumes its waiter three event-loop iterations after
`event.set()` (the inner task, then wait_for's callback, then the waiter). Under load an iteration
runs every request that became ready meanwhile, so those hops cost milliseconds each. A doorbell's
ring resolves the very future its waiter awaits: one iteration.
"""

from __future__ import annotations

import asyncio


def _answer(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Doorbell:
    """Rung to wake the loop now; closed to stop it (`closed` is the loop's condition)."""

    def __init__(self) -> None:
        self._rung = False
        self.closed = False
        self._future: asyncio.Future[None] | None = None

    def close(self) -> None:
        """Stop the loop: wake it, and `closed` is true from now on."""
        self.closed = True
        self.ring()

    def ring(self) -> None:
        """Wake the waiter now, or make its next `wait` return at once."""
        self._rung = True
        if self._future is not None:
            _answer(self._future)

    async def wait(self, timeout: float) -> None:
        """Return when rung (since the last `wait` returned) or after `timeout` seconds."""
        if not self._rung:
            loop = asyncio.get_running_loop()
            self._future = loop.create_future()
            timer = loop.call_later(max(0.0, timeout), _answer, self._future)
            try:
                await self._future
            finally:
                timer.cancel()
                self._future = None
        self._rung = False
