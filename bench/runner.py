"""`waaah agent run` overhead, with a no-op CLI so only the runner's own work is measured.

    python bench/runner.py [--url URL --key KEY] [--tasks 30] [--wide-tasks 64]

Without --url it starts its own `waaah serve` (SQLite, a random 127.0.0.1 port). A repository with
100 commits is made in a temp folder; the CLI is `sh -c 'echo … > file'` (the runner commits it).
Tasks need no review, so each one is: wait_for_prompt → ack → progress → worktree add → CLI →
commit → diff → merge into main (scratch worktree, update-ref, the checkout brought along) →
COMPLETED → worktree remove.

(a) one slot, tasks one after another: wall time per task (the target is ≤ 150 ms), each task's end
    awaited with the `wait_for_task` long poll (no polling interval in the figure);
(f) the floor, in the same sitting: the git commands the runner runs for one task (worktree add, the
    CLI's write, add, commit, diff, a scratch worktree for the merge, update-ref, the checkout brought
    along, worktree remove, branch delete) run back to back with no hub and no runner, so (a) minus (f) is
    what the runner and the hub add;
(b) 8 slots on one runner, --wide-tasks tasks enqueued at once: tasks/s, and a check that no lease was
    missed (every task COMPLETED, acknowledged once, never requeued by an ack timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rest import Rest

WAAAH = str(Path(sys.executable).with_name("waaah"))
CLI = "sh -c 'echo {task_id} > {task_id}.txt'"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo(path: Path, commits: int = 100) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "bench")
    git(path, "config", "user.email", "bench@example.invalid")
    for n in range(commits):
        (path / f"file{n % 10}.txt").write_text(f"revision {n}\n")
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"revision {n}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(tmp: Path, key: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "WAAAH_API_KEY": key, "WAAAH_PORT": str(port), "WAAAH_HOME": str(tmp / "home"),
           "WAAAH_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
    server = subprocess.Popen([WAAAH, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


async def wait_healthy(rest: Rest, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await rest.get("/health")).status_code == 200:
                return
        except (OSError, RuntimeError):
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("the hub did not start")


def start_runner(url: str, key: str, repo: Path, slots: int, runner_id: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WAAAH_SERVER_URL": url, "WAAAH_API_KEY": key}
    argv = [WAAAH, "agent", "run", "--workspace", str(repo), "--cmd", CLI, "--slots", str(slots), "--id", runner_id]
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def enqueue(rest: Rest, workspace: str, n: int) -> str:
    body = {"prompt": f"bench task {n}", "title": f"bench {n}", "workspaceId": workspace,
            "requiredCapabilities": ["code-writing"], "requiresReview": False}
    reply = await rest.post("/admin/enqueue", body)
    reply.raise_for_status()
    return str(reply.json()["taskId"])


async def wait_done(rest: Rest, task_ids: list[str], timeout: float = 600) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tasks = [(await rest.get(f"/admin/tasks/{t}")).json() for t in task_ids]
        if all(t["status"] in ("COMPLETED", "FAILED", "CANCELLED") for t in tasks):
            return tasks
        await asyncio.sleep(0.02)
    raise TimeoutError("tasks did not finish")


async def finished(rest: Rest, task_id: str) -> None:
    """Until the task is finished, by the hub's own long poll."""
    while True:
        reply = await rest.post("/mcp/tools/wait_for_task", {"taskId": task_id, "timeout": 60})
        answer = json.loads(reply.json()["content"][0]["text"])
        if answer["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return


async def serial(rest: Rest, url: str, key: str, tmp: Path, count: int) -> None:
    repo = make_repo(tmp / "serial")
    runner = start_runner(url, key, repo, 1, f"bench-{secrets.token_hex(3)}")
    try:
        await wait_done(rest, [await enqueue(rest, "serial", -1)])  # warm-up: the runner is up
        times = []
        for n in range(count):
            started = time.perf_counter()
            await finished(rest, await enqueue(rest, "serial", n))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)
    times.sort()
    print(f"(a) one slot, {count} tasks on a 100-commit repository: mean {sum(times) / count:.0f} ms, "
          f"median {times[count // 2]:.0f} ms, max {times[-1]:.0f} ms per task (enqueue → COMPLETED, merged)")


def git_floor(tmp: Path, count: int) -> None:
    """The git work of one task, as the runner does it, with nothing else."""
    repo = make_repo(tmp / "floor")
    times = []
    for n in range(count):
        started = time.perf_counter()
        task, worktree, scratch = f"task-{n}", repo / ".worktrees" / f"task-{n}", repo / ".worktrees" / f".merge-{n}"
        git(repo, "worktree", "prune")
        git(repo, "worktree", "add", "-q", str(worktree), "-b", f"waaah/{task}", "main")
        subprocess.run(["sh", "-c", f"echo {task} > {task}.txt"], cwd=worktree, check=True)
        git(worktree, "add", "-A")
        git(worktree, "status", "--porcelain")
        git(worktree, "commit", "--no-verify", "-q", "-m", task)
        git(worktree, "diff", "--no-color", "main...HEAD")
        git(worktree, "rev-parse", "HEAD")
        old = subprocess.run(["git", "rev-parse", "main"], cwd=repo, capture_output=True, text=True).stdout.strip()
        git(repo, "worktree", "add", "-q", "--detach", str(scratch), old)
        git(scratch, "merge", "--no-ff", "-q", "-m", f"Merge {task}", f"waaah/{task}")
        new = subprocess.run(["git", "rev-parse", "HEAD"], cwd=scratch, capture_output=True, text=True).stdout.strip()
        git(repo, "update-ref", "refs/heads/main", new, old)
        git(repo, "status", "--porcelain", "--untracked-files=no")
        git(repo, "read-tree", "-u", "-m", old, new)
        for path in (scratch, worktree):
            git(repo, "worktree", "remove", "--force", str(path))
        git(repo, "branch", "-D", f"waaah/{task}")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"(f) floor: the same git work alone, {count} tasks: mean {sum(times) / count:.0f} ms, "
          f"median {times[count // 2]:.0f} ms per task")


async def wide(rest: Rest, url: str, key: str, tmp: Path, count: int) -> None:
    repo = make_repo(tmp / "wide")
    runner = start_runner(url, key, repo, 8, f"wide-{secrets.token_hex(3)}")
    try:
        await wait_done(rest, [await enqueue(rest, "wide", -1)])
        started = time.perf_counter()
        ids = [await enqueue(rest, "wide", n) for n in range(count)]
        tasks = await wait_done(rest, ids)
        elapsed = time.perf_counter() - started
    finally:
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)
    done = sum(t["status"] == "COMPLETED" for t in tasks)
    missed = sum(any("timeout" in (h.get("message") or "").lower() or "Requeued" in (h.get("message") or "")
                     for h in t.get("history", [])) for t in tasks)
    acks = [sum(h.get("status") == "ASSIGNED" for h in t.get("history", [])) for t in tasks]
    merged = subprocess.run(["git", "ls-tree", "--name-only", "main"], cwd=repo, capture_output=True,
                            text=True).stdout.split()
    print(f"(b) 8 slots, {count} tasks: {count / elapsed:.1f} tasks/s; {done}/{count} COMPLETED, "
          f"{missed} missed leases, acks per task {min(acks)} to {max(acks)}, "
          f"{sum(f'{t}.txt' in merged for t in ids)}/{count} merged into main")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--key")
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--wide-tasks", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="waaah-bench-runner-") as folder:
        tmp = Path(folder)
        git_floor(tmp, args.tasks)  # first: it blocks, and idle keep-alive connections would be dropped meanwhile
        key, server = args.key or secrets.token_hex(16), None
        url = args.url
        if not url:
            server, url = start_server(tmp, key)
        try:
            async with Rest(url, key) as rest:
                await wait_healthy(rest)
                await serial(rest, url, key, tmp, args.tasks)
                await wide(rest, url, key, tmp, args.wide_tasks)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
