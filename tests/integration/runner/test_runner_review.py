"""Work that comes back: a rejection resumes the same agent's session in the same worktree with the
feedback and the review comments; an answered question resumes the blocked session; a merge conflict
goes back to the agent that did the work."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integration.runner.runner_support import agent_run, approve, enqueue, fake_runs, git, task
from tests.live import ServerProcess


def test_a_rejected_task_resumes_the_same_session_in_the_same_worktree_with_the_feedback(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    task_id = enqueue(rest, "shop", "Add the price list", title="Add the price list")
    with agent_run(hub.url, repo, log, "--id", "pricer") as runner:
        runner.until(task_id, "submitted for review")
        comment = {"filePath": f"{task_id}.txt", "lineNumber": 1, "content": "say which currency"}
        assert rest.post(f"/admin/tasks/{task_id}/review-comments", json=comment).status_code == 200
        assert rest.post(f"/admin/tasks/{task_id}/reject", json={"feedback": "prices need a currency"}
                         ).status_code == 200
        runner.until(task_id, "submitted for review")
    first, second = fake_runs(log)
    assert first["cwd"] == second["cwd"] == str(repo / ".worktrees" / task_id)
    assert first["agent_id"] == second["agent_id"] == "pricer-1"
    assert second["session"] == first["session"]  # the CLI was given its session back
    assert "prices need a currency" in second["prompt"]
    assert f"{task_id}.txt:1 — say which currency" in second["prompt"]
    assert "prices need a currency" not in first["prompt"]
    assert "run 2 by pricer-1" in task(rest, task_id)["response"]["diff"]


def test_a_question_ends_the_session_and_the_answer_resumes_it(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    task_id = enqueue(rest, "shop", "Add a logo\n\nfake: ask Which colour should the logo be?", title="Logo")
    with agent_run(hub.url, repo, log, "--id", "artist") as runner:
        runner.until(task_id, "blocked on a question")
        blocked = task(rest, task_id)
        assert blocked["status"] == "BLOCKED"
        assert rest.post(f"/admin/tasks/{task_id}/answer", json={"answer": "Teal, please"}).status_code == 200
        runner.until(task_id, "submitted for review")
    first, second = fake_runs(log)
    assert second["session"] == first["session"] and second["cwd"] == first["cwd"]
    assert "Teal, please" in second["prompt"] and "Teal, please" not in first["prompt"]
    assert task(rest, task_id)["status"] == "IN_REVIEW"


def test_a_merge_conflict_goes_back_to_the_agent_that_did_the_work(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    first = enqueue(rest, "shop", "One side\n\nfake: conflict", title="One side")
    second = enqueue(rest, "shop", "Other side\n\nfake: conflict", title="Other side")
    with agent_run(hub.url, repo, log, "--slots", "2", "--id", "merger") as runner:
        runner.until("submitted for review")
        runner.until("submitted for review")
        approve(rest, first)
        runner.until(first, "Merged into main")
        approve(rest, second)
        runner.until(second, "merge conflict in conflict.txt")
        runner.until(second, "submitted for review")
        again = task(rest, second)
        assert again["status"] == "IN_REVIEW" and again["assignedTo"] in ("merger-1", "merger-2")
        approve(rest, second)
        runner.until(second, "Merged into main")
    runs = [r for r in fake_runs(log) if r["task_id"] == second]
    assert len(runs) == 2 and runs[0]["agent_id"] == runs[1]["agent_id"]
    assert "conflicts in: conflict.txt" in runs[1]["prompt"]
    merged = git(repo, "show", "main:conflict.txt")
    assert f"line from {first}" in merged and f"line from {second}" in merged and "<<<<<<<" not in merged
