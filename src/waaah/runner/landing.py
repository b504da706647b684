"""Approved work lands: merge the task's branch into the base, complete the task, remove its
worktree. A conflict goes back to the same agent (the runner keeps holding the task), a dirty
checkout of the base is waited for."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from waaah.runner.config import DIRTY_RETRY_SECONDS
from waaah.runner.git import GitError, git, identity
from waaah.runner.merge import MergeResult, merge_task

if TYPE_CHECKING:
    from waaah.runner.job import Job

JSON = dict[str, Any]


async def land(job: Job, task: JSON) -> None:
    """Merge and complete `task` (held by `job`'s agent), retrying while the base's checkout is dirty."""
    cfg = job.cfg
    await job.progress(f"merging waaah/{job.task_id} into {cfg.base} ({cfg.merge})", "merging")
    told = False
    while True:
        result = await merge_task(cfg.repo, job.task_id, cfg.base, cfg.merge, str(task.get("title") or ""))
        if result.outcome in ("merged", "left"):
            await complete(job, result)
            return
        if result.outcome == "dirty":
            if not told:
                job.say(result.detail)
                await job.progress(result.detail, "merging")
                told = True
            await asyncio.sleep(DIRTY_RETRY_SECONDS)
            continue
        if not await merge_base_in(job):
            await back_to_agent(job, result)
            return


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
