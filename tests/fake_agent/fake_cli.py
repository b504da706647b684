"""A stand-in for a coding-agent CLI, driven by `waaah agent run --cmd`.

    python tests/fake_agent/fake_cli.py PROMPT_FILE MCP_CONFIG [SESSION_ID]

It reads its prompt, calls the hub's MCP tools (the official client over streamable HTTP, from the
`mcpServers.waaah` entry of MCP_CONFIG), edits and commits files in its working directory (the task's
worktree) and prints JSON lines shaped like Claude Code's stream. Lines `fake: …` in the prompt steer it:

    fake: write FILE CONTENT   write FILE (default: one file named after the task)
    fake: noop                 change nothing, call nothing (for benchmarks)
    fake: crash                exit 3 on every run;  fake: crash-once  only on the first run
    fake: hang                 print one line, then never print again
    fake: ask QUESTION         block_task with QUESTION on a run that has no answer yet, then wait
    fake: conflict             write conflict.txt (a line naming the task); on a conflict note, resolve it
    fake: fix FILE CONTENT     on a run whose prompt carries a failed verify command, write FILE instead of
                               the `write` lines (so `write` can break the checks and `fix` mend them)

In CONTENT, `\\n` is a line break.

Each run appends {task_id, agent_id, cwd, session, prompt} as a JSON line to $FAKE_AGENT_LOG.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def emit(event: dict[str, Any]) -> None:
    print(json.dumps(event), flush=True)


def directives(prompt: str) -> list[tuple[str, str]]:
    found = []
    for line in prompt.splitlines():
        if line.strip().startswith("fake: "):
            verb, _, rest = line.strip().removeprefix("fake: ").partition(" ")
            found.append((verb, rest.strip()))
    return found


async def call_tool(config: Path, name: str, args: dict[str, Any]) -> str:
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    server = json.loads(config.read_text())["mcpServers"]["waaah"]
    async with httpx2.AsyncClient(headers=server.get("headers", {}), timeout=60) as http, \
            streamable_http_client(server["url"], http_client=http) as streams, \
            ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        result = await session.call_tool(name, args)
    return "".join(getattr(block, "text", "") for block in result.content)


def tool(config: Path, name: str, **args: Any) -> str:
    emit({"type": "assistant", "message": {"content": [{"type": "tool_use", "id": f"t{time.time_ns()}",
                                                        "name": f"mcp__waaah__{name}", "input": args}]}})
    text = asyncio.run(call_tool(config, name, args))
    emit({"type": "user", "message": {"content": [{"type": "tool_result", "content": text}]}})
    return text


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def commit(message: str) -> None:
    git("add", "-A")
    if not subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True).stdout.strip():
        return
    git("-c", "user.name=fake agent", "-c", "user.email=fake@example.invalid", "commit", "-q", "-m", message)


def runs_so_far(prompt_file: Path) -> int:
    counter = prompt_file.parent / "fake-runs"
    runs = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(runs + 1))
    return runs


def record(task_id: str, agent_id: str, session: str, prompt: str) -> None:
    log = os.environ.get("FAKE_AGENT_LOG")
    if log:
        entry = {"task_id": task_id, "agent_id": agent_id, "cwd": os.getcwd(), "session": session, "prompt": prompt}
        with open(log, "a") as out:
            out.write(json.dumps(entry) + "\n")


def main(argv: list[str]) -> int:
    prompt_file, config = Path(argv[1]), Path(argv[2])
    session = argv[3] if len(argv) > 3 and argv[3] else f"fake-session-{time.time_ns()}"
    prompt = prompt_file.read_text()
    task_id, agent_id = os.environ["WAAAH_TASK_ID"], os.environ["WAAAH_AGENT_ID"]
    record(task_id, agent_id, session, prompt)
    runs = runs_so_far(prompt_file)
    emit({"type": "system", "subtype": "init", "session_id": session})
    steps = directives(prompt)
    verbs = [verb for verb, _ in steps]
    if "noop" in verbs:
        emit({"type": "result", "subtype": "success", "result": "nothing to do", "session_id": session})
        return 0
    if "crash" in verbs or ("crash-once" in verbs and runs == 0):
        emit({"type": "assistant", "message": {"content": [{"type": "text", "text": "about to crash"}]}})
        print("fake: crashing as asked", file=sys.stderr)
        return 3
    if "hang" in verbs:
        emit({"type": "assistant", "message": {"content": [{"type": "text", "text": "thinking forever"}]}})
        while True:
            time.sleep(3600)
    return work(steps, prompt, config, (task_id, agent_id, session), runs)


def work(steps: list[tuple[str, str]], prompt: str, config: Path, who: tuple[str, str, str], runs: int) -> int:
    task_id, agent_id, session = who
    answered = "### What people said" in prompt
    for verb, rest in steps:
        if verb == "ask" and not answered:
            tool(config, "block_task", taskId=task_id, agentId=agent_id, reason="clarification", question=rest,
                 summary="read the task")
            while True:  # a real CLI might go on; the runner must end this session
                time.sleep(3600)
    tool(config, "update_progress", taskId=task_id, agentId=agent_id, message="editing files", phase="coding",
         percentage=50)
    wrote = False
    fixing = "A verify command failed" in prompt and "fix" in [verb for verb, _ in steps]
    for verb, rest in steps:
        if verb == ("fix" if fixing else "write"):
            name, _, content = rest.partition(" ")
            Path(name).write_text(content.replace("\\n", "\n") + "\n")
            wrote = True
        elif verb == "conflict":
            resolve = "conflicts in" in prompt and Path("conflict.txt").exists()
            lines = [] if not resolve else [ln for ln in Path("conflict.txt").read_text().splitlines()
                                             if not ln.startswith(("<<<<<<<", "=======", ">>>>>>>"))]
            Path("conflict.txt").write_text("\n".join(lines + ([] if resolve else [f"line from {task_id}"])) + "\n")
            wrote = True
    if not wrote:
        Path(f"{task_id}.txt").write_text(f"work for {task_id}, run {runs + 1} by {agent_id}\n")
    commit(f"fake agent: {task_id}")
    text = f"Changed files for {task_id}."
    emit({"type": "assistant", "message": {"content": [{"type": "text", "text": text}]}})
    emit({"type": "result", "subtype": "success", "result": text, "session_id": session})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
