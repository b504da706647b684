"""Keep a client waiting on a long call informed: a progress ping at a steady interval until it ends."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
PROGRESS_EVERY = 15.0


async def keep_alive(work: Coroutine[Any, Any, T], ping: Callable[[float], Awaitable[None]],
                     every: float = PROGRESS_EVERY) -> T:
    """Await `work`, calling `ping(seconds elapsed)` every `every` seconds while it runs.

    Cancelling the caller cancels `work` and waits for its cleanup."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            await ping(loop.time() - started)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
