"""Verify commands, the checks that ran them, and the verification gate before approval. Pure; no I/O.

A task's verify commands are shell commands the runner runs in the task's worktree (stage
`pre-review`, before it submits for review), again on the merged candidate (`merge`), or for a plan
verification task (`plan`). The hub never runs them: it records each run as a check, and refuses to
approve a task with verify commands unless its latest `pre-review` check passed on the very commit
under review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from waaah.domain.records import random_suffix
from waaah.domain.tasks import Task

JSON = dict[str, Any]
STAGES = ("pre-review", "merge", "plan")
SUMMARY_KEYS = {"pre-review": "preReview", "merge": "merge", "plan": "plan"}
BLANK = " \t\n\r\f\v"
"""The whitespace a blank command consists of (the API's schema names the same characters)."""
VERIFY_MAX_COMMANDS = 20
VERIFY_MAX_CHARS = 2000
OUTPUT_LIMIT = 16_000
"""The most of a check's output the hub keeps: the last characters (the tail holds the failure)."""
COMMIT = r"^[0-9a-f]{40}$"
"""A full git commit sha, lowercase hex."""


@dataclass(frozen=True)
class Check:
    """One run of one verify command, as the runner reported it."""

    id: str
    task_id: str
    stage: str
    command: str
    exit_code: int
    duration_ms: int
    output: str
    truncated: bool
    commit_sha: str
    ran_at: int
    created_at: int
    agent_id: str | None = None

    @staticmethod
    def new_id(now: int) -> str:
        return f"chk-{now}-{random_suffix(6)}"

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def is_commit(value: str) -> bool:
    return re.fullmatch(COMMIT, value) is not None


def tail(output: str) -> tuple[str, bool]:
    """The output as kept: at most its last OUTPUT_LIMIT characters, and whether it was cut."""
    if len(output) <= OUTPUT_LIMIT:
        return output, False
    return output[-OUTPUT_LIMIT:], True


def verify_problem(commands: Sequence[Any]) -> str | None:
    """Why `commands` is not a valid list of verify commands, or None."""
    if len(commands) > VERIFY_MAX_COMMANDS:
        return f"at most {VERIFY_MAX_COMMANDS} commands (got {len(commands)})"
    for i, command in enumerate(commands):
        if not isinstance(command, str) or not command.strip(BLANK):
            return f"[{i}] must be a non-empty command string"
        if len(command) > VERIFY_MAX_CHARS:
            return f"[{i}] is longer than {VERIFY_MAX_CHARS} characters"
    return None


def verify_commands(task: Task) -> list[str]:
    """The task's verify commands; a plan from before they were a field kept one in `context.verify`."""
    if task.verify:
        return list(task.verify)
    legacy = (task.context or {}).get("verify")
    return [legacy] if isinstance(legacy, str) and legacy.strip() else []


def latest(checks: Iterable[Check], stage: str | None = None) -> Check | None:
    """The most recently posted check (of `stage`, when given); `checks` come oldest first."""
    found = None
    for check in checks:
        if stage is None or check.stage == stage:
            found = check
    return found


def summary(checks: Sequence[Check]) -> JSON | None:
    """The task's `checks` field: the state of the latest check of each stage, and of the last one."""
    last = latest(checks)
    if last is None:
        return None
    out: JSON = {}
    for stage, key in SUMMARY_KEYS.items():
        found = latest(checks, stage)
        out[key] = None if found is None else state_of(found)
    out.update({"lastCommand": last.command, "lastCommit": last.commit_sha, "lastState": state_of(last),
                "count": len(checks)})
    return out


def state_of(check: Check) -> str:
    return "passed" if check.passed else "failed"


def card_check_state(checks: JSON | None) -> str | None:
    """A card's `checkState`: `passed` or `failed` for the latest check of any stage, else None."""
    state = (checks or {}).get("lastState")
    return state if state in ("passed", "failed") else None


def gate_refusal(task: Task, checks: Sequence[Check]) -> str | None:
    """Why `task` may not be approved yet, naming the failing or missing check; None when it may.

    A task without verify commands passes. Otherwise its latest `pre-review` check must have run on
    the commit under review (`response.commit`) and passed."""
    commands = verify_commands(task)
    if not commands:
        return None
    under_review = (task.response or {}).get("commit")
    check = latest(checks, "pre-review")
    if check is None:
        return (f"Task {task.id} has verify commands ({'; '.join(commands)}) but no pre-review check "
                "was reported: the runner must run them before review")
    if not under_review:
        return (f"Task {task.id} was submitted without the commit under review, so its pre-review check "
                f"`{check.command}` (commit {check.commit_sha}) cannot be matched to it")
    if check.commit_sha != under_review:
        return (f"The latest pre-review check `{check.command}` ran on commit {check.commit_sha}, not on the "
                f"commit under review {under_review}")
    if not check.passed:
        return (f"The pre-review check `{check.command}` failed with exit code {check.exit_code} "
                f"on commit {check.commit_sha}")
    return None


def check_json(check: Check) -> JSON:
    return {"id": check.id, "stage": check.stage, "command": check.command, "exitCode": check.exit_code,
            "passed": check.passed, "durationMs": check.duration_ms, "output": check.output,
            "truncated": check.truncated, "commit": check.commit_sha, "ranAt": check.ran_at,
            "agentId": check.agent_id}
