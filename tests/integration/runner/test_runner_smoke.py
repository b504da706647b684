"""A plan's verification rows: the runner takes one once the tasks it depends on have merged, runs its
verify commands on the tip of `main` without launching a CLI, and completes or fails it by the result,
which shows in the task and its checks."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integration.runner.runner_support import agent_run, checks, enqueue, fake_runs, git, task
from tests.live import ServerProcess

BOTH = "test -f a.txt && test -f b.txt && echo both there"
SHOUTS = "grep -q LOUD a.txt"


def test_verification_rows_run_on_main_after_their_dependencies_merged_and_carry_the_plans_result(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    a = enqueue(rest, "shop", "Add a\n\nfake: write a.txt quiet", title="Add a", requiresReview=False)
    b = enqueue(rest, "shop", "Add b\n\nfake: write b.txt also quiet", title="Add b", requiresReview=False)
    green = enqueue(rest, "shop", "V1: both files are there", [a, b], title="V1", verify=[BOTH],
                    verification=True)
    red = enqueue(rest, "shop", "V2: a shouts", [a, b], title="V2", verify=[BOTH, SHOUTS], verification=True)
    assert task(rest, green)["status"] == "BLOCKED"  # waits for what it verifies
    with agent_run(hub.url, repo, log, "--id", "smoker") as runner:
        for row in (green, red):
            runner.until(row, "verifying the plan")
            runner.until(row, "COMPLETED" if row == green else "FAILED verify_failed")
    tip = git(repo, "rev-parse", "main").strip()
    assert task(rest, a)["status"] == task(rest, b)["status"] == "COMPLETED"
    passed = task(rest, green)
    assert passed["status"] == "COMPLETED" and f"`{BOTH}`" in passed["response"]["message"]
    assert [(c["stage"], c["passed"], c["commit"]) for c in checks(rest, green)] == [("plan", True, tip)]
    assert "both there" in checks(rest, green)[0]["output"]
    failed = task(rest, red)
    assert failed["status"] == "FAILED" and failed["failureReason"] == "verify_failed"
    assert failed["response"]["message"].startswith(f"verify_failed: `{SHOUTS}` exited with 1 on {tip[:10]}")
    assert [(c["command"], c["passed"]) for c in checks(rest, red)] == [(BOTH, True), (SHOUTS, False)]
    assert sorted(r["task_id"] for r in fake_runs(log)) == sorted([a, b])  # no CLI for a verification row
    assert not (repo / ".worktrees" / green).exists() and git(repo, "worktree", "list").count("\n") == 1
