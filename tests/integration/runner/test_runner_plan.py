"""`waaah agent run` with two slots works through a five-task plan: a worktree per task, the diff in
review, approved work merged into main in dependency order, nothing left behind."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.integration.runner.runner_support import agent_run, approve, enqueue, fake_runs, git, task
from tests.live import ServerProcess

PLAN = {"a": [], "b": [], "c": ["a"], "d": ["a", "b"], "e": ["c", "d"]}
TASK_ID = re.compile(r"(task-\d+-[0-9a-z]+)")


def create_plan(rest: httpx.Client) -> dict[str, str]:
    ids: dict[str, str] = {}
    for name, deps in PLAN.items():
        ids[name] = enqueue(rest, "shop", f"Add {name}.txt\n\nfake: write {name}.txt {name} was here",
                            [ids[d] for d in deps], title=f"Add {name}.txt")
    return ids


def test_a_plan_is_worked_reviewed_and_merged_in_dependency_order(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    ids = create_plan(rest)
    names = {task_id: name for name, task_id in ids.items()}
    merged: list[str] = []
    with agent_run(hub.url, repo, log, "--slots", "2", "--id", "shopbot") as runner:
        while len(merged) < len(PLAN):
            line = runner.until(" task-", timeout=60)
            match = TASK_ID.search(line)
            assert match is not None
            task_id = match.group(1)
            if "submitted for review" in line:
                diff = task(rest, task_id)["response"]["diff"]
                assert f"+++ b/{names[task_id]}.txt" in diff and f"+{names[task_id]} was here" in diff
                approve(rest, task_id)
            elif "Merged into main" in line:
                merged.append(names[task_id])
        assert runner.interrupt() == 0

    order = {name: merged.index(name) for name in merged}
    assert all(order[dep] < order[name] for name, deps in PLAN.items() for dep in deps), merged
    assert all(task(rest, t)["status"] == "COMPLETED" for t in ids.values())
    for name in PLAN:
        assert git(repo, "show", f"main:{name}.txt") == f"{name} was here\n"
        assert (repo / f"{name}.txt").read_text() == f"{name} was here\n"  # the checkout came along
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert not any((repo / ".worktrees").iterdir())
    runs = fake_runs(log)
    assert sorted(r["task_id"] for r in runs) == sorted(ids.values())
    assert {r["cwd"] for r in runs} == {str(repo / ".worktrees" / t) for t in ids.values()}
    assert {r["agent_id"] for r in runs} <= {"shopbot-1", "shopbot-2"}


def test_the_transcript_of_a_run_reaches_the_hub(hub: ServerProcess, rest: httpx.Client, repo: Path,
                                                 log: Path) -> None:
    task_id = enqueue(rest, "shop", "Add x.txt\n\nfake: write x.txt hello", title="Add x.txt")
    with agent_run(hub.url, repo, log, "--id", "scribe") as runner:
        runner.until(task_id, "submitted for review")
    transcript = rest.get(f"/admin/tasks/{task_id}/transcript").json()
    kinds = [e["kind"] for e in transcript["entries"]]
    texts = " | ".join(e["text"] for e in transcript["entries"])
    assert "tool_call" in kinds and "message" in kinds and "system" in kinds
    assert "mcp__waaah__update_progress" in texts and f"Changed files for {task_id}." in texts
    assert {e["agentId"] for e in transcript["entries"]} == {"scribe-1"}
