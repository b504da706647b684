"""A backlog nobody waiting can take, against a running hub, over reference-compatible routes only.

    python bench/backlog.py --url http://127.0.0.1:3111 --key KEY --pid SERVER_PID [--backlogs 0,500,10000]

For each backlog size (cumulative: the queue only grows) it first tops the queue up to that many
unmatched QUEUED tasks — half in workspaces no agent works in, half needing a capability no agent
has — then:

* **waiting**: `--agents` agents (one workspace each) start `wait_for_prompt` at once; the time from
  the first poll sent until the hub counts them all waiting (`waaah_waiting_agents` in `/metrics`).
* **served**: then one task per agent's workspace is enqueued; the time from the first enqueue until
  every agent has its task.
* **poll cost**: `--polls` sequential `wait_for_prompt` calls by one agent that finds work each time
  (enqueue, poll, ack, complete): the poll's p50 / p99.
* **/health p99** sampled every 10 ms during both, and the server's CPU (`--pid`) over the round.

Every round uses fresh agent ids and workspaces; the backlog counts only the tasks this run
enqueued, so start each run on a fresh database.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

from agents import Hub
from measure import cpu_seconds, percentile, rss_kib

SEED_WRITERS = 8


async def top_up(hub: Hub, have: int, want: int) -> None:
    """Enqueue unmatched tasks until `want` are queued."""
    counter = iter(range(have, want))

    async def writer() -> None:
        for n in counter:
            body = ({"prompt": f"backlog {n}", "workspaceId": f"bench/nobody-{n % 97}"} if n % 2
                    else {"prompt": f"backlog {n}", "requiredCapabilities": ["bench-nobody-has-this"]})
            (await hub.rest.post("/admin/enqueue", json=body)).raise_for_status()

    await asyncio.gather(*(writer() for _ in range(SEED_WRITERS)))


async def sample_health(hub: Hub, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        (await hub.rest.get("/health")).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.01)  # a sampling interval, not a wait for a condition


async def waiting_agents(hub: Hub) -> int:
    reply = await hub.rest.get("/metrics")
    reply.raise_for_status()
    line = next(x for x in reply.text.splitlines() if x.startswith("waaah_waiting_agents "))
    return int(float(line.split()[1]))


async def until_waiting(hub: Hub, count: int, limit_s: float = 120) -> None:
    deadline = time.perf_counter() + limit_s
    while await waiting_agents(hub) < count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"fewer than {count} agents waiting after {limit_s} s")
        await asyncio.sleep(0.01)  # a sampling interval, not a wait for a condition


async def served(hub: Hub, agents: int) -> tuple[float, float]:
    """(seconds until every agent waits, seconds from the first enqueue until every one has its task)."""
    run = secrets.token_hex(3)
    names = [(f"bl-{run}-{n}", f"bench/bl-{run}-{n}") for n in range(agents)]
    await asyncio.gather(*(hub.register(a, w) for a, w in names))
    already = await waiting_agents(hub)
    started = time.perf_counter()
    polls = [asyncio.create_task(hub.tool("wait_for_prompt", agentId=a, timeout=120)) for a, _ in names]
    await until_waiting(hub, already + agents)
    waited = time.perf_counter() - started
    started = time.perf_counter()
    await asyncio.gather(*(hub.enqueue(f"work for {a}", w) for a, w in names))
    offers = await asyncio.gather(*polls)
    elapsed = time.perf_counter() - started
    assert all(isinstance(o, dict) and o.get("taskId") for o in offers), offers[:3]
    await asyncio.gather(*(hub.finish(a, o["taskId"]) for (a, _), o in zip(names, offers, strict=True)))
    return waited, elapsed


async def poll_cost(hub: Hub, polls: int) -> list[float]:
    run = secrets.token_hex(3)
    agent, workspace = f"pc-{run}", f"bench/pc-{run}"
    await hub.register(agent, workspace)
    timings = []
    for n in range(polls):
        task_id = await hub.enqueue(f"poll {n}", workspace)
        started = time.perf_counter()
        offer = await hub.tool("wait_for_prompt", agentId=agent, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        assert offer.get("taskId") == task_id, offer
        await hub.finish(agent, task_id)
    return timings


async def round_(hub: Hub, args: argparse.Namespace, backlog: int) -> None:
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_health(hub, samples, stop))
    cpu = cpu_seconds(args.pid)
    waited, elapsed = await served(hub, args.agents)
    timings = await poll_cost(hub, args.polls)
    cpu = cpu_seconds(args.pid) - cpu
    stop.set()
    await sampler
    rss = f", RSS {rss_kib(args.pid) / 1024:.0f} MB" if args.pid else ""
    print(f"backlog {backlog:>7,}: {args.agents} agents waiting in {waited * 1000:.0f} ms, served in "
          f"{elapsed * 1000:.0f} ms; poll p50 "
          f"{percentile(timings, 50):.2f} / p99 {percentile(timings, 99):.2f} ms; /health p99 "
          f"{percentile(samples, 99):.2f} ms ({len(samples)} samples); server CPU {cpu:.2f} s{rss}", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--backlogs", default="0,500,10000", help="comma-separated, increasing")
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--polls", type=int, default=100)
    args = parser.parse_args()
    have = 0
    for backlog in (int(b) for b in args.backlogs.split(",")):
        started = time.perf_counter()
        seeder = Hub(args.url, args.key, connections=SEED_WRITERS)
        try:
            await top_up(seeder, have, backlog)
        finally:
            await seeder.close()
        if backlog > have:
            print(f"seeded {backlog - have:,} tasks in {time.perf_counter() - started:.1f} s", flush=True)
        have = max(have, backlog)
        hub = Hub(args.url, args.key, connections=args.agents + 16)  # none idle past the keep-alive
        try:
            await round_(hub, args, backlog)
        finally:
            await hub.close()


if __name__ == "__main__":
    asyncio.run(main())
