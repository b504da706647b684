"""Start-up: how long `waaah serve` takes to answer `/health`, and what `waaah --help` costs.

    python bench/startup.py [--runs 5] [--waaah .venv/bin/waaah] [--reference CMD]

Each run starts a fresh `waaah serve` process on a random loopback port and times from the spawn to
the first `200` from `GET /health` (polled every 2 ms), then to the first answer of an MCP
`initialize` POSTed to `/mcp` right after (the MCP SDK loads on that request), then stops it
(SIGTERM, by pid). It also reports the CPU the server (with its migration child) used until
`/health`, steadier than the wall clock on a shared machine. Runs alternate between a fresh SQLite
file (created and migrated by that start) and an existing one (migrated by an earlier start,
holding `--tasks` tasks). `waaah --help`, `waaah list --help` and `waaah list` (against the server
that seeded the existing file) are timed as whole processes. `--reference CMD` also times a server
started by `CMD` (with `{port}` in it), e.g. the TypeScript reference, in the same alternation.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

KEY = "startup-bench"
HEALTH_DEADLINE = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


INITIALIZE = (b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", '
              b'"capabilities": {}, "clientInfo": {"name": "startup-bench", "version": "1"}}}')


def mcp_answers(port: int) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=INITIALIZE, method="POST", headers={
        "X-API-Key": KEY, "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    with urllib.request.urlopen(request, timeout=HEALTH_DEADLINE) as reply:
        reply.read()


def cpu_seconds(pid: int) -> float:
    """CPU time of `pid` and its waited-for children (the migration child) so far: less noisy than the
    wall clock on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def time_until_healthy(argv: list[str], env: dict[str, str], port: int,
                       mcp: list[float] | None = None, cpu: list[float] | None = None) -> float:
    """Seconds from spawning `argv` to its first healthy answer (into `cpu`, the CPU it used until then;
    into `mcp`, the seconds to its first MCP answer); the process is stopped after."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not healthy(port):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            if time.perf_counter() - started > HEALTH_DEADLINE:
                raise RuntimeError("no /health answer within 30 s")
            time.sleep(0.002)
        healthy_after = time.perf_counter() - started
        if cpu is not None:
            cpu.append(cpu_seconds(proc.pid))
        if mcp is not None:
            mcp_answers(port)
            mcp.append(time.perf_counter() - started)
        return healthy_after
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_env(db: Path, home: Path, port: int) -> dict[str, str]:
    return {**os.environ, "WAAAH_PORT": str(port), "WAAAH_HOST": "127.0.0.1", "WAAAH_API_KEY": KEY,
            "WAAAH_DATABASE_URL": f"sqlite:///{db}", "WAAAH_HOME": str(home)}


def seed(waaah: str, db: Path, home: Path, tasks: int, runs: int) -> list[float]:
    """Migrate `db` by starting once, then add `tasks` tasks over REST; returns `runs` timings of
    `waaah list` against that server."""
    port = free_port()
    env = serve_env(db, home, port)
    proc = subprocess.Popen([waaah, "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.perf_counter() + HEALTH_DEADLINE
        while not healthy(port) and time.perf_counter() < deadline:
            time.sleep(0.01)
        for n in range(tasks):
            body = f'{{"prompt": "startup bench task {n}", "workspaceId": "ws-{n % 10}"}}'.encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/admin/enqueue", data=body, method="POST",
                                             headers={"X-API-Key": KEY, "Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=10).close()
        cli_env = {**env, "WAAAH_SERVER_URL": f"http://127.0.0.1:{port}"}
        return [time_command([waaah, "list"], cli_env) for _ in range(runs)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def time_command(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def summary(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return (f"{name:<28} median {statistics.median(ms):7.0f} ms   range {ms[0]:.0f}-{ms[-1]:.0f} ms"
            f"   ({len(ms)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=200, help="tasks in the existing database")
    parser.add_argument("--waaah", default=str(Path(__file__).parent.parent / ".venv/bin/waaah"))
    parser.add_argument("--reference", help="command starting another server, with {port} in it")
    args = parser.parse_args()
    results: dict[str, list[float]] = {"existing database": [], "existing: CPU until /health": [],
                                       "existing: first /mcp answer": [],
                                       "fresh database": [], "fresh: CPU until /health": [],
                                       "fresh: first /mcp answer": [],
                                       "waaah --help": [], "waaah list --help": []}
    if args.reference:
        results["reference"] = []
    with tempfile.TemporaryDirectory(prefix="waaah-startup-") as tmp:
        root = Path(tmp)
        existing = root / "existing.db"
        results["waaah list (running server)"] = seed(args.waaah, existing, root / "home", args.tasks, args.runs)
        for run in range(args.runs):
            port = free_port()
            results["existing database"].append(time_until_healthy(
                [args.waaah, "serve"], serve_env(existing, root / "home", port), port,
                results["existing: first /mcp answer"], results["existing: CPU until /health"]))
            fresh, port = root / f"fresh-{run}.db", free_port()
            results["fresh database"].append(time_until_healthy(
                [args.waaah, "serve"], serve_env(fresh, root / "home", port), port,
                results["fresh: first /mcp answer"], results["fresh: CPU until /health"]))
            if args.reference:
                port = free_port()
                argv = shlex.split(args.reference.format(port=port))
                results["reference"].append(time_until_healthy(argv, {**os.environ, "PORT": str(port)}, port))
            results["waaah --help"].append(time_command([args.waaah, "--help"]))
            results["waaah list --help"].append(time_command([args.waaah, "list", "--help"]))
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
    for name, values in results.items():
        print(summary(name, values))


if __name__ == "__main__":
    main()
