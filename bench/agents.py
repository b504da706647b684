"""Agent-protocol benchmarks against a running hub, over reference-compatible routes only.

    python bench/agents.py --url http://127.0.0.1:3111 --key KEY --pid SERVER_PID [--only a,b,c]

(a) one agent, sequential cycles of enqueue → wait_for_prompt → ack_task → send_response(COMPLETED):
    mean and p99 per cycle;
(b) 20 agents looping wait → ack → complete while 1,000 tasks are enqueued: tasks/s, and a check that
    every task was acknowledged and completed exactly once;
(c) 1,000 concurrent wait_for_prompt polls: the server's RSS, and the wake latency (enqueue sent →
    the matching poll's answer received), p99.

Tasks need `doc-writing` (no review) and name a workspace, as the reference requires. Every run uses
fresh agent ids and workspaces, so it can be repeated against the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
from collections import Counter
from typing import Any

import aiohttp
from measure import cpu_seconds, percentile, rss_kib
from rest import Rest

CAPS = ["doc-writing"]


class Hub:
    """The two routes the benchmarks use: POST /admin/enqueue and POST /mcp/tools/{name}."""

    def __init__(self, url: str, key: str, connections: int = 100) -> None:
        self.rest = Rest(url, key, connections)

    async def enqueue(self, prompt: str, workspace: str) -> str:
        body = {"prompt": prompt, "requiredCapabilities": CAPS, "workspaceId": workspace}
        reply = await self.rest.post("/admin/enqueue", json=body)
        reply.raise_for_status()
        return str(reply.json()["taskId"])

    async def tool(self, name: str, **args: Any) -> Any:
        reply = await self.rest.post(f"/mcp/tools/{name}", json=args)
        reply.raise_for_status()
        body = reply.json()
        text = body["content"][0]["text"]
        if body.get("isError"):
            raise RuntimeError(f"{name}: {text}")
        return json.loads(text) if text[:1] in "[{" else text

    async def register(self, agent_id: str, workspace: str) -> None:
        """Idempotent, so retried once when a kept-alive connection was closed under it."""
        args = {"agentId": agent_id, "capabilities": CAPS, "workspaceContext": {"type": "local", "repoId": workspace}}
        try:
            await self.tool("register_agent", **args)
        except aiohttp.ClientConnectionError:
            await self.tool("register_agent", **args)

    async def finish(self, agent_id: str, task_id: str) -> None:
        await self.tool("ack_task", taskId=task_id, agentId=agent_id)
        await self.tool("send_response", taskId=task_id, agentId=agent_id, status="COMPLETED", message="done")

    async def completed(self, tag: str) -> int:
        """How many COMPLETED tasks mention `tag` (GET /admin/tasks, as the reference has it)."""
        reply = await self.rest.get("/admin/tasks", params={"q": tag, "status": "COMPLETED", "limit": "0"})
        return int(reply.headers.get("X-Total-Count", "-1"))

    async def close(self) -> None:
        await self.rest.close()


async def sequential_cycles(url: str, key: str, pid: int | None, cycles: int, warmup: int = 30) -> None:
    hub, run = Hub(url, key, connections=4), secrets.token_hex(3)
    agent, workspace = f"seq-{run}", f"bench/seq-{run}"
    await hub.register(agent, workspace)
    timings, cpu = [], 0.0
    for n in range(warmup + cycles):
        if n == warmup:
            cpu = cpu_seconds(pid)
        started = time.perf_counter()
        task_id = await hub.enqueue(f"Write page {n} ({run})", workspace)
        offer = await hub.tool("wait_for_prompt", agentId=agent, timeout=30)
        assert offer.get("taskId") == task_id, offer
        await hub.finish(agent, task_id)
        if n >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    cpu = cpu_seconds(pid) - cpu
    await hub.close()
    print(f"(a) sequential cycle enqueue+wait_for_prompt+ack_task+send_response, {cycles} cycles: "
          f"mean {statistics.fmean(timings):.2f} ms, p50 {percentile(timings, 50):.2f} ms, "
          f"p99 {percentile(timings, 99):.2f} ms; server CPU {cpu * 1000 / cycles:.2f} ms per cycle")


async def throughput(url: str, key: str, pid: int | None, agents: int, tasks: int) -> None:
    hub, run = Hub(url, key, connections=agents + 8), secrets.token_hex(3)
    workspace = f"bench/tp-{run}"
    acks: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    names = [f"tp-{run}-{n:02d}" for n in range(agents)]
    await asyncio.gather(*(hub.register(a, workspace) for a in names))

    all_done = asyncio.Event()

    async def work(agent: str) -> None:
        while len(completed) < tasks:
            offer = await hub.tool("wait_for_prompt", agentId=agent, timeout=2)
            if "taskId" not in offer:
                continue
            await hub.tool("ack_task", taskId=offer["taskId"], agentId=agent)
            acks[offer["taskId"]] += 1
            await hub.tool("send_response", taskId=offer["taskId"], agentId=agent, status="COMPLETED",
                           message="done")
            completed[offer["taskId"]] += 1
            if len(completed) >= tasks:
                all_done.set()

    async def feed(part: int, share: int) -> list[str]:
        return [await hub.enqueue(f"Write page {part}.{n} ({run})", workspace) for n in range(share)]

    workers = [asyncio.create_task(work(a)) for a in names]
    started, cpu = time.perf_counter(), cpu_seconds(pid)
    feeders = 4
    ids = [i for batch in await asyncio.gather(*(feed(p, tasks // feeders) for p in range(feeders)))
           for i in batch]
    finished = asyncio.create_task(all_done.wait())
    first, _ = await asyncio.wait([finished, *workers], return_when=asyncio.FIRST_COMPLETED)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    for task in first:
        if task is not finished and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    for worker in workers:  # the others sit in a poll that would only end at its timeout
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    server_count = await hub.completed(f"({run})")
    await hub.close()
    exactly_once = (set(acks) == set(ids) == set(completed) and set(acks.values()) == {1}
                    and set(completed.values()) == {1} and server_count == len(ids))
    print(f"(b) {agents} agents, {len(ids)} tasks enqueued while they work: {len(ids) / elapsed:.0f} tasks/s "
          f"({elapsed:.2f} s); every task acked and completed exactly once: {exactly_once} "
          f"(server counts {server_count} COMPLETED); server CPU {cpu * 1000 / len(ids):.2f} ms per task")


async def many_polls(url: str, key: str, pid: int | None, polls: int, wakes: int) -> None:
    hub, run = Hub(url, key, connections=polls + 50), secrets.token_hex(3)
    names = [f"poll-{run}-{n:04d}" for n in range(polls)]
    rss_before = rss_kib(pid) / 1024 if pid else float("nan")
    for start in range(0, polls, 100):
        await asyncio.gather(*(hub.register(a, f"bench/c-{a}") for a in names[start:start + 100]))
    rss_registered = rss_kib(pid) / 1024 if pid else float("nan")
    answered: dict[str, asyncio.Future[float]] = {}

    async def poll(agent: str) -> Any:
        offer = await hub.tool("wait_for_prompt", agentId=agent, timeout=300)
        answered[agent].set_result(time.perf_counter())
        return offer

    loop = asyncio.get_running_loop()
    for agent in names:
        answered[agent] = loop.create_future()
    tasks = [asyncio.create_task(poll(a)) for a in names]
    await asyncio.sleep(5)  # let every poll reach the hub (a benchmark may settle; tests may not)
    rss_waiting = rss_kib(pid) / 1024 if pid else float("nan")
    latencies = []
    for agent in names[:wakes]:
        sent = time.perf_counter()
        task_id = await hub.enqueue(f"Wake {agent}", f"bench/c-{agent}")
        latencies.append((await answered[agent] - sent) * 1000)
        await hub.finish(agent, task_id)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await hub.close()
    print(f"(c) {polls} concurrent wait_for_prompt polls: server RSS {rss_waiting:.0f} MB "
          f"(before registering the agents {rss_before:.0f} MB, before polling {rss_registered:.0f} MB); "
          f"wake latency over {wakes} wakes: "
          f"mean {statistics.fmean(latencies):.2f} ms, p50 {percentile(latencies, 50):.2f} ms, "
          f"p99 {percentile(latencies, 99):.2f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--pid", type=int, help="server process id, for its RSS in (c)")
    parser.add_argument("--only", default="a,b,c", help="which benchmarks, e.g. a,c")
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--wakes", type=int, default=200)
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    if "a" in chosen:
        await sequential_cycles(args.url, args.key, args.pid, args.cycles)
    if "b" in chosen:
        await throughput(args.url, args.key, args.pid, args.agents, args.tasks)
    if "c" in chosen:
        await many_polls(args.url, args.key, args.pid, args.polls, args.wakes)


if __name__ == "__main__":
    asyncio.run(main())
