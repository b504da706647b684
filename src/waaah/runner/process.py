"""One CLI run: the child in its own process group, its stdout read line by line, and the limits —
no output for `stall` seconds, more than `max_runtime` seconds, or a stop asked from outside — each
ending it by killing the whole group."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KILL_GRACE = 3.0
LINE_LIMIT = 1 << 20


@dataclass(frozen=True)
class Limits:
    stall: float
    max_runtime: float


@dataclass
class Run:
    """A running CLI; `stop(reason)` ends it from outside (blocked, cancelled, shutting down)."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    limits: Limits
    on_line: Callable[[str], None]
    on_start: Callable[[int], None] = lambda pid: None
    stopped: str | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason
        self._stop.set()


@dataclass(frozen=True)
class Outcome:
    code: int | None
    reason: str | None
    """None (it exited by itself), `stalled`, `timeout`, or the reason given to `Run.stop`."""
    stderr: str


async def execute(run: Run) -> Outcome:
    """Run to the end; raises FileNotFoundError/PermissionError when the CLI cannot be started."""
    process = await asyncio.create_subprocess_exec(
        *run.argv, cwd=run.cwd, env=run.env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True,
        limit=LINE_LIMIT)
    stderr = asyncio.create_task(_tail(process.stderr))
    run.on_start(process.pid)
    try:
        reason = await _watch(process, run)
    finally:
        await kill_group(process)
    return Outcome(process.returncode, reason or run.stopped, await stderr)


async def _watch(process: asyncio.subprocess.Process, run: Run) -> str | None:
    assert process.stdout is not None
    started = last = time.monotonic()
    stopper = asyncio.create_task(run._stop.wait())
    reader: asyncio.Task[bytes] | None = None
    try:
        while True:
            reader = reader or asyncio.create_task(process.stdout.readline())
            now = time.monotonic()
            wait = min(run.limits.stall - (now - last), run.limits.max_runtime - (now - started))
            done, _ = await asyncio.wait({reader, stopper}, timeout=max(wait, 0),
                                         return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                return run.stopped
            if reader in done:
                line = reader.result()
                reader = None
                if not line:
                    await process.wait()
                    return None
                last = time.monotonic()
                run.on_line(line.decode(errors="replace"))
                continue
            now = time.monotonic()
            return "timeout" if now - started >= run.limits.max_runtime else "stalled"
    finally:
        stopper.cancel()
        if reader is not None:
            reader.cancel()


async def kill_group(process: asyncio.subprocess.Process) -> None:
    """SIGTERM to the child's process group, SIGKILL after a grace period; reaps the child."""
    for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, KILL_GRACE)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        if process.returncode is not None and not _group_alive(process.pid):
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
        if not _group_alive(process.pid):
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


async def _tail(stream: asyncio.StreamReader | None, keep: int = 4000) -> str:
    if stream is None:
        return ""
    data = await stream.read()
    return data.decode(errors="replace")[-keep:]
