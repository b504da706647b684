"""What the runner tests share: a git repository in a temp folder, `waaah agent run --cmd <fake CLI>` as a
subprocess whose output lines are the events to wait on, and REST access to the hub."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import API_KEY
from tests.integration.cli.cli_runner import WAAAH, Lines, cli_env

FAKE_CLI = Path(__file__).parents[2] / "fake_agent" / "fake_cli.py"
FAKE_CMD = f"{sys.executable} {FAKE_CLI} {{prompt_file}} {{mcp_config}} {{session_id}}"
LINE_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          timeout=60).stdout


def make_repo(path: Path, commits: int = 1) -> Path:
    """A repository on `main` with `commits` commits and a local identity."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test User")
    git(path, "config", "user.email", "test@example.invalid")
    for n in range(commits):
        (path / "README.md").write_text(f"# demo repository\n\nrevision {n}\n")
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"revision {n}")
    return path


def enqueue(rest: httpx.Client, repo_id: str, prompt: str, deps: list[str] | None = None,
            title: str | None = None, **extra: Any) -> str:
    """A code-writing task for `repo_id`; `extra` adds fields (`verify=[...]`)."""
    body = {"prompt": prompt, "title": title or prompt.splitlines()[0][:60], "workspaceId": repo_id,
            "requiredCapabilities": ["code-writing"], "dependencies": deps or [], **extra}
    response = rest.post("/admin/enqueue", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["taskId"])


def commit_files(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def approve(rest: httpx.Client, task_id: str) -> None:
    response = rest.post(f"/admin/tasks/{task_id}/approve")
    assert response.status_code == 200, response.text


def checks(rest: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    """The task's recorded checks, oldest first."""
    response = rest.get(f"/admin/tasks/{task_id}/checks")
    assert response.status_code == 200, response.text
    return sorted(response.json()["checks"], key=lambda c: int(c["ranAt"]))


def task(rest: httpx.Client, task_id: str) -> dict[str, Any]:
    response = rest.get(f"/admin/tasks/{task_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def fake_runs(log: Path) -> list[dict[str, Any]]:
    """What the fake CLI recorded, one entry per run."""
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


class Runner:
    """A running `waaah agent run`; each wait is bounded, and it is stopped by its pid."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines = Lines(process)

    def until(self, *fragments: str, timeout: float = LINE_TIMEOUT) -> str:
        """The next output line that contains every fragment."""
        return self.lines.until(lambda line: all(f in line for f in fragments), timeout)

    def interrupt(self) -> int:
        """SIGINT, as Ctrl-C; the exit code (bounded wait)."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def agent_run(url: str, repo: Path, log: Path, *args: str, cmd: str = FAKE_CMD) -> Iterator[Runner]:
    env = {**cli_env(url, API_KEY), "FAKE_AGENT_LOG": str(log)}
    argv = [WAAAH, "agent", "run", "--workspace", str(repo), "--cmd", cmd, *args]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    runner = Runner(process)
    try:
        runner.until("waaah agent run:", timeout=LINE_TIMEOUT)
        yield runner
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
