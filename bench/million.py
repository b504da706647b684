"""The million-task store: a hub over `--tasks` tasks (default 1,000,000, `--active` of them active).

    python bench/million.py --tasks 1000000 [--active 0.1] [--db /tmp/million/m.db | --pg URL]
    python bench/million.py --url http://127.0.0.1:PORT --key KEY --pid PID   # a hub already seeded

Without `--url` it seeds a fresh database in bulk before any server runs (SQLite: `executemany` on
the file; PostgreSQL: `COPY`), with no events (the log counter stays 0, which is consistent: no task
was written through the service), then starts `waaah serve` on it on a random loopback port and
times the spawn to the first `200` from `/health`. Active tasks are half QUEUED in workspaces no
agent works in, half BLOCKED; finished ones 7/9 COMPLETED, 1/9 FAILED, 1/9 CANCELLED; one task in
1,000 has "needle" in its title.

Then, sequentially: connect → `sync:full` (`bench/realtime.py`'s syncfull: the row form cold after a
write and warm, its size; the object form a client without patterns gets, its time and size, with
`/health` sampled meanwhile);
`GET /admin/tasks` p50/p99 for the default list, `status=ACTIVE`, `status=COMPLETED`, a search that
matches (`q=needle`) and one that does not; a task's detail p50/p99 (random ids); a found-work poll
(`wait_for_prompt` by an agent whose workspace gets one new task each time: a scheduler pass over
the queued index; once right after start-up, while the scheduler may still be loading its index,
then twice `--runs` times); the server's RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agents import Hub
from backlog import poll_cost
from measure import percentile, rss_kib
from realtime import syncfull
from startup import free_port, healthy

from waaah.domain.lifecycle import Status
from waaah.domain.tasks import Task
from waaah.store import ensure_migrated
from waaah.store.sql import columns, to_row

KEY = "million-bench"
BATCH = 20_000
BASE_MS = 1_600_000_000_000
FINISHED = [Status.COMPLETED] * 7 + [Status.FAILED, Status.CANCELLED]


def rows(count: int, active_share: float) -> Iterator[tuple[Any, ...]]:
    """Every task's column values, oldest first; the active ones spread evenly over the table."""
    template = to_row(Task(id="x", status=Status.QUEUED, prompt="x", created_at=0, updated_at=0))
    names = columns(Task)
    every = max(1, round(1 / active_share)) if active_share else 0
    for n in range(count):
        created = BASE_MS + n * 10
        active = bool(every) and n % every == 0
        status = (Status.QUEUED if n // every % 2 == 0 else Status.BLOCKED) if active else FINISHED[n % 9]
        values = {**template, "id": f"task-{created}-{n:07d}", "status": status.value, "created_at": created,
                  "updated_at": created, "title": f"seeded task {n}" + (" needle" if n % 1000 == 7 else ""),
                  "prompt": f"seeded task {n}\nDo the thing number {n} in the bench workspace, then report back.",
                  "to_workspace_id": f"bench/nobody-{n % 97}" if active else None,
                  "blocked_reason": "question" if status is Status.BLOCKED else None,
                  "completed_at": None if active else created + 5}
        yield tuple(values[name] for name in names)


def seed_sqlite(path: Path, count: int, active_share: float) -> None:
    import sqlite3

    names = columns(Task)
    insert = f"INSERT INTO tasks ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    with sqlite3.connect(path) as db:
        batch: list[tuple[Any, ...]] = []
        for row in rows(count, active_share):
            batch.append(row)
            if len(batch) == BATCH:
                db.executemany(insert, batch)
                batch.clear()
        db.executemany(insert, batch)
        db.execute("ANALYZE")


def seed_postgres(url: str, count: int, active_share: float) -> None:
    import psycopg

    names = columns(Task)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as db, db.cursor() as cur:
        with cur.copy(f"COPY tasks ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows(count, active_share):
                copy.write_row(row)
        cur.execute("ANALYZE tasks")


def seed(url: str, count: int, active_share: float) -> float:
    started = time.perf_counter()
    ensure_migrated(url)
    if url.startswith("sqlite"):
        seed_sqlite(Path(url.split(":///", 1)[1]), count, active_share)
    else:
        seed_postgres(url, count, active_share)
    return time.perf_counter() - started


def start(url: str, home: Path) -> tuple[subprocess.Popen[bytes], int, float]:
    port = free_port()
    env = {**os.environ, "WAAAH_PORT": str(port), "WAAAH_HOST": "127.0.0.1", "WAAAH_API_KEY": KEY,
           "WAAAH_DATABASE_URL": url, "WAAAH_HOME": str(home)}
    waaah = str(Path(__file__).parents[1] / ".venv/bin/waaah")
    started = time.perf_counter()
    proc = subprocess.Popen([waaah, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while not healthy(port):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        if time.perf_counter() - started > 600:
            raise RuntimeError("no /health answer within 600 s")
        time.sleep(0.005)
    return proc, port, time.perf_counter() - started


def spread(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ms), 1), "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1)}


async def timed_gets(hub: Hub, paths: list[tuple[str, dict[str, Any]]]) -> dict[str, float]:
    times = []
    for path, params in paths:
        started = time.perf_counter()
        (await hub.rest.get(path, params=params)).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return spread(times)


async def cancel_probes(hub: Hub) -> None:
    """Cancel the tasks `syncfull` enqueued and left QUEUED."""
    found = await hub.rest.get("/admin/tasks", params={"q": "probe", "status": "QUEUED", "limit": 100})
    found.raise_for_status()
    for task in found.json():
        (await hub.rest.post(f"/admin/tasks/{task['id']}/cancel")).raise_for_status()


async def measure(url: str, key: str, pid: int | None, count: int, runs: int,
                  sync_full: bool = True) -> dict[str, Any]:
    hub = Hub(url, key)
    try:
        out: dict[str, Any] = {"rss_start_mib": round(rss_kib(pid) / 1024, 1) if pid else None}
        await cancel_probes(hub)  # those an earlier run against this hub left
        out["first_found_work_poll_ms"] = round((await poll_cost(hub, 1))[0], 1)  # the index loading or loaded
        if sync_full:
            out["sync_full"] = await syncfull(url, key, runs)
        await cancel_probes(hub)  # queued with no workspace: the found-work poll below would get them
        lists = {"default": {}, "status=ACTIVE": {"status": "ACTIVE"}, "status=COMPLETED": {"status": "COMPLETED"},
                 "q=needle": {"q": "needle"}, "q=nothing matches": {"q": "no such words"}}
        out["list"] = {name: await timed_gets(hub, [("/admin/tasks", params)] * runs * 2)
                       for name, params in lists.items()}
        ids = [f"task-{BASE_MS + n * 10}-{n:07d}" for n in random.sample(range(count), min(count, runs * 10))]
        out["detail"] = await timed_gets(hub, [(f"/admin/tasks/{i}", {}) for i in ids])
        out["found_work_poll"] = spread(await poll_cost(hub, runs * 2))
        out["rss_end_mib"] = round(rss_kib(pid) / 1024, 1) if pid else None
        return out
    finally:
        await hub.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--active", type=float, default=0.1, help="the share of tasks that are active")
    parser.add_argument("--db", help="SQLite file to seed (default: a temporary one)")
    parser.add_argument("--pg", help="PostgreSQL URL of an empty database to seed instead")
    parser.add_argument("--url", help="a running, already seeded hub: measure only")
    parser.add_argument("--key", default=KEY)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-sync-full", dest="sync_full", action="store_false",
                        help="skip sync:full (its object form reads every active task's messages and history)")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_average_start": Path("/proc/loadavg").read_text().split()[:3]}
    if args.url:
        report.update(asyncio.run(measure(args.url, args.key, args.pid, args.tasks, args.runs, args.sync_full)))
    else:
        with tempfile.TemporaryDirectory(prefix="waaah-million-") as tmp:
            url = args.pg or f"sqlite:///{args.db or Path(tmp) / 'million.db'}"
            report.update(tasks=args.tasks, active=int(args.tasks * args.active), backend=url.split(":", 1)[0])
            report["seed_s"] = round(seed(url, args.tasks, args.active), 1)
            proc, port, report["startup_s"] = start(url, Path(tmp) / "home")
            try:
                report.update(asyncio.run(measure(f"http://127.0.0.1:{port}", KEY, proc.pid, args.tasks, args.runs,
                                                   args.sync_full)))
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)
    report["load_average_end"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
