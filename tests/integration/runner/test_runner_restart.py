"""A hub killed with `kill -9` and started again on the same port and database: the runner stays up,
says once that the hub is gone and once that it is back, finishes the task it was working on exactly
once, and takes new work, with its agents registered as they were."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.integration.runner.runner_support import Runner, agent_run, approve, enqueue, task
from tests.live import ServerProcess

GATED_CLI = Path(__file__).with_name("gated_cli.py")
GATED_CMD = f"{sys.executable} {GATED_CLI} {{prompt_file}}"
GATE_TIMEOUT = 60.0


@contextmanager
def gate() -> Iterator[socket.socket]:
    """A port a gated CLI connects to and waits at (`gate: PORT` in its prompt)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(GATE_TIMEOUT)
        yield server


def restart(hub: ServerProcess, runner: Runner) -> None:
    """kill -9 the hub, see the runner notice, start it again on the same port and database."""
    hub.kill()
    runner.until("hub unreachable at", hub.url, "retrying")
    hub.start()
    runner.until("hub back at", hub.url)


def status_moves(rest: httpx.Client, task_id: str) -> list[str]:
    """The statuses the task's events moved it to, in order."""
    events = rest.get("/admin/events", params={"since": 0, "limit": 1000}).json()["events"]
    return [e["payload"]["status"] for e in events
            if task_id in (e["payload"].get("id"), e["payload"].get("taskId")) and "status" in e["payload"]]


def test_a_task_being_worked_on_when_the_hub_is_killed_completes_once_after_the_restart(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    with gate() as server:
        port = server.getsockname()[1]
        task_id = enqueue(rest, "shop", f"Work through a restart\n\ngate: {port}", title="Through a restart")
        with agent_run(hub.url, repo, log, "--id", "phoenix", cmd=GATED_CMD) as runner:
            cli, _ = server.accept()  # the CLI is mid-run
            with cli:
                restart(hub, runner)
                cli.sendall(b"go")
            runner.until(task_id, "submitted for review")
            approve(rest, task_id)
            runner.until(task_id, "Merged into main")
            assert task(rest, task_id)["status"] == "COMPLETED"
            assert status_moves(rest, task_id).count("COMPLETED") == 1
            assert status_moves(rest, task_id).count("IN_REVIEW") == 1

            later = enqueue(rest, "shop", "Work after the restart", title="After the restart")
            runner.until(later, "submitted for review")
            assert runner.process.poll() is None
    assert "Traceback" not in "\n".join(runner.lines.seen)


def test_a_runner_waiting_for_work_when_the_hub_is_killed_takes_work_after_the_restart(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path) -> None:
    with agent_run(hub.url, repo, log, "--id", "waiter", "--slots", "2", cmd=GATED_CMD) as runner:
        runner.until("waiter-2", "waiting for work")
        restart(hub, runner)
        task_id = enqueue(rest, "shop", "Work after the restart", title="After the restart")
        runner.until(task_id, "submitted for review")
        assert runner.process.poll() is None
    agents = {a["id"]: a for a in rest.get("/admin/agents/status").json()}
    assert {a["workspaceContext"]["repoId"] for a in (agents["waiter-1"], agents["waiter-2"])} == {"shop"}
    assert sum("hub unreachable" in line for line in runner.lines.seen) == 1


def test_a_hub_that_comes_back_without_the_agents_gets_them_registered_again(
        hub: ServerProcess, rest: httpx.Client, repo: Path, log: Path, tmp_path: Path) -> None:
    with agent_run(hub.url, repo, log, "--id", "amnesia", cmd=GATED_CMD) as runner:
        runner.until("amnesia-1", "waiting for work")
        hub.env["WAAAH_DATABASE_URL"] = f"sqlite:///{tmp_path}/fresh.db"  # a hub that knows nobody
        restart(hub, runner)
        task_id = enqueue(rest, "shop", "Work for a forgotten agent", title="Forgotten")
        runner.until(task_id, "submitted for review")
    agent = {a["id"]: a for a in rest.get("/admin/agents/status").json()}["amnesia-1"]
    assert agent["workspaceContext"]["repoId"] == "shop"
    assert "code-writing" in agent["capabilities"]
