"""Instructions the server executes per write, under callgrind: a figure that does not move with the
machine's load or speed, for comparing two builds where CPU time is too noisy to tell 5 % apart.

    python bench/instructions.py [--src DIR ...] [--writes 600] [--sockets 50]

Needs valgrind (`apt-get install valgrind`) and `make js-client`. For each `--src` (a checkout's
`src/` directory, put first on the server's PYTHONPATH; default: this checkout's), it starts
`bench/realtime.py serve` under `valgrind --tool=callgrind` on a new SQLite file, connects
`--sockets` sockets subscribed to every task and agent event (bench/ws_load.mjs), sends 20 warm-up
writes, zeroes the counters (`callgrind_control -z`), sends `--writes` POST /admin/enqueue one at a
time, waits until every socket has every event, dumps the counters and prints the user-space
instructions of the whole process (every thread) per write. The system calls' kernel time is not
counted. Under valgrind the server runs ~50 times slower: a run takes a few minutes, and timers (the
scheduler's tick, socket pings) add a little noise, under 1 %. Runs are independent: compare builds
one after the other, not at the same time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from realtime import NodeSockets
from rest import Rest
from startup import free_port, healthy

HERE = Path(__file__).parent
KEY = "instructions"
WARM_UP = 20
START_DEADLINE = 600.0  # a server under valgrind starts in about a minute
SETTLE = 20.0  # what the server does after it first answers (loading the MCP SDK) stays out


def total_instructions(dump_dir: Path) -> int:
    """The `summary:` (or `totals:`) line of the dump callgrind_control -d wrote."""
    for dump in sorted(dump_dir.glob("callgrind.out.*")):
        for line in dump.read_text(errors="replace").splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no callgrind dump in {dump_dir}")


def callgrind_control(command: str, pid: int) -> None:
    """Zero (`-z`) or dump (`-d`) the counters of the callgrind run with this pid."""
    subprocess.run(["callgrind_control", command, str(pid)], check=True, capture_output=True)


async def drive(url: str, pid: int, writes: int, sockets: int) -> None:
    async with NodeSockets(url, KEY, sockets, record=False) as clients, Rest(url, KEY) as http:
        for i in range(WARM_UP):
            await http.post("/admin/enqueue", json={"prompt": f"warm-up {i}"})
        await clients.settle(WARM_UP * sockets)
        callgrind_control("-z", pid)
        for i in range(writes):
            response = await http.post("/admin/enqueue", json={"prompt": f"latency probe {i}"})
            response.raise_for_status()
        await clients.settle((WARM_UP + writes) * sockets)
        callgrind_control("-d", pid)


def measure(src: Path, writes: int, sockets: int) -> int:
    with tempfile.TemporaryDirectory(prefix="waaah-instructions-") as tmp:
        root, port = Path(tmp), free_port()
        env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0", "WAAAH_PORT": str(port),
               "WAAAH_HOST": "127.0.0.1", "WAAAH_API_KEY": KEY, "WAAAH_DATABASE_URL": f"sqlite:///{root}/waaah.db",
               "WAAAH_HOME": str(root / "home")}
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={root}/callgrind.out",
                sys.executable, str(HERE / "realtime.py"), "serve"]
        server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + START_DEADLINE
            while not healthy(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server under valgrind did not start")
                time.sleep(0.5)
            time.sleep(SETTLE)
            asyncio.run(drive(f"http://127.0.0.1:{port}", server.pid, writes, sockets))
            deadline = time.monotonic() + 60
            while not any(root.glob("callgrind.out.*")) and time.monotonic() < deadline:
                time.sleep(0.5)
            return total_instructions(root) // writes
        finally:
            server.terminate()
            server.wait(120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, action="append", help="a checkout's src/ (repeatable)")
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--sockets", type=int, default=50)
    args = parser.parse_args()
    for src in args.src or [HERE.parent / "src"]:
        print(f"{src}: {measure(src.resolve(), args.writes, args.sockets):,} instructions per write", flush=True)


if __name__ == "__main__":
    main()
