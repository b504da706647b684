"""The verification gate's words: what goes back to the agent when a verify command fails (the fix
prompt), and how a failed check is named in a failure message. Pure: no git, no hub."""

from __future__ import annotations

import re

from waaah.runner.checks import TIMEOUT_CODE, Check

WHERE = {
    "pre-review": "on your commit {commit}, before review",
    "merge": "on your approved change merged onto the newest `{base}` ({commit}); `{base}` is now merged "
             "into your branch in your worktree, so you have the same code in front of you",
}


def fence(text: str) -> str:
    """A Markdown code fence longer than any run of backticks inside `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def exit_words(check: Check) -> str:
    if check.exit_code == TIMEOUT_CODE and "(--verify-timeout)]" in check.output:
        return "ran out of time"
    return f"exited with {check.exit_code}"


def failure_detail(check: Check) -> str:
    """`` `CMD` exited with N on abc1234567``: the failure message of a task whose checks stayed red."""
    return f"`{check.command}` {exit_words(check)} on {check.commit[:10]}"


def fix_note(check: Check, stage: str, base: str, attempt: int, attempts: int) -> str:
    """The runner's note to the agent for fix attempt `attempt` of `attempts`."""
    where = WHERE.get(stage, WHERE["pre-review"]).format(commit=check.commit[:10], base=base)
    output = check.output.rstrip() or "(no output)"
    mark = fence(output)
    return "\n".join([
        f"A verify command failed {where}: `{check.command}` {exit_words(check)}. The end of its output:",
        "", mark, output, mark, "",
        "Fix the cause in the code (do not weaken or skip the check), commit, and end with a short summary. "
        f"The verify commands run again before your work goes to review (fix attempt {attempt} of {attempts}; "
        "after that the task fails).",
    ])
