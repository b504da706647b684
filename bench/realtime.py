"""Real-time channel benchmarks against a running hub (Socket.IO at /socket.io/).

    python bench/realtime.py --url http://127.0.0.1:3111 --key KEY --pid SERVER_PID [--only a,b,...]
    python bench/realtime.py serve      # `waaah serve` (same settings), plus publication stamps

Against a server started with `serve`, the latency run also reports the channel's own share:
event published on the bus (after commit) → received, from stamps the server takes on the same
monotonic clock (GET /__bench/stamps); the REST round trip is reported too.

memory      1,000 idle sockets: the server's RSS growth per socket, each having received a 300-task
            sync:full; the clients offer permessage-deflate, as browsers do. Run it first, against a
            fresh server.
latency     50 sockets subscribed to ["task:*:*", "agent:*:*"]; POST /admin/enqueue at a steady 100/s
            for 10 s; latency = request sent → event received, for every (write, socket) pair; any
            event a socket never receives counts as missing.
throughput  N sockets, writes as fast as the hub takes them for 10 s: event deliveries per second,
            and the server process's CPU share.
seed        5,000 active + 5,000 finished (cancelled) tasks, over REST, into an empty hub: half with a
            title (~30 characters), half with only a prompt (first line ~90 characters), two thirds of
            them high or critical, evenly across active and finished.
syncfull    connect → sync:full time and size, with the seeded board: cold (first encoding after a
            write) and warm (served from the per-seq cache), for a client with patterns (as the
            dashboard: cards as rows under `taskFields`); its raw JSON size, its size on the wire for
            a client offering permessage-deflate (compressed only if the server has WAAAH_WS_DEFLATE
            on); and the object form clients without patterns get (every task whole, read from the
            store each time): its time and JSON size, with GET /health sampled every 50 ms meanwhile.

The clients are minimal Engine.IO v4 / Socket.IO v5 clients over `websockets` (the same frames
socket.io-client sends with `transports: ["websocket"]`), so the client side costs little; clients
and writer share this process and its monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from measure import cpu_seconds, percentile, rss_kib
from rest import Rest
from websockets.asyncio.client import ClientConnection, connect

PATTERNS = ["task:*:*", "agent:*:*"]
Handler = Callable[[str, int], None]


class Socket:
    """One Socket.IO client on the websocket transport. `on_event(text, t_ns)` gets every `42[...]`."""

    def __init__(self, url: str, key: str, patterns: list[str] | None, compression: str | None = None,
                 on_event: Handler | None = None) -> None:
        ws_url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.args = (ws_url, compression)
        self.auth: dict[str, Any] = {"apiKey": key, **({"subscribe": patterns} if patterns else {})}
        self.on_event = on_event or (lambda text, t: None)
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.sync_full: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()

    async def open(self) -> None:
        ws_url, compression = self.args
        self.ws = await connect(ws_url, compression=compression, max_size=None, open_timeout=60)
        opened = await self.ws.recv()
        assert isinstance(opened, str) and opened.startswith("0"), opened
        await self.ws.send("40" + json.dumps(self.auth))
        accepted = await self.ws.recv()
        assert isinstance(accepted, str) and accepted.startswith("40"), accepted
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for text in self.ws:
            now = time.perf_counter_ns()
            assert isinstance(text, str)
            if text == "2":
                await self.ws.send("3")  # Engine.IO ping → pong
            elif text.startswith('42["sync:full"'):
                if not self.sync_full.done():
                    self.sync_full.set_result((now, len(text.encode())))
            elif text.startswith("42"):
                self.on_event(text, now)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def open_all(sockets: list[Socket], batch: int = 50) -> None:
    for start in range(0, len(sockets), batch):
        group = sockets[start:start + batch]
        await asyncio.gather(*(s.open() for s in group))
        await asyncio.gather(*(asyncio.wait_for(s.sync_full, 60) for s in group))


# --- memory --------------------------------------------------------------------------------------
async def memory(url: str, key: str, pid: int, count: int = 1000, board: int = 300) -> dict[str, Any]:
    """Run it first, on a fresh server: RSS only grows, so earlier big messages would hide sockets.
    The clients offer permessage-deflate, as browsers and socket.io-client do; the server decides
    (WAAAH_WS_DEFLATE), and the report says whether it was negotiated."""
    async with Rest(url, key) as http:
        for i in range(board):  # a small team's board, so each socket's sync:full is real (~30 KB)
            await http.post("/admin/enqueue", json=seed_prompt(i))
    warm = [Socket(url, key, PATTERNS, "deflate") for _ in range(20)]
    await open_all(warm)
    await asyncio.gather(*(s.close() for s in warm))
    await asyncio.sleep(2)
    before = rss_kib(pid)
    sockets = [Socket(url, key, PATTERNS, "deflate") for _ in range(count)]
    await open_all(sockets)
    await asyncio.sleep(3)  # let the server settle: every socket idle
    after = rss_kib(pid)
    response = sockets[0].ws.response if sockets[0].ws is not None else None
    extensions = response.headers.get("Sec-WebSocket-Extensions", "") if response is not None else ""
    await asyncio.gather(*(s.close() for s in sockets))
    return {"board_tasks": board, "sockets": count, "deflate_negotiated": "permessage-deflate" in extensions,
            "rss_before_kib": before, "rss_after_kib": after, "kib_per_socket": round((after - before) / count, 1)}


# --- many sockets in node (latency, throughput) -------------------------------------------------
class NodeSockets:
    """`count` minimal clients in one node process (bench/ws_load.mjs): cheap enough on the client
    side that the server is what is measured."""

    def __init__(self, url: str, key: str, count: int, record: bool) -> None:
        self.config = {"url": url, "key": key, "sockets": count, "patterns": PATTERNS, "record": record}
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> NodeSockets:
        script = Path(__file__).with_name("ws_load.mjs")
        self.process = await asyncio.create_subprocess_exec(
            "node", str(script), json.dumps(self.config), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, limit=1 << 28)
        assert self.process.stdout is not None
        ready = await asyncio.wait_for(self.process.stdout.readline(), 300)
        assert json.loads(ready) == {"type": "ready"}, ready
        return self

    async def ask(self, command: str) -> dict[str, Any]:
        assert self.process is not None and self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return json.loads(await self.process.stdout.readline())  # type: ignore[no-any-return]

    async def settle(self, expected: int) -> int:
        """Wait (30 s at most) until `expected` events in all have arrived; when the last one did (ns)."""
        deadline = time.monotonic() + 30
        while True:
            count = await self.ask("count")
            if count["total"] >= expected or time.monotonic() > deadline:
                return int(count["lastNs"])
            await asyncio.sleep(0.05)

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50), 2), "p99_ms": round(percentile(values, 99), 2),
            "max_ms": round(max(values), 2)}


# --- latency -------------------------------------------------------------------------------------
async def latency(url: str, key: str, pid: int, sockets_n: int = 50, rate: int = 100,
                  seconds: int = 10) -> dict[str, Any]:
    sent: dict[str, int] = {}
    answered: dict[str, int] = {}
    writes = rate * seconds
    async with NodeSockets(url, key, sockets_n, record=True) as sockets, Rest(url, key) as http:
        await http.post("/admin/enqueue", json={"prompt": "warm-up"})

        async def write(i: int) -> None:
            started = time.perf_counter_ns()
            response = await http.post("/admin/enqueue", json={"prompt": f"latency probe {i}"})
            task_id = response.json()["taskId"]
            sent[task_id], answered[task_id] = started, time.perf_counter_ns()

        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        pending = []
        for i in range(writes):
            await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
            pending.append(asyncio.create_task(write(i)))
        await asyncio.gather(*pending)
        elapsed = time.perf_counter() - t0
        await sockets.settle((writes + 1) * sockets_n)  # and the warm-up write
        cpu = cpu_seconds(pid) - cpu0
        stamps_response = await http.get("/__bench/stamps")
        report = await sockets.ask("report")
    stamps = {int(k): v for k, v in stamps_response.json().items()} if stamps_response.status_code == 200 else {}
    seq_of = {task_id: int(seq) for seq, task_id in report["ids"].items()}
    received = {task_id: [int(t) for t in report["times"][str(seq)]] for task_id, seq in seq_of.items()
                if task_id in sent}
    all_ms = [(r - sent[t]) / 1e6 for t, times in received.items() for r in times]
    out: dict[str, Any] = {
        "sockets": sockets_n, "writes": writes, "achieved_rate": round(writes / elapsed, 1),
        "missing": writes * sockets_n - len(all_ms), "write_to_event": summary(all_ms),
        "first_socket": summary([(min(v) - sent[t]) / 1e6 for t, v in received.items()]),
        "last_socket": summary([(max(v) - sent[t]) / 1e6 for t, v in received.items()]),
        "rest_round_trip": summary([(answered[t] - sent[t]) / 1e6 for t in sent]),
        "server_cpu_ms_per_write": round(cpu / writes * 1e3, 2)}
    if stamps:
        out["published_to_event"] = summary([(r - stamps[seq_of[t]]) / 1e6 for t, v in received.items() for r in v])
    return out


# --- throughput ----------------------------------------------------------------------------------
async def throughput(url: str, key: str, pid: int, sockets_n: int = 400, seconds: int = 10,
                     writers: int = 8) -> dict[str, Any]:
    done = 0
    async with NodeSockets(url, key, sockets_n, record=False) as sockets, Rest(url, key) as http:
        stop = time.perf_counter() + seconds

        async def writer(w: int) -> None:
            nonlocal done
            while time.perf_counter() < stop:
                await http.post("/admin/enqueue", json={"prompt": f"throughput {w}"})
                done += 1

        cpu0, t0 = cpu_seconds(pid), time.perf_counter_ns()
        await asyncio.gather(*(writer(w) for w in range(writers)))
        t1 = await sockets.settle(done * sockets_n)
        cpu1 = cpu_seconds(pid)
        report = await sockets.ask("report")
    delivered, elapsed = sum(report["counts"]), (t1 - t0) / 1e9
    return {"sockets": sockets_n, "seconds": round(elapsed, 1), "writes": done,
            "writes_per_s": round(done / elapsed, 1), "deliveries": delivered,
            "missing": done * sockets_n - delivered, "deliveries_per_s": round(delivered / elapsed),
            "server_cpu_share": round((cpu1 - cpu0) / elapsed, 2),
            "server_cpu_us_per_delivery": round((cpu1 - cpu0) / max(1, delivered) * 1e6, 1)}


# --- seed and sync:full --------------------------------------------------------------------------
TITLES = ["Add retry with backoff to the upload client", "Fix flaky login test", "Document the eviction flow",
          "Split the payments module", "Cache workspace capability lookups"]
BODY = ("Context: the hub's users report that this misbehaves under load. Reproduce it, write a failing test, "
        "fix it, and explain the change in the review message. Keep the public API unchanged and update the "
        "docs where they mention it.")


def seed_prompt(i: int) -> dict[str, Any]:
    """Half the tasks have a title, half only a prompt; two thirds are high or critical."""
    title = TITLES[i % len(TITLES)]
    priority = ("normal", "high", "critical")[i % 3]
    if (i // 2) % 2:
        return {"prompt": f"{title} (#{i})\n\n{BODY}", "title": f"{title} (#{i})", "priority": priority}
    return {"prompt": f"{title} in the part of the code that handles request #{i}, and check the retries\n\n{BODY}",
            "priority": priority}


async def seed(url: str, key: str, active: int = 5000, finished: int = 5000) -> dict[str, Any]:
    async with Rest(url, key) as http:
        have = int((await http.get("/admin/tasks", params={"limit": 1})).headers["X-Total-Count"])
        todo = max(0, active + finished - have)
        queue = list(range(have, have + todo))

        async def worker() -> None:
            while queue:
                i = queue.pop()
                task_id = (await http.post("/admin/enqueue", json=seed_prompt(i))).json()["taskId"]
                if i % 2 == 0:
                    await http.post(f"/admin/tasks/{task_id}/cancel")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(8)))
        return {"created": todo, "seconds": round(time.perf_counter() - t0, 1)}


async def syncfull(url: str, key: str, runs: int = 20) -> dict[str, Any]:
    async def once(patterns: list[str] | None = PATTERNS) -> tuple[float, int]:
        socket = Socket(url, key, patterns)
        t0 = time.perf_counter_ns()
        await socket.open()
        t1, size = await asyncio.wait_for(socket.sync_full, 60)
        await socket.close()
        return (t1 - t0) / 1e6, size

    out: dict[str, Any] = {}
    async with Rest(url, key) as http:
        probe = (await http.post("/admin/enqueue", json={"prompt": "sync:full probe"})).json()["taskId"]
        for mode in ("cold", "warm"):
            times = []
            for i in range(runs):
                if mode == "cold":
                    await http.patch(f"/admin/tasks/{probe}", json={"title": f"probe {i}"})  # a new seq
                ms, size = await once()
                times.append(ms)
            out[mode] = {"median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
                         "max_ms": round(max(times), 1)}
        listed = await http.get("/admin/tasks", params={"limit": 1})
    out["json_bytes"] = size  # the row form: what the dashboard (and any client with patterns) gets
    out["objects"] = await objects_form(url, key, once, max(1, min(runs, 3)))  # the reference's clients
    out["json_bytes_without_patterns"] = out["objects"]["json_bytes"]
    out["tasks_in_db"] = int(listed.headers["X-Total-Count"])
    out["wire_bytes"] = await wire_size(url, key)  # as a browser sees it: deflate offered, the server decides
    return out


async def objects_form(url: str, key: str, once: Callable[[list[str] | None], Awaitable[tuple[float, int]]],
                       runs: int) -> dict[str, Any]:
    """sync:full for a client without patterns (every task whole, read from the store on each call: no
    cache), `runs` times in turn, while GET /health is sampled every 50 ms: how long the loop is held."""
    times: list[float] = []
    health: list[float] = []
    done = asyncio.Event()

    async def sample(http: Rest) -> None:
        while not done.is_set():
            t0 = time.perf_counter()
            (await http.get("/health")).raise_for_status()
            health.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.05)

    async with Rest(url, key) as http:
        sampler = asyncio.create_task(sample(http))
        for _ in range(runs):
            ms, size = await once(None)
            times.append(ms)
        done.set()
        await sampler
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "json_bytes": size,
            "health_samples": len(health), "health_p50_ms": round(statistics.median(health), 1),
            "health_max_ms": round(max(health), 1)}


async def wire_size(url: str, key: str) -> int:
    """≈ bytes the sync:full frame takes on the wire when the client offers permessage-deflate."""
    import websockets.asyncio.client as wsc

    counted = 0
    ws_url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with wsc.connect(ws_url, compression="deflate", max_size=None) as ws:
        protocol = ws.protocol
        original = protocol.receive_data

        def counting(data: bytes) -> None:
            nonlocal counted
            counted += len(data)
            original(data)

        protocol.receive_data = counting  # type: ignore[method-assign]
        await ws.recv()
        start = counted
        await ws.send("40" + json.dumps({"apiKey": key, "subscribe": PATTERNS}))
        connected = await ws.recv()  # the CONNECT answer (a few dozen bytes) precedes sync:full
        while not str(await ws.recv()).startswith('42["sync:full"'):
            pass
    return counted - start - len(str(connected))


def serve() -> None:
    """`waaah serve`, with the bus's publication times on GET /__bench/stamps (bench only)."""
    import uvicorn

    from waaah import heap
    from waaah.config import load_settings
    from waaah.web.app import create_app, server_options

    settings = load_settings()
    heap.FREEZE_AFTER_START = True  # as `waaah serve` does
    app = create_app(settings)
    stamps: dict[int, int] = {}

    async def with_stamps(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/__bench/stamps":
            body = json.dumps(stamps).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "lifespan":
            async def started(message: Any) -> None:
                if message["type"] == "lifespan.startup.complete":
                    bus = app.app.state.runtime.hub.bus  # type: ignore[attr-defined]
                    bus.subscribe(lambda event: stamps.__setitem__(event.seq, time.perf_counter_ns()))
                await send(message)
            await app(scope, receive, started)
            return
        await app(scope, receive, send)

    uvicorn.run(with_stamps, **server_options(settings))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's pid (memory and CPU)")
    parser.add_argument("--only", default="memory,latency,throughput,seed,syncfull")
    parser.add_argument("--sockets", type=int, default=400, help="sockets for the throughput run")
    args = parser.parse_args()
    for name in args.only.split(","):
        if name == "memory":
            result = await memory(args.url, args.key, args.pid)
        elif name == "latency":
            result = await latency(args.url, args.key, args.pid)
        elif name == "throughput":
            result = await throughput(args.url, args.key, args.pid, args.sockets)
        elif name == "seed":
            result = await seed(args.url, args.key)
        elif name == "syncfull":
            result = await syncfull(args.url, args.key)
        else:
            raise SystemExit(f"unknown benchmark {name}")
        print(json.dumps({name: result}), flush=True)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        asyncio.run(main())
