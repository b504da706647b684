"""`waaah watch`: the live event stream over Socket.IO, one readable line per event, resuming after a reconnect.

`Watcher` is the pure part (which lines to print, the last `seq` seen); `Stream` wires it to a
python-socketio client. Every handshake carries the last printed `seq` (`auth.since`), so after a
dropped connection (or with `--since`) the server replays what was missed, or sends a fresh `sync:full`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from waaah.commands.client import JSON, ApiClient, Connection, ServerError
from waaah.commands.tables import short

QUIET_KEYS = frozenset({"id", "seq", "history", "messages", "updatedAt", "status", "assignedTo", "lastSeen",
                        "currentTasks", "blockedReason", "to", "response", "completedAt", "approvedAt"})
CONNECT_TIMEOUT = 10.0


def split_name(name: str, payload: JSON) -> tuple[str, str, str]:
    """`task:ID:updated` → (task, ID, updated); the generic `task:updated` takes the id from the payload."""
    kind, _, rest = name.partition(":")
    entity, _, action = rest.rpartition(":")
    return kind, entity or str(payload.get("id", "?")), action


def describe(name: str, payload: JSON) -> str:
    """The readable part of one event line."""
    kind, entity, action = split_name(name, payload)
    if kind == "task" and action == "created":
        title = short(str(payload.get("title") or payload.get("prompt") or ""), 60)
        return f"{entity} created  {payload.get('status')}  {payload.get('priority', 'normal')}  {title}"
    if kind == "task" and action == "updated":
        return f"{entity} " + " ".join(task_changes(payload))
    if kind == "agent" and "createdAt" in payload:
        caps = ",".join(payload.get("capabilities") or []) or "-"
        return f"agent {entity} registered {payload.get('status')} capabilities={caps}"
    if kind == "agent":
        tasks = ",".join(payload.get("currentTasks") or []) or "-"
        extra = sorted(k for k in payload if k not in QUIET_KEYS)
        return f"agent {entity} {payload.get('status')} tasks={tasks}" + (
            f"  changed: {', '.join(extra)}" if extra else "")
    return f"{entity} {action} {json.dumps(payload, ensure_ascii=False)[:200]}".strip()


def task_changes(payload: JSON) -> list[str]:
    parts = []
    if payload.get("status"):
        parts.append(f"→ {payload['status']}")
    if payload.get("assignedTo"):
        parts.append(f"agent={payload['assignedTo']}")
    if payload.get("blockedReason"):
        parts.append(f"blocked={payload['blockedReason']}")
    messages = payload.get("messages") or []
    if messages:
        last = messages[-1]
        parts.append(f'{last.get("role", "?")}: "{short(str(last.get("content", "")), 80)}"')
    extra = sorted(k for k in payload if k not in QUIET_KEYS)
    if extra:
        parts.append(f"changed: {', '.join(extra)}")
    return parts or ["updated"]


@dataclass
class Watcher:
    """What to print for each message of the stream; drops duplicates by `seq` and remembers the last one."""

    as_json: bool = False
    last_seq: int | None = None
    clock: Callable[[], datetime] = datetime.now
    printed: int = 0

    def _stamp(self) -> str:
        return self.clock().strftime("%H:%M:%S")

    def on_sync(self, data: JSON) -> list[str]:
        """A full snapshot: the first one, or the server could not replay what we missed."""
        given = data.get("seq")
        seq = given if isinstance(given, int) else 0
        missed = self.last_seq is not None and seq > self.last_seq
        self.last_seq = seq  # the server is the authority, even if its log went backwards
        tasks, agents = len(data.get("tasks") or []), len(data.get("agents") or [])
        if self.as_json:
            return [json.dumps({"event": "sync:full", "seq": seq, "tasks": tasks, "agents": agents})]
        note = " (events missed before it could not be replayed)" if missed else ""
        return [f"{self._stamp()} synced: {tasks} tasks, {agents} agents at seq {seq}{note}"]

    def on_event(self, name: str, payload: JSON) -> list[str]:
        seq = payload.get("seq")
        if isinstance(seq, int):
            if self.last_seq is not None and seq <= self.last_seq:
                return []
            self.last_seq = seq
        self.printed += 1
        if self.as_json:
            return [json.dumps({"event": name, **payload}, ensure_ascii=False)]
        prefix = f"#{seq} " if isinstance(seq, int) else ""
        return [f"{self._stamp()} {prefix}{describe(name, payload)}"]


class Stream:
    """A python-socketio client feeding a Watcher; prints its lines; stops after `count` events.

    Every (re)connect handshake carries `since` = the last seq printed, so the server replays the
    events missed while disconnected (or sends `sync:full` when its log no longer has them).
    """

    def __init__(self, conn: Connection, watcher: Watcher, patterns: list[str], count: int | None) -> None:
        self.conn, self.watcher, self.patterns, self.count = conn, watcher, patterns, count
        self.done = asyncio.Event()
        self.refused: Any = None
        import socketio  # type: ignore[import-untyped]  # not for `--help`

        self.sio = socketio.AsyncClient(reconnection_delay=0.5, reconnection_delay_max=3, handle_sigint=False)
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", self._disconnected)
        self.sio.on("connect_error", self._refused)
        self.sio.on("sync:full", self._sync)
        self.sio.on("*", self._event)
        self.connects = 0

    def auth(self) -> JSON:
        """The handshake, built again for every reconnect."""
        auth: JSON = {"apiKey": self.conn.need_key(), "subscribe": self.patterns}
        if self.watcher.last_seq is not None:
            auth["since"] = self.watcher.last_seq
        return auth

    def _print(self, lines: list[str]) -> None:
        for line in lines:
            print(line, flush=True)
        if self.count is not None and self.watcher.printed >= self.count:
            self.done.set()

    def _connected(self) -> None:
        self.connects += 1
        if self.connects > 1:
            print(f"waaah watch: reconnected; resuming after seq {self.watcher.last_seq}", file=sys.stderr,
                  flush=True)

    def _disconnected(self, *_: Any) -> None:
        if not self.done.is_set():
            print("waaah watch: disconnected; reconnecting…", file=sys.stderr, flush=True)

    def _refused(self, data: Any) -> None:
        self.refused = data

    def _sync(self, data: JSON) -> None:
        self._print(self.watcher.on_sync(data))

    def _event(self, name: str, data: Any) -> None:
        if name == "error":
            print(f"waaah watch: server error: {data}", file=sys.stderr, flush=True)
            return
        self._print(self.watcher.on_event(name, data if isinstance(data, dict) else {"data": data}))

    async def run(self) -> None:
        import socketio

        try:
            # websocket only: no sticky sessions needed behind a load balancer (docs/deployment.md)
            await self.sio.connect(self.conn.url, auth=self.auth, socketio_path="socket.io",
                                   transports=["websocket"], wait_timeout=CONNECT_TIMEOUT)
        except socketio.exceptions.ConnectionError as exc:
            raise ServerError(self._refusal(exc)) from None
        try:
            await self.done.wait()
        finally:
            self.done.set()  # no "reconnecting" notice for a disconnect we asked for
            await self.sio.disconnect()

    def _refusal(self, exc: Exception) -> str:
        data: JSON = self.refused if isinstance(self.refused, dict) else {}
        inner = data.get("data")
        code = data.get("code") or (inner.get("code") if isinstance(inner, dict) else None)
        if code in ("AUTH_INVALID", "AUTH_MISSING"):
            return f"the Socket.IO endpoint of {self.conn.url} refused the API key ({code})"
        detail = data.get("message") or exc
        return f"cannot open the live stream at {self.conn.url}/socket.io/: {detail}"


def patterns_for(args: argparse.Namespace) -> list[str]:
    if args.task:
        return [f"task:{t}:*" for t in args.task]
    return ["task:*:*"] + ([] if args.no_agents else ["agent:*:*"])


def watch(args: argparse.Namespace, conn: Connection) -> int:
    with ApiClient(conn) as api:
        api.check()  # clear errors for a server that is down or a wrong key, before the socket
    watcher = Watcher(as_json=args.json, last_seq=args.since)
    stream = Stream(conn, watcher, patterns_for(args), args.count)
    try:
        asyncio.run(stream.run())
    except KeyboardInterrupt:
        return 0
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "watch", help="follow live events (Socket.IO), one line per event",
        description="Print every task and agent event as it happens, one line each, until Ctrl-C. "
                    "After a dropped connection it reconnects and replays what it missed.")
    p.add_argument("--task", action="append", metavar="TASK_ID", help="only this task's events; repeatable")
    p.add_argument("--no-agents", action="store_true", help="leave out agent status events")
    p.add_argument("--since", type=int, metavar="SEQ", help="first replay the events after this seq")
    p.add_argument("--count", type=int, metavar="N", help="exit after N events")
    p.add_argument("--json", action="store_true", help="one JSON object per line: {event, seq, ...payload}")
    p.set_defaults(run=wrap(watch))
