"""`waaah agent doctor`: one line per check, exit 1 when any fails, each failure saying what to do."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import API_KEY
from tests.integration.cli.cli_runner import WAAAH, cli_env
from tests.live import ServerProcess


def doctor(url: str, *args: str, key: str = API_KEY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WAAAH, "agent", "doctor", *args], env=cli_env(url, key), capture_output=True,
                          text=True, timeout=60)


def test_a_ready_machine_passes_every_check(hub: ServerProcess, repo: Path) -> None:
    done = doctor(hub.url, "--cmd", "git {prompt_file}", "--workspace", str(repo))
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert all(line.startswith("ok   ") for line in lines)
    assert [line.split()[1] for line in lines] == ["git", "repository", "base", "git", "hub", "API"]
    assert not (repo / ".worktrees").exists() and "wt" not in subprocess.run(
        ["git", "worktree", "list"], cwd=repo, capture_output=True, text=True).stdout


def test_each_problem_is_a_fail_line_with_its_fix(hub: ServerProcess, tmp_path: Path) -> None:
    done = doctor(hub.url, "--cmd", "no-such-agent-cli", "--workspace", str(tmp_path), key="wrong")
    assert done.returncode == 1
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL ")]
    assert fails[0].startswith("FAIL no-such-agent-cli installed — install it or put it on PATH")
    assert fails[1].startswith(f"FAIL repository {tmp_path} — ") and "not a git repository" in fails[1]
    assert fails[2].startswith("FAIL API key from WAAAH_API_KEY accepted — the hub answered 401")
