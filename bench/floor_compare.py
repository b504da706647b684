"""waaah against the floor, in alternating runs: write → event latency and server CPU per write.

    python bench/floor_compare.py [--runs 3] [--sockets 50] [--rate 100] [--seconds 10]

Needs `make js-client` (node and tests/js/node_modules/ws). Each run starts a fresh floor
(`node bench/floor.mjs PORT`, the least any hub must do) and a fresh waaah (`bench/realtime.py
serve` on a new SQLite file), waits until the server is idle (what it does after it first answers,
such as loading the MCP SDK, is not counted), runs bench/realtime.py's latency scenario against
each — `--sockets` sockets subscribed to every task and agent event, POST /admin/enqueue at
`--rate` per second for `--seconds` — and stops each by its pid. The order flips every run (floor
first, then waaah first), so a drift in the machine's load does not favour either. The server's
CPU per write comes from /proc/<pid>/stat over the writes. It prints one JSON line per
measurement (with /proc/loadavg before it), then for write → event p50 and p99 and CPU per write:
each side's range over the runs and the ratio waaah / floor (of the medians, and the range of the
per-run ratios).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from measure import cpu_seconds
from realtime import latency
from startup import free_port, healthy, serve_env

HERE = Path(__file__).parent
KEY = "floor-compare"
START_DEADLINE = 60.0
FIGURES = {"write_to_event_p50_ms": ("write_to_event", "p50_ms"), "write_to_event_p99_ms": ("write_to_event", "p99_ms"),
           "server_cpu_ms_per_write": ("server_cpu_ms_per_write", None)}


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def settle(pid: int, quiet: float = 0.02, window: float = 2.0, deadline: float = 30.0) -> None:
    """Wait (up to `deadline` s) until the server spends under `quiet` s of CPU in `window` s: work
    it does after it first answers (imports, loading) is not counted against the writes."""
    end = time.monotonic() + deadline
    before = cpu_seconds(pid)
    while time.monotonic() < end:
        time.sleep(window)
        now = cpu_seconds(pid)
        if now - before < quiet:
            return
        before = now


@contextmanager
def started(argv: list[str], env: dict[str, str], ready: Any) -> Iterator[int]:
    """Spawn `argv`, wait until `ready()` (60 s at most), yield its pid; SIGTERM it (by pid) after."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + START_DEADLINE
        while not ready():
            if proc.poll() is not None:
                raise RuntimeError(f"{argv[1]} exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv[1]} not ready within {START_DEADLINE:.0f} s")
            time.sleep(0.01)
        settle(proc.pid)
        yield proc.pid
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def floor() -> Iterator[tuple[str, int]]:
    port = free_port()
    with started(["node", str(HERE / "floor.mjs"), str(port)], dict(os.environ), lambda: listening(port)) as pid:
        yield f"http://127.0.0.1:{port}", pid


@contextmanager
def waaah(root: Path, run: int) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**serve_env(root / f"run-{run}.db", root / f"home-{run}", port), "WAAAH_API_KEY": KEY}
    with started([sys.executable, str(HERE / "realtime.py"), "serve"], env, lambda: healthy(port)) as pid:
        yield f"http://127.0.0.1:{port}", pid


def measure(side: str, run: int, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    load = Path("/proc/loadavg").read_text().split()[:3]
    server = floor() if side == "floor" else waaah(root, run)
    with server as (url, pid):
        result = asyncio.run(latency(url, KEY, pid, args.sockets, args.rate, args.seconds))
    figures = {name: result[a] if b is None else result[a][b] for name, (a, b) in FIGURES.items()}
    row = {"run": run, "side": side, "loadavg": load, **figures, "missing": result["missing"],
           "achieved_rate": result["achieved_rate"], "rest_round_trip_p50_ms": result["rest_round_trip"]["p50_ms"]}
    print(json.dumps(row), flush=True)
    return row


def report(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'figure':<26} {'floor range':>15} {'waaah range':>15} {'waaah/floor':>12} {'per run':>12}")
    for name in FIGURES:
        by_side = {side: [r[name] for r in rows if r["side"] == side] for side in ("floor", "waaah")}
        per_run = [w[name] / f[name] for f in rows for w in rows
                   if f["side"] == "floor" and w["side"] == "waaah" and f["run"] == w["run"] and f[name]]
        ranges = {side: f"{min(v):.2f}-{max(v):.2f}" for side, v in by_side.items()}
        ratio = statistics.median(by_side["waaah"]) / statistics.median(by_side["floor"])
        spread = f"{min(per_run):.2f}-{max(per_run):.2f}" if per_run else "-"
        print(f"{name:<26} {ranges['floor']:>15} {ranges['waaah']:>15} {ratio:>11.2f}x {spread:>12}")
    missing = sum(r["missing"] for r in rows)
    print(f"missing events: {missing}; load average now {Path('/proc/loadavg').read_text().split()[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sockets", type=int, default=50)
    parser.add_argument("--rate", type=int, default=100, help="writes per second")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="waaah-floor-") as tmp:
        for run in range(args.runs):
            order = ("floor", "waaah") if run % 2 == 0 else ("waaah", "floor")
            rows += [measure(side, run, Path(tmp), args) for side in order]
    report(rows)


if __name__ == "__main__":
    main()
