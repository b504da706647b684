"""Approved work lands: through the runner's merge queue (one task at a time per repository and base),
the candidate is built on the newest base and checked, the base moves, the task completes and its
worktree goes. A conflict or a red check goes back to the same agent (the runner keeps holding the
task); a dirty checkout of the base is waited for."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from waaah.runner.checks import Check, verify_commands
from waaah.runner.config import DIRTY_RETRY_SECONDS
from waaah.runner.gate import failure_detail, fix_note
from waaah.runner.git import GitError, git, identity
from waaah.runner.merge import MergeResult, Verify, merge_task
from waaah.runner.queue import ticket

if TYPE_CHECKING:
    from waaah.runner.job import Job

JSON = dict[str, Any]



SUBJECT_MAX = 72


def merge_subject(task: dict[str, Any]) -> str:
    """The merge commit's subject: the task's title, else its prompt's first line (a task without a
    title still gets a subject that says what was merged)."""
    title = str(task.get("title") or "").strip()
    if not title:
        lines = str(task.get("prompt") or "").strip().splitlines()
        title = lines[0].strip() if lines else "task"
    return title if len(title) <= SUBJECT_MAX else title[:SUBJECT_MAX - 1] + "…"

async def land(job: Job, task: JSON) -> None:
    """Merge and complete `task` (held by `job`'s agent), or send it back to the agent."""
    await job.progress(f"merging waaah/{job.task_id} into {job.cfg.base} ({job.cfg.merge})", "merging")
    result = await merge_in_turn(job, task)
    if result.outcome in ("merged", "left"):
        await complete(job, result)
    elif result.outcome == "red" and result.check is not None:
        await checks_back(job, result.check)
    else:
        await back_to_agent(job, result)


def merge_checks(job: Job, task: JSON) -> Verify | None:
    """The task's verify commands, run on a merge candidate (stage `merge`); None when it has none."""
    commands = verify_commands(task)
    if not commands:
        return None

    async def verify(tree: Path, commit: str) -> Check | None:
        job.say(f"checking the candidate {commit[:10]} ({len(commands)} verify command(s))")
        return await job.verifier.run_all(commands, tree, commit, "merge")

    return verify


async def merge_in_turn(job: Job, task: JSON) -> MergeResult:
    """The merge, when the queue gives this task its turn; retried while the base's checkout is dirty
    and after the base merged cleanly into the task's branch."""
    cfg = job.cfg
    key, mine = (str(cfg.repo.common_dir), cfg.base), ticket(job.task_id, task.get("approvedAt"))
    ahead = cfg.queue.ahead(key, mine)
    if ahead:
        job.say(f"in the merge queue for {cfg.base} behind {', '.join(ahead)}")
    told = False
    async with cfg.queue.turn(key, mine):
        while True:
            result = await merge_task(cfg.repo, job.task_id, cfg.base, cfg.merge, merge_subject(task),
                                      merge_checks(job, task))
            if result.outcome == "dirty":
                if not told:
                    job.say(result.detail)
                    await job.progress(result.detail, "merging")
                    told = True
                await asyncio.sleep(DIRTY_RETRY_SECONDS)
            elif result.outcome != "conflict" or not await merge_base_in(job):
                return result


async def complete(job: Job, result: MergeResult) -> None:
    message = f"Merged into {job.cfg.base}: {result.detail}" if result.outcome == "merged" else result.detail
    await job.hub.respond(job.task_id, job.agent_id, "COMPLETED", message)
    await job.cfg.repo.remove(job.task_id, delete_branch=result.outcome == "merged")
    job.say(message)


async def merge_base_in(job: Job) -> bool:
    """Merge the base into the task's branch in its worktree. True when that went cleanly (committed);
    False leaves the conflict in the worktree for the agent."""
    worktree = await job.cfg.repo.worktree(job.task_id, job.cfg.base)
    try:
        await git(worktree, *await identity(worktree), "merge", "--no-edit", "-q", job.cfg.base)
    except GitError:
        return False
    return True


async def back_to_agent(job: Job, result: MergeResult) -> None:
    """The same agent resolves the conflict in its worktree, then the task goes to review again."""
    worktree = job.cfg.repo.worktree_path(job.task_id)
    files = (await git(worktree, "diff", "--name-only", "--diff-filter=U", check=False)).split()
    where = ", ".join(files or result.conflicts) or "(see git status)"
    note = (f"Your approved change could not be merged into `{job.cfg.base}`: it conflicts with what "
            f"landed there since. `git merge {job.cfg.base}` is in progress in your worktree and conflicts "
            f"in: {where}. Resolve the conflicts (keep both intentions), `git add` and commit the merge. "
            "It then goes to review again.")
    job.say(f"merge conflict in {where}: back to the agent")
    await job.work(note, failure_reason="merge_conflict")


async def checks_back(job: Job, check: Check) -> None:
    """A verify command failed on the candidate: the base goes into the task's branch (so the agent has
    the code that failed), and the agent fixes it; the checks run again before it goes to review."""
    job.say(f"{failure_detail(check)} on the merge candidate: back to the agent")
    if job.cfg.max_fix_attempts < 1:
        await job.fail_check(check)
        return
    if not await merge_base_in(job):
        await back_to_agent(job, MergeResult("conflict", "the base did not merge into the branch"))
        return
    note = fix_note(check, "merge", job.cfg.base, 1, job.cfg.max_fix_attempts)
    await job.work(note, failure_reason="verify_failed", fixes_used=1)
