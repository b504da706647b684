"""The verification gate, runner side: a task's verify commands run on the agent's commit before review
(a red one goes back to the agent with its output), the reviewer is held to the result, and approved
work merges through a queue that checks each candidate on the newest base, so `main` never holds a
commit whose checks fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.runner.runner_support import (
    agent_run,
    approve,
    checks,
    commit_files,
    enqueue,
    fake_runs,
    git,
    task,
)
from tests.live import ServerProcess

FORBIDDEN = "sh check.sh"
CHECK_SH = 'if grep -rn BROKEN --include=*.txt .; then echo "the word BROKEN is not allowed"; exit 1; fi\n'
UNITTEST = f"{sys.executable} -m unittest"
LIB = {"lib.py": "def price():\n    return 1\n",
       "test_lib.py": "import unittest\nfrom lib import price\n\n\nclass Price(unittest.TestCase):\n"
                      "    def test_price(self):\n        self.assertEqual(price(), 1)\n"}
RENAME = ("Rename price to cost\n\nfake: write lib.py def cost():\\n    return 1\n"
          "fake: write test_lib.py import unittest\\nfrom lib import cost\\n\\n\\nclass Cost(unittest.TestCase):"
          "\\n    def test_cost(self):\\n        self.assertEqual(cost(), 1)")
TOTAL = "import unittest\\nfrom lib import {name}\\n\\n\\nclass Total(unittest.TestCase):\\n" \
        "    def test_total(self):\\n        self.assertEqual({name}() * 2, 2)"
ADD_TOTAL = (f"Add a total\n\nfake: write test_total.py {TOTAL.format(name='price')}\n"
             f"fake: fix test_total.py {TOTAL.format(name='cost')}")


def test_a_change_that_breaks_the_checks_goes_back_with_the_output_and_reaches_review_once_fixed(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    commit_files(repo, {"check.sh": CHECK_SH}, "a check")
    prompt = "Write the notes\n\nfake: write notes.txt BROKEN build\nfake: fix notes.txt all good"
    task_id = enqueue(rest, "shop", prompt, title="Write the notes", verify=[FORBIDDEN])
    with agent_run(hub.url, repo, log, "--id", "fixer") as runner:
        runner.until(task_id, f"`{FORBIDDEN}` exited with 1", "back to the agent (fix 1/2)")
        runner.until(task_id, "submitted for review")
    red, green = checks(rest, task_id)
    assert (red["stage"], red["passed"], red["exitCode"]) == ("pre-review", False, 1)
    assert "notes.txt:1:BROKEN build" in red["output"] and "not allowed" in red["output"]
    assert (green["stage"], green["passed"], green["exitCode"]) == ("pre-review", True, 0)
    reviewed = task(rest, task_id)
    assert reviewed["status"] == "IN_REVIEW"
    assert green["commit"] == git(repo, "rev-parse", f"waaah/{task_id}").strip() != red["commit"]
    assert "+all good" in reviewed["response"]["diff"] and "BROKEN" not in reviewed["response"]["diff"]
    first, second = fake_runs(log)
    assert "A verify command failed" not in first["prompt"]
    assert "A verify command failed" in second["prompt"] and "notes.txt:1:BROKEN build" in second["prompt"]
    assert second["session"] == first["session"] and second["cwd"] == first["cwd"]


def test_checks_that_stay_red_fail_the_task_with_verify_failed_naming_the_command(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    commit_files(repo, {"check.sh": CHECK_SH}, "a check")
    task_id = enqueue(rest, "shop", "Break it\n\nfake: write notes.txt BROKEN", title="Break it",
                      verify=[FORBIDDEN])
    with agent_run(hub.url, repo, log, "--id", "stubborn", "--max-fix-attempts", "1") as runner:
        runner.until(task_id, "FAILED verify_failed")
    failed = task(rest, task_id)
    assert failed["status"] == "FAILED" and failed["failureReason"] == "verify_failed"
    assert failed["response"]["message"].startswith(f"verify_failed: `{FORBIDDEN}` exited with 1 on ")
    assert [c["passed"] for c in checks(rest, task_id)] == [False, False]
    assert len(fake_runs(log)) == 2


def test_approval_is_held_to_the_check_on_the_commit_under_review_and_an_override_merges_after_the_merge_check(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    commit_files(repo, {"check.sh": CHECK_SH}, "a check")
    task_id = enqueue(rest, "shop", "Notes\n\nfake: write notes.txt fine", title="Notes", verify=[FORBIDDEN])
    with agent_run(hub.url, repo, log, "--id", "gated") as runner:
        runner.until(task_id, "submitted for review")
        (green,) = checks(rest, task_id)
        red = {"stage": "pre-review", "command": FORBIDDEN, "exitCode": 1,
               "durationMs": 5, "output": "flaky disk", "commit": green["commit"], "ranAt": green["ranAt"] + 1}
        posted = rest.post(f"/admin/tasks/{task_id}/checks", json=red)
        assert posted.status_code == 200 and posted.json()["passed"] is False, posted.text
        refused = rest.post(f"/admin/tasks/{task_id}/approve")
        assert refused.status_code >= 400 and task(rest, task_id)["status"] == "IN_REVIEW"
        assert rest.post(f"/admin/tasks/{task_id}/approve", json={"override": "the disk was full"}
                         ).status_code == 200
        runner.until(task_id, "Merged into main")
    merge = [c for c in checks(rest, task_id) if c["stage"] == "merge"]
    assert [c["passed"] for c in merge] == [True]
    assert merge[0]["commit"] == git(repo, "rev-parse", "main").strip()


def test_two_approved_tasks_that_break_together_merge_one_at_a_time_and_main_never_holds_a_failing_commit(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path, tmp_path: Path) -> None:
    commit_files(repo, LIB, "a price")
    start = git(repo, "rev-parse", "HEAD").strip()
    rename = enqueue(rest, "shop", RENAME, title="Rename price to cost", verify=[UNITTEST])
    total = enqueue(rest, "shop", ADD_TOTAL, title="Add a total", verify=[UNITTEST])
    with agent_run(hub.url, repo, log, "--slots", "2", "--id", "pair", "--merge", "squash") as runner:
        runner.until("submitted for review")
        runner.until("submitted for review")
        approve(rest, rename)
        runner.until(rename, "checking the candidate")
        approve(rest, total)
        runner.until(rename, "Merged into main")
        runner.until(total, f"`{UNITTEST}` exited with 1", "on the merge candidate: back to the agent")
        runner.until(total, "submitted for review")
        approve(rest, total)
        runner.until(total, "Merged into main")
    stages = [(c["stage"], c["passed"]) for c in checks(rest, total)]
    assert stages == [("pre-review", True), ("merge", False), ("pre-review", True), ("merge", True)]
    back = [r for r in fake_runs(log) if r["task_id"] == total][-1]
    assert "merged onto the newest `main`" in back["prompt"] and "ImportError" in back["prompt"]
    assert all_commits_pass(repo, start, tmp_path / "every-commit") == 3  # the lib, rename, total


def all_commits_pass(repo: Path, start: str, scratch: Path) -> int:
    """Run the tests on every commit of `main` since `start` (squash merges: each one a checked candidate)."""
    commits = git(repo, "rev-list", "main", f"^{start}^").split()
    for n, sha in enumerate(commits):
        tree = scratch / str(n)
        git(repo, "worktree", "add", "--detach", str(tree), sha)
        result = subprocess.run([sys.executable, "-m", "unittest"], cwd=tree, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, f"{sha} fails its tests:\n{result.stderr}"
        git(repo, "worktree", "remove", "--force", str(tree))
    return len(commits)
