"""Verify commands: each runs with `bash -c` in a checkout (its own process group, a time limit, the
environment a CLI gets), the tail of its output is kept, and the result is recorded on the hub as a
check (`POST /admin/tasks/{id}/checks`). The runner decides pass or fail itself, from the exit code."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waaah.commands.client import CliError
from waaah.runner.process import kill_group

JSON = dict[str, Any]
OUTPUT_LIMIT = 16_000
"""The most output a check keeps (its tail), as the hub stores it."""
CUT_NOTE = "[… earlier output cut]\n"
TIMEOUT_CODE = 124
"""The exit code a check gets when it is killed for running past --verify-timeout (as timeout(1))."""
CHUNK = 1 << 16
log = logging.getLogger("waaah.runner")


@dataclass(frozen=True)
class Check:
    command: str
    exit_code: int
    duration_ms: int
    output: str
    commit: str
    ran_at: int

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def body(self, agent_id: str, stage: str) -> JSON:
        """The check as the hub records it."""
        return {"agentId": agent_id, "stage": stage, "command": self.command, "exitCode": self.exit_code,
                "durationMs": self.duration_ms, "output": self.output, "commit": self.commit,
                "ranAt": self.ran_at}


def tail(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """The end of `text`, at most `limit` characters, saying so when the start was cut."""
    if len(text) <= limit:
        return text
    return CUT_NOTE + text[-(limit - len(CUT_NOTE)):]


def verify_commands(task: JSON) -> list[str]:
    """The task's verify commands (blank entries and anything but text are ignored)."""
    found = task.get("verify") or []
    return [c for c in found if isinstance(c, str) and c.strip()] if isinstance(found, list) else []


async def run_check(command: str, cwd: Path, env: Mapping[str, str], timeout: float, commit: str) -> Check:
    """`bash -c COMMAND` in `cwd`, stdout and stderr together; killed (with its group) after `timeout` s."""
    ran_at, started = time.time_ns() // 1_000_000, time.monotonic()
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", command, cwd=cwd, env=dict(env), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    kept = bytearray()
    try:
        await asyncio.wait_for(_drain(process, kept), timeout)
        code = process.returncode if process.returncode is not None else 1
        note = ""
    except TimeoutError:
        code, note = TIMEOUT_CODE, f"\n[killed: still running after {timeout:g} s (--verify-timeout)]\n"
    finally:
        await kill_group(process)  # whatever it left running in the background goes too
    output = tail(kept.decode(errors="replace") + note)
    return Check(command, code, int((time.monotonic() - started) * 1000), output, commit, ran_at)


async def _drain(process: asyncio.subprocess.Process, kept: bytearray) -> None:
    assert process.stdout is not None
    while chunk := await process.stdout.read(CHUNK):
        kept.extend(chunk)
        del kept[:-OUTPUT_LIMIT * 4]  # enough bytes for the characters kept
    await process.wait()


class Verifier:
    """Runs a task's verify commands for one agent and records each on the hub."""

    def __init__(self, post: Callable[[str, JSON], Awaitable[object]], task_id: str, agent_id: str,
                 env: Mapping[str, str], timeout: float) -> None:
        self.post, self.task_id, self.agent_id, self.env, self.timeout = post, task_id, agent_id, env, timeout
        self.warned = False

    async def run_all(self, commands: list[str], cwd: Path, commit: str, stage: str) -> Check | None:
        """Each command in order, stopping at the first that fails: that check, or None when all passed."""
        for command in commands:
            check = await run_check(command, cwd, self.env, self.timeout, commit)
            await self.record(check, stage)
            if not check.passed:
                return check
        return None

    async def record(self, check: Check, stage: str) -> None:
        """A check the hub could not take is logged (once per task); the gate stands on its own result."""
        try:
            await self.post(self.task_id, check.body(self.agent_id, stage))
        except CliError as exc:
            if not self.warned:
                log.warning("%s %s: the hub did not record a check: %s", self.agent_id, self.task_id,
                            exc.message)
                self.warned = True
