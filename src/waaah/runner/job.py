"""One task in one slot: run the CLI in the task's worktree (retrying with backoff), run the task's
verify commands on its commit (a red one goes back to the CLI), then submit the diff for review, or
fail with a reason; watch the task meanwhile (blocked, cancelled, taken away)."""

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
from waaah.runner.adapters import Launch, agent_env
from waaah.runner.checks import Check, Verifier, tail, verify_commands
from waaah.runner.config import BACKOFF_CAP, BACKOFF_SECONDS, HEARTBEAT_SECONDS, WATCH_SECONDS, RunnerConfig
from waaah.runner.gate import failure_detail, fix_note
from waaah.runner.hub import HubClient, ToolFailed
from waaah.runner.process import Outcome, Run, execute
from waaah.runner.session import Session
from waaah.runner.transcript import Stream, TranscriptSender, parse_line
from waaah.runner.worktrees import commit_all, diff, head

JSON = dict[str, Any]
HELD = ("ASSIGNED", "IN_PROGRESS")
FAILURE_OUTPUT = 2000
"""How much of a failing check's output a verify_failed message carries (the check keeps more)."""
ENDS = {"BLOCKED": "blocked", "CANCELLED": "cancelled"}
log = logging.getLogger("waaah.runner")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Failure:
    reason: str
    """`agent_exit`, `stalled`, `timeout`, `merge_conflict`, `verify_failed` or `cli_missing`."""
    detail: str


class Job:
    def __init__(self, cfg: RunnerConfig, hub: HubClient, agent_id: str, task_id: str) -> None:
        self.cfg, self.hub, self.agent_id, self.task_id = cfg, hub, agent_id, task_id
        self.state_dir = cfg.repo.state_dir(task_id)
        self.session = Session.load(self.state_dir)
        self.stream = Stream()
        env = {**os.environ, **agent_env(cfg.conn.need_key(), task_id, agent_id)}
        self.verifier = Verifier(hub.post_check, task_id, agent_id, env, cfg.verify_timeout)

    def say(self, text: str) -> None:
        print(f"{self.agent_id} {self.task_id}: {text}", flush=True)

    async def progress(self, message: str, phase: str) -> None:
        await self.hub.progress(self.task_id, self.agent_id, message, phase)

    async def work(self, note: str | None = None, failure_reason: str | None = None,
                   fixes_used: int = 0) -> None:
        """Run the CLI, commit, run the verify commands; red goes back to the CLI with the output (up to
        --max-fix-attempts), green goes to review. Fails with a reason when the CLI or the checks give out."""
        task = await self.hub.task(self.task_id)
        worktree = await self.cfg.repo.worktree(self.task_id, self.cfg.base)
        await self.progress(f"{self.cfg.adapter.name} starts in {worktree}", "starting")
        while await self.run_cli(task, worktree, note, failure_reason):
            task = await self.hub.task(self.task_id)
            status = str(task.get("status"))
            if status not in HELD:
                await self.ended(ENDS.get(status, "lost"))
                return
            await commit_all(worktree, f"{task.get('title') or self.task_id} ({self.task_id})")
            red = await self.pre_review(task, worktree)
            if red is None:
                await self.submit(task, worktree, self.stream)
                return
            if fixes_used >= self.cfg.max_fix_attempts:
                await self.fail_check(red)
                return
            fixes_used += 1
            self.say(f"{failure_detail(red)}: back to the agent (fix {fixes_used}/{self.cfg.max_fix_attempts})")
            note = fix_note(red, "pre-review", self.cfg.base, fixes_used, self.cfg.max_fix_attempts)
            failure_reason = "verify_failed"

    async def run_cli(self, task: JSON, worktree: Path, note: str | None, failure_reason: str | None) -> bool:
        """The CLI until it exits 0 (True), retried with backoff; False when the task ended or failed."""
        failure: Failure | None = None
        for attempt in range(1, self.cfg.max_attempts + 1):
            if failure is not None:
                await asyncio.sleep(min(BACKOFF_SECONDS * 2 ** (attempt - 2), BACKOFF_CAP))
                retry = f"Your previous run failed ({failure.reason}): {failure.detail}. Pick up where it stopped."
                note = retry if note is None or note.startswith("Your previous run failed") else f"{retry}\n\n{note}"
            result = await self.attempt(task, worktree, note)
            if isinstance(result, Failure):
                failure = result
                self.say(f"attempt {attempt}/{self.cfg.max_attempts} failed: {result.reason}: {result.detail}")
                if result.reason == "cli_missing":
                    break
                continue
            if result != "exited":
                await self.ended(result)
            return result == "exited"
        assert failure is not None
        await self.fail(Failure(failure_reason or failure.reason, failure.detail))
        return False

    async def pre_review(self, task: JSON, worktree: Path) -> Check | None:
        """The task's verify commands on the committed work (stage `pre-review`): the failing check or None."""
        commands = verify_commands(task)
        if not commands:
            return None
        commit = await head(worktree)
        await self.progress(f"running {len(commands)} verify command(s) on {commit[:10]}", "verifying")
        red = await self.verifier.run_all(commands, worktree, commit, "pre-review")
        if red is None:
            self.say(f"verify commands passed on {commit[:10]}")
        return red

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
        """The committed work to review (`send_response` IN_REVIEW with the diff and the commit), or
        merged at once when the task needs no review."""
        changes = await diff(worktree, self.cfg.base)
        message = (stream.final_message or "").strip() or f"Done: {task.get('title') or self.task_id}"
        if not task.get("requiresReview"):
            from waaah.runner.landing import land
            await land(self, task)
            return
        try:
            await self.hub.respond(self.task_id, self.agent_id, "IN_REVIEW", message, diff=changes or None,
                                   commit=await head(worktree))
        except ToolFailed as exc:
            await self.fail(Failure("agent_exit", f"could not submit for review: {exc.message}"))
            return
        self.say(f"submitted for review ({len(changes.splitlines())} diff lines)")

    async def fail_check(self, check: Check) -> None:
        """The checks stayed red: FAILED with reason `verify_failed`, naming the command."""
        await self.fail(Failure("verify_failed", f"{failure_detail(check)}; its output ends: "
                                                 f"{tail(check.output, FAILURE_OUTPUT)}"))

    async def fail(self, failure: Failure) -> None:
        text = f"{failure.reason}: {failure.detail}"
        try:
            await self.hub.respond(self.task_id, self.agent_id, "FAILED", text, failureReason=failure.reason)
        except ToolFailed as exc:
            self.say(f"could not report the failure: {exc.message}")
            return
        self.say(f"FAILED {text}")
