"""One task in one slot: run the CLI in the task's worktree (retrying with backoff), then submit the
diff for review, or fail with a reason; watch the task meanwhile (blocked, cancelled, taken away)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waaah.commands.client import CliError
from waaah.runner import prompt
from waaah.runner.adapters import Launch
from waaah.runner.config import BACKOFF_CAP, BACKOFF_SECONDS, HEARTBEAT_SECONDS, WATCH_SECONDS, RunnerConfig
from waaah.runner.hub import HubClient, ToolFailed
from waaah.runner.process import Outcome, Run, execute
from waaah.runner.session import Session
from waaah.runner.transcript import Stream, TranscriptSender, parse_line
from waaah.runner.worktrees import commit_all, diff

JSON = dict[str, Any]
HELD = ("ASSIGNED", "IN_PROGRESS")
ENDS = {"BLOCKED": "blocked", "CANCELLED": "cancelled"}
log = logging.getLogger("waaah.runner")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Failure:
    reason: str
    """`agent_exit`, `stalled`, `timeout`, `merge_conflict` or `cli_missing`."""
    detail: str


class Job:
    def __init__(self, cfg: RunnerConfig, hub: HubClient, agent_id: str, task_id: str) -> None:
        self.cfg, self.hub, self.agent_id, self.task_id = cfg, hub, agent_id, task_id
        self.state_dir = cfg.repo.state_dir(task_id)
        self.session = Session.load(self.state_dir)
        self.stream = Stream()

    def say(self, text: str) -> None:
        print(f"{self.agent_id} {self.task_id}: {text}", flush=True)

    async def progress(self, message: str, phase: str) -> None:
        await self.hub.progress(self.task_id, self.agent_id, message, phase)

    async def work(self, note: str | None = None, failure_reason: str | None = None) -> None:
        """Run the CLI until it succeeds or runs out of attempts; then submit, or fail the task."""
        task = await self.hub.task(self.task_id)
        worktree = await self.cfg.repo.worktree(self.task_id, self.cfg.base)
        await self.progress(f"{self.cfg.adapter.name} starts in {worktree}", "starting")
        failure: Failure | None = None
        for attempt in range(1, self.cfg.max_attempts + 1):
            if attempt > 1:
                await asyncio.sleep(min(BACKOFF_SECONDS * 2 ** (attempt - 2), BACKOFF_CAP))
                note = f"Your previous run failed ({failure.reason if failure else ''}): " \
                       f"{failure.detail if failure else ''}. Pick up where it stopped."
            result = await self.attempt(task, worktree, note)
            if isinstance(result, Failure):
                failure = result
                self.say(f"attempt {attempt}/{self.cfg.max_attempts} failed: {result.reason}: {result.detail}")
                if result.reason == "cli_missing":
                    break
                continue
            if result == "exited":
                await self.submit(await self.hub.task(self.task_id), worktree, self.stream)
            else:
                await self.ended(result)
            return
        assert failure is not None
        await self.fail(Failure(failure_reason or failure.reason, failure.detail))

    async def attempt(self, task: JSON, worktree: Path, note: str | None) -> Failure | str:
        """One CLI run; `exited` (code 0), `blocked`/`cancelled`/`lost` (stopped), or the failure."""
        spec = await self.prompt_input(task, worktree, note)
        launch = Launch(prompt.build(spec), self.state_dir / "prompt.md", worktree, self.task_id,
                        self.agent_id, self.state_dir, self.cfg.mcp_url, self.cfg.conn.need_key(),
                        self.session.session_id)
        self.session.last_run_at, self.session.runs = now_ms(), self.session.runs + 1
        try:
            outcome = await self.launch(launch)
        except (FileNotFoundError, PermissionError) as exc:
            return Failure("cli_missing", f"cannot start {self.cfg.adapter.binary}: {exc.strerror or exc}")
        finally:
            self.session.session_id = self.stream.session_id or self.session.session_id
            self.session.save(self.state_dir)
        return self.judge(outcome)

    def judge(self, outcome: Outcome) -> Failure | str:
        limits = self.cfg.limits
        if outcome.reason == "stalled":
            return Failure("stalled", f"no output for {limits.stall:g} s")
        if outcome.reason == "timeout":
            return Failure("timeout", f"still running after {limits.max_runtime:g} s")
        if outcome.reason is not None:
            return outcome.reason
        if outcome.code != 0:
            tail = " ".join(outcome.stderr.split())[-300:]
            return Failure("agent_exit", f"{self.cfg.adapter.name} exited with {outcome.code}"
                                         + (f": {tail}" if tail else ""))
        return "exited"

    async def prompt_input(self, task: JSON, worktree: Path, note: str | None) -> prompt.PromptInput:
        deps = []
        for dep in task.get("dependencies") or []:
            with contextlib.suppress(CliError):
                deps.append(await self.hub.task(dep))
        comments: list[JSON] = []
        if self.session.last_run_at is not None:
            with contextlib.suppress(CliError):
                comments = await self.hub.review_comments(self.task_id)
        return prompt.PromptInput(task, self.agent_id, worktree, self.cfg.base, deps, comments,
                                  self.session.last_run_at, note)

    async def launch(self, launch: Launch) -> Outcome:
        adapter = self.cfg.adapter
        adapter.prepare(launch)
        self.stream = stream = Stream()
        sender = TranscriptSender(lambda e: self.hub.post_transcript(self.task_id, self.agent_id, e),
                                  f"{self.agent_id} {self.task_id}")
        poke = asyncio.Event()

        def on_line(line: str) -> None:
            before = len(stream.tools)
            sender.add(parse_line(line, adapter.parser, stream))
            if any("block_task" in name for name in stream.tools[before:]):
                poke.set()

        run = Run(adapter.argv(launch), launch.worktree, {**os.environ, **adapter.env(launch)},
                  self.cfg.limits, on_line, lambda pid: self.say(f"{adapter.name} started (pid {pid})"))
        helpers = [asyncio.create_task(sender.run()), asyncio.create_task(self.watch(run, poke))]
        try:
            return await execute(run)
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await sender.close()

    async def watch(self, run: Run, poke: asyncio.Event) -> None:
        """Stop the run when its task is blocked, cancelled or no longer ours; heartbeat meanwhile."""
        beat = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(poke.wait(), WATCH_SECONDS)
            poke.clear()
            verdict = await self.verdict()
            if verdict is not None:
                run.stop(verdict)
                return
            if time.monotonic() - beat > HEARTBEAT_SECONDS:
                beat = time.monotonic()
                with contextlib.suppress(CliError):
                    await self.progress("still working", "working")

    async def verdict(self) -> str | None:
        try:
            task = await self.hub.task(self.task_id)
        except CliError as exc:
            return "cancelled" if exc.status == 404 else None
        if task.get("status") in ENDS:
            return ENDS[str(task["status"])]
        if task.get("status") not in HELD or task.get("assignedTo") != self.agent_id:
            return "lost"
        return None

    async def ended(self, why: str) -> None:
        if why == "cancelled":
            await self.cfg.repo.remove(self.task_id, delete_branch=True)
            self.say("cancelled: CLI stopped, worktree removed")
        elif why == "blocked":
            self.say("blocked on a question: CLI stopped; it resumes when the task is answered")
        else:
            self.say("the task is no longer held by this agent; CLI stopped")

    async def submit(self, task: JSON, worktree: Path, stream: Stream) -> None:
        status = str(task.get("status"))
        if status not in HELD:
            await self.ended(ENDS.get(status, "lost"))
            return
        await commit_all(worktree, f"{task.get('title') or self.task_id} ({self.task_id})")
        changes = await diff(worktree, self.cfg.base)
        message = (stream.final_message or "").strip() or f"Done: {task.get('title') or self.task_id}"
        if not task.get("requiresReview"):
            from waaah.runner.landing import land
            await land(self, task)
            return
        try:
            await self.hub.respond(self.task_id, self.agent_id, "IN_REVIEW", message, diff=changes or None)
        except ToolFailed as exc:
            await self.fail(Failure("agent_exit", f"could not submit for review: {exc.message}"))
            return
        self.say(f"submitted for review ({len(changes.splitlines())} diff lines)")

    async def fail(self, failure: Failure) -> None:
        text = f"{failure.reason}: {failure.detail}"
        try:
            await self.hub.respond(self.task_id, self.agent_id, "FAILED", text, failureReason=failure.reason)
        except ToolFailed as exc:
            self.say(f"could not report the failure: {exc.message}")
            return
        self.say(f"FAILED {text}")
