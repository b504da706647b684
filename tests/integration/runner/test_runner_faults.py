"""When the CLI misbehaves or the runner is stopped: crashes are retried then FAILED with a reason, a
silent CLI is killed as stalled, a cancelled task loses its CLI and worktree, a missing CLI fails at
once, and Ctrl-C signs the agents off with their tasks back in the queue and no child left."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx

from tests.integration.runner.runner_support import agent_run, enqueue, fake_runs, task
from tests.live import ServerProcess


def failure_of(rest: httpx.Client, task_id: str) -> str:
    done = task(rest, task_id)
    assert done["status"] == "FAILED"
    return str(done["response"]["message"])


def test_a_crashing_cli_is_retried_then_the_task_fails_with_agent_exit(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    task_id = enqueue(rest, "shop", "Crash\n\nfake: crash", title="Crash")
    with agent_run(hub.url, repo, log, "--id", "crashy", "--max-attempts", "2") as runner:
        runner.until(task_id, "FAILED agent_exit")
    assert failure_of(rest, task_id).startswith("agent_exit: cmd exited with 3")
    assert len(fake_runs(log)) == 2
    assert "Your previous run failed (agent_exit)" in fake_runs(log)[1]["prompt"]


def test_a_crash_once_is_retried_and_the_retry_goes_to_review(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    task_id = enqueue(rest, "shop", "Flaky\n\nfake: crash-once", title="Flaky")
    with agent_run(hub.url, repo, log, "--id", "flaky") as runner:
        runner.until(task_id, "attempt 1/3 failed: agent_exit")
        runner.until(task_id, "submitted for review")
    assert task(rest, task_id)["status"] == "IN_REVIEW"


def test_a_silent_cli_is_killed_as_stalled(hub: ServerProcess, rest: httpx.Client, repo: Path,
                                           log: Path) -> None:
    task_id = enqueue(rest, "shop", "Hang\n\nfake: hang", title="Hang")
    with agent_run(hub.url, repo, log, "--id", "sleepy", "--max-attempts", "1", "--stall-timeout", "2") as runner:
        runner.until(task_id, "FAILED stalled")
    assert failure_of(rest, task_id) == "stalled: no output for 2 s"


def test_a_missing_cli_fails_the_task_at_once(hub: ServerProcess, rest: httpx.Client, repo: Path,
                                              log: Path) -> None:
    task_id = enqueue(rest, "shop", "Anything", title="Anything")
    with agent_run(hub.url, repo, log, "--id", "nocli", cmd="no-such-agent-cli {prompt_file}") as runner:
        runner.until(task_id, "FAILED cli_missing")
    assert failure_of(rest, task_id).startswith("cli_missing: cannot start no-such-agent-cli")


def test_a_cancelled_task_loses_its_cli_and_worktree(hub: ServerProcess, rest: httpx.Client, repo: Path,
                                                     log: Path) -> None:
    task_id = enqueue(rest, "shop", "Hang\n\nfake: hang", title="Hang")
    with agent_run(hub.url, repo, log, "--id", "cancelme") as runner:
        runner.until(task_id, "started (pid")
        assert rest.post(f"/admin/tasks/{task_id}/cancel").status_code == 200
        runner.until(task_id, "cancelled: CLI stopped, worktree removed")
    assert not (repo / ".worktrees" / task_id).exists()
    assert task(rest, task_id)["status"] == "CANCELLED"


def test_ctrl_c_signs_the_agents_off_and_requeues_their_tasks(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    task_id = enqueue(rest, "shop", "Hang\n\nfake: hang", title="Hang")
    with agent_run(hub.url, repo, log, "--slots", "2", "--id", "quitter") as runner:
        child = int(runner.until(task_id, "started (pid").rsplit(" ", 1)[1].rstrip(")"))
        assert runner.interrupt() == 0
    agents = {a["id"]: a for a in rest.get("/admin/agents/status").json()}
    assert agents["quitter-1"]["status"] == agents["quitter-2"]["status"] == "OFFLINE"
    assert task(rest, task_id)["status"] == "QUEUED"
    assert _gone(child)
    assert (repo / ".worktrees" / task_id).exists()  # kept for a later resume


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIG_DFL)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
