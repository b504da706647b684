"""A coding-agent CLI that holds still mid-run until the test lets it go, so a test can do something
(kill the hub) while a task is being worked on.

    python gated_cli.py PROMPT_FILE

A prompt line `gate: PORT` makes it connect to 127.0.0.1:PORT and wait until it reads a byte there (the
test accepts the connection, which tells it the CLI is mid-run, and sends the byte when it is ready);
without one it goes on at once. Then it writes `<task id>.txt` in its working directory (the
task's worktree) and exits 0, printing lines shaped like Claude Code's stream.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

GATE_TIMEOUT = 120.0


def emit(event: dict[str, object]) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str]) -> int:
    prompt = Path(argv[1]).read_text()
    emit({"type": "system", "subtype": "init", "session_id": "gated"})
    for line in prompt.splitlines():
        if line.strip().startswith("gate: "):
            port = int(line.strip().removeprefix("gate: "))
            with socket.create_connection(("127.0.0.1", port), timeout=GATE_TIMEOUT) as gate:
                gate.recv(1)
    name = f"{os.environ['WAAAH_TASK_ID']}.txt"
    Path(name).write_text("".join(f"line {n} of the work\n" for n in range(10)))
    emit({"type": "result", "subtype": "success", "result": f"wrote {name}", "session_id": "gated"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
