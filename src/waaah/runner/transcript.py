"""What a CLI prints, as transcript entries: each CLI's JSON stream parsed into one-line entries,
and a sender that posts them to the hub in batches without ever holding up the task."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from waaah.commands.client import CliError

JSON = dict[str, Any]
TEXT_LIMIT = 2000
SUMMARY_LIMIT = 200
BATCH_SECONDS = 0.5
BATCH_SIZE = 50
log = logging.getLogger("waaah.runner")


@dataclass
class Entry:
    kind: str
    """`message`, `tool_call`, `tool_result`, `error` or `system`."""
    text: str
    at: int = field(default_factory=lambda: time.time_ns() // 1_000_000)

    def json(self) -> JSON:
        return {"kind": self.kind, "text": self.text, "at": self.at}


@dataclass
class Stream:
    """What the runner learns from a CLI's output besides the entries."""

    session_id: str | None = None
    final_message: str | None = None
    tools: list[str] = field(default_factory=list)
    """Names of the tools the agent called, in order."""


def one_line(value: Any, limit: int = SUMMARY_LIMIT) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def tool_call(stream: Stream, name: str, args: Any) -> Entry:
    stream.tools.append(name)
    return Entry("tool_call", f"{name} {one_line(args)}")


def _content_text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content or "")


def parse_claude(event: JSON, stream: Stream) -> list[Entry]:
    """Claude Code `--output-format stream-json`: system/init, assistant and user messages, result."""
    kind = event.get("type")
    if kind == "system" and event.get("subtype") == "init":
        stream.session_id = event.get("session_id") or stream.session_id
        return [Entry("system", f"session {stream.session_id} started")]
    if kind in ("assistant", "user"):
        entries = []
        for block in (event.get("message") or {}).get("content") or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and str(block.get("text", "")).strip():
                stream.final_message = str(block["text"])
                entries.append(Entry("message", clip(str(block["text"]))))
            elif block.get("type") == "tool_use":
                entries.append(tool_call(stream, str(block.get("name")), block.get("input")))
            elif block.get("type") == "tool_result":
                failed = block.get("is_error") is True
                entries.append(Entry("error" if failed else "tool_result",
                                     one_line(_content_text(block.get("content")))))
        return entries
    if kind == "result":
        stream.session_id = event.get("session_id") or stream.session_id
        if isinstance(event.get("result"), str) and event["result"].strip():
            stream.final_message = event["result"]
        summary = one_line(event.get("result") or event.get("subtype"))
        return [Entry("error" if event.get("is_error") is True else "system", f"result: {summary}")]
    return []


def parse_codex(event: JSON, stream: Stream) -> list[Entry]:
    """Codex `exec --json`: thread.started, item.* (agent_message, command_execution, mcp_tool_call, …),
    turn.completed/failed, error."""
    kind = str(event.get("type"))
    if kind == "thread.started":
        stream.session_id = event.get("thread_id") or stream.session_id
        return [Entry("system", f"thread {stream.session_id} started")]
    if kind in ("turn.failed", "error"):
        error = event["error"] if isinstance(event.get("error"), dict) else event
        return [Entry("error", one_line(error.get("message") or error, TEXT_LIMIT))]
    if kind not in ("item.started", "item.completed"):
        return []
    return _codex_item(event.get("item") or {}, kind == "item.completed", stream)


def _codex_item(item: JSON, done: bool, stream: Stream) -> list[Entry]:
    item_type = item.get("type") or item.get("item_type")
    if item_type == "agent_message" and done:
        stream.final_message = str(item.get("text", ""))
        return [Entry("message", clip(stream.final_message))]
    if item_type in ("command_execution", "mcp_tool_call") and not done:
        name = "shell" if item_type == "command_execution" else str(item.get("tool"))
        return [tool_call(stream, name, item.get("command") or item.get("arguments", {}))]
    if item_type == "command_execution":
        return [Entry("tool_result", f"exit {item.get('exit_code')}: {one_line(item.get('aggregated_output', ''))}")]
    if item_type == "mcp_tool_call":
        return [Entry("tool_result", f"{item.get('tool')} {item.get('status', 'done')}")]
    if item_type == "file_change" and done:
        changes = ", ".join(f"{c.get('kind')} {c.get('path')}" for c in item.get("changes") or [])
        return [Entry("tool_result", one_line(f"files: {changes}"))]
    if item_type == "error":
        return [Entry("error", one_line(item.get("message"), TEXT_LIMIT))]
    return []


def parse_gemini(event: JSON, stream: Stream) -> list[Entry]:
    """Gemini CLI `--output-format stream-json`: init, message, tool_use, tool_result, error, result."""
    kind = event.get("type")
    if kind == "init":
        stream.session_id = event.get("session_id") or event.get("sessionId") or stream.session_id
        return [Entry("system", f"session {stream.session_id} started")]
    if kind == "message" and event.get("role") == "assistant":
        text = str(event.get("content", ""))
        stream.final_message = (stream.final_message or "") + text if event.get("delta") else text
        return [Entry("message", clip(text))] if text.strip() else []
    if kind == "tool_use":
        return [tool_call(stream, str(event.get("tool_name")), event.get("parameters"))]
    if kind == "tool_result":
        failed = event.get("status") == "error"
        detail = event.get("error") if failed else event.get("output", "")
        return [Entry("error" if failed else "tool_result", one_line(detail))]
    if kind == "error":
        return [Entry("error", one_line(event.get("message"), TEXT_LIMIT))]
    if kind == "result":
        return [Entry("system", f"result: {event.get('status')}")]
    return []


def parse_generic(event: JSON, stream: Stream) -> list[Entry]:
    """Any JSON line: known shapes from the three CLIs, else `{kind, text}` or the whole object."""
    for parser in (parse_claude, parse_codex, parse_gemini):
        entries = parser(event, stream)
        if entries:
            return entries
    if event.get("kind") in ("message", "tool_call", "tool_result", "error", "system"):
        if event["kind"] == "tool_call":
            name, _, args = str(event.get("text", "")).partition(" ")
            return [tool_call(stream, name, args)]
        if event["kind"] == "message":
            stream.final_message = str(event.get("text", ""))
        return [Entry(str(event["kind"]), clip(str(event.get("text", ""))))]
    return [Entry("system", one_line(event, TEXT_LIMIT))]


Parser = Callable[[JSON, Stream], list[Entry]]


def parse_line(line: str, parser: Parser, stream: Stream) -> list[Entry]:
    """One stdout line: parsed when it is a JSON object, else a plain message."""
    text = line.strip()
    if not text:
        return []
    if text.startswith("{"):
        with contextlib.suppress(ValueError):
            event = json.loads(text)
            if isinstance(event, dict):
                return parser(event, stream)
    return [Entry("message", clip(text))]


class TranscriptSender:
    """Batches entries to `POST /admin/tasks/{id}/transcript`; a failed post is logged and dropped."""

    def __init__(self, post: Callable[[list[JSON]], Any], label: str) -> None:
        self._post = post
        self._label = label
        self._pending: list[Entry] = []
        self._wake = asyncio.Event()
        self._closed = False
        self._failures = 0
        self.sent = 0

    def add(self, entries: list[Entry]) -> None:
        self._pending.extend(entries)
        if len(self._pending) >= BATCH_SIZE:
            self._wake.set()

    async def run(self) -> None:
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), BATCH_SECONDS)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:BATCH_SIZE], self._pending[BATCH_SIZE:]
            try:
                await self._post([e.json() for e in batch])
                self.sent += len(batch)
            except CliError as exc:
                self._failures += 1
                if self._failures == 1:
                    log.warning("%s: transcript not stored (%s); the task goes on", self._label, exc.message)

    async def close(self) -> None:
        self._closed = True
        self._wake.set()
        await self.flush()
