"""Scale-out benchmark: one hub made of several `waaah serve` processes on one PostgreSQL database.

    python bench/scaleout.py --urls http://127.0.0.1:3201,http://127.0.0.1:3202,http://127.0.0.1:3203 \
                             --key KEY --pids PID1,PID2,PID3

latency     50 sockets spread evenly over the processes; POST /admin/enqueue at a steady 100/s for 10 s,
            round-robin over the processes; latency = request sent → event received, for every
            (write, socket) pair, so most events cross processes (write on A, socket on B).
throughput  N sockets spread over the processes, 8 writers round-robin, as fast as the hub takes it for
            10 s: event deliveries per second in all, and the processes' CPU share.

Run it once with one URL and once with three (same database server) to compare. It reuses the minimal
node clients of bench/realtime.py, so the client side costs little.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from contextlib import AsyncExitStack
from typing import Any

from measure import cpu_seconds
from realtime import NodeSockets, summary
from rest import Rest


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def open_sockets(stack: AsyncExitStack, urls: list[str], key: str, total: int,
                       record: bool) -> list[NodeSockets]:
    groups = [NodeSockets(url, key, n, record=record) for url, n in zip(urls, split(total, len(urls)), strict=True)]
    return [await stack.enter_async_context(group) for group in groups]


async def settle(groups: list[NodeSockets], expected_each: list[int]) -> int:
    return max([await g.settle(n) for g, n in zip(groups, expected_each, strict=True)])


async def latency(urls: list[str], key: str, sockets_n: int = 50, rate: int = 100, seconds: int = 10) -> dict[str, Any]:
    sent: dict[str, int] = {}
    writes = rate * seconds
    async with AsyncExitStack() as stack:
        groups = await open_sockets(stack, urls, key, sockets_n, record=True)
        clients = [await stack.enter_async_context(Rest(url, key)) for url in urls]
        for client in clients:
            await client.post("/admin/enqueue", json={"prompt": "warm-up"})
        rotation = itertools.cycle(clients)

        async def write(i: int, http: Any) -> None:
            started = time.perf_counter_ns()
            response = await http.post("/admin/enqueue", json={"prompt": f"latency probe {i}"})
            sent[response.json()["taskId"]] = started

        t0 = time.perf_counter()
        pending = []
        for i in range(writes):
            await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
            pending.append(asyncio.create_task(write(i, next(rotation))))
        await asyncio.gather(*pending)
        elapsed = time.perf_counter() - t0
        sizes = split(sockets_n, len(urls))
        await settle(groups, [(writes + len(urls)) * n for n in sizes])
        reports = [await g.ask("report") for g in groups]
    all_ms: list[float] = []
    for report in reports:
        for seq, task_id in report["ids"].items():
            if task_id in sent:
                all_ms.extend((int(t) - sent[task_id]) / 1e6 for t in report["times"][seq])
    return {"processes": len(urls), "sockets": sockets_n, "writes": writes, "achieved_rate": round(writes / elapsed, 1),
            "missing": writes * sockets_n - len(all_ms), "write_to_event": summary(all_ms)}


async def throughput(urls: list[str], key: str, pids: list[int], sockets_n: int = 400, seconds: int = 10,
                     writers: int = 8) -> dict[str, Any]:
    done = 0
    async with AsyncExitStack() as stack:
        groups = await open_sockets(stack, urls, key, sockets_n, record=False)
        clients = [await stack.enter_async_context(Rest(url, key)) for url in urls]
        stop = time.perf_counter() + seconds

        async def writer(http: Any) -> None:
            nonlocal done
            while time.perf_counter() < stop:
                await http.post("/admin/enqueue", json={"prompt": "throughput"})
                done += 1

        cpu0, t0 = sum(cpu_seconds(p) for p in pids), time.perf_counter_ns()
        await asyncio.gather(*(writer(clients[w % len(clients)]) for w in range(writers)))
        t1 = await settle(groups, [done * n for n in split(sockets_n, len(urls))])
        cpu1 = sum(cpu_seconds(p) for p in pids)
        reports = [await g.ask("report") for g in groups]
        delivered = sum(sum(report["counts"]) for report in reports)
    elapsed = (t1 - t0) / 1e9
    return {"processes": len(urls), "sockets": sockets_n, "writes": done, "writes_per_s": round(done / elapsed, 1),
            "deliveries": delivered, "missing": done * sockets_n - delivered,
            "deliveries_per_s": round(delivered / elapsed), "servers_cpu_share": round((cpu1 - cpu0) / elapsed, 2)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", required=True, help="comma-separated base URLs, one per process")
    parser.add_argument("--key", required=True)
    parser.add_argument("--pids", required=True, help="comma-separated pids, in the same order")
    parser.add_argument("--only", default="latency,throughput")
    parser.add_argument("--sockets", type=int, default=400, help="sockets for the throughput run")
    args = parser.parse_args()
    urls, pids = args.urls.split(","), [int(p) for p in args.pids.split(",")]
    runs = args.only.split(",")
    if "latency" in runs:
        print(json.dumps({"latency": await latency(urls, args.key)}), flush=True)
    if "throughput" in runs:
        print(json.dumps({"throughput": await throughput(urls, args.key, pids, args.sockets)}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
