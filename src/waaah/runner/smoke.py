"""A plan's verification row (`verification: true`): no CLI runs. Its verify commands run on the base
branch's tip in a scratch worktree (stage `plan`), after the tasks it depends on have merged; green
completes the row, red fails it with reason `verify_failed` and the output: the plan's result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waaah.runner.checks import Check, verify_commands
from waaah.runner.merge import rev

if TYPE_CHECKING:
    from waaah.runner.job import Job

JSON = dict[str, Any]


def summary(passed: list[str], base: str, commit: str) -> str:
    """The COMPLETED message of a green verification row."""
    if not passed:
        return f"Nothing to verify: the row has no verify commands ({base} at {commit[:10]})."
    listed = "\n".join(f"- `{command}`" for command in passed)
    return f"All {len(passed)} verify command(s) passed on {base} at {commit[:10]}:\n{listed}"


async def smoke(job: Job, task: JSON) -> None:
    """Run the row's verify commands on the base's tip; complete or fail the row by the result."""
    cfg, commands = job.cfg, verify_commands(task)
    commit = await rev(cfg.repo, f"refs/heads/{cfg.base}")
    await job.progress(f"verifying {cfg.base} at {commit[:10]} ({len(commands)} command(s))", "verifying")
    red: Check | None = None
    try:
        if commands:
            async with cfg.repo.scratch(job.task_id, "smoke", commit) as tree:
                red = await job.verifier.run_all(commands, tree, commit, "plan")
    finally:
        await cfg.repo.remove(job.task_id, delete_branch=False)
    if red is not None:
        await job.fail_check(red)
        return
    message = summary(commands, cfg.base, commit)
    await job.hub.respond(job.task_id, job.agent_id, "COMPLETED", message)
    job.say(f"verified {cfg.base} at {commit[:10]}: COMPLETED")
