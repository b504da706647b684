"""Each CLI's JSON stream becomes one-line transcript entries (sample lines shaped as their docs show),
and the sender batches them without ever failing the task."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from waaah.commands.client import ServerError
from waaah.runner.transcript import (
    Parser,
    Stream,
    TranscriptSender,
    parse_claude,
    parse_codex,
    parse_gemini,
    parse_generic,
    parse_line,
)

CLAUDE = [
    {"type": "system", "subtype": "init", "session_id": "s-1", "tools": ["Bash"], "mcp_servers": []},
    {"type": "assistant", "message": {"content": [{"type": "text", "text": "I will add the endpoint."},
                                                  {"type": "tool_use", "id": "toolu_1", "name": "Bash",
                                                   "input": {"command": "pytest -q"}}]}},
    {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                              "content": [{"type": "text", "text": "3 passed\nin 0.1s"}]}]}},
    {"type": "result", "subtype": "success", "is_error": False, "result": "Added /version.", "session_id": "s-1"},
]
CODEX = [
    {"type": "thread.started", "thread_id": "0199a213-81c0"},
    {"type": "turn.started"},
    {"type": "item.started", "item": {"id": "item_1", "type": "command_execution", "command": "bash -lc ls",
                                      "status": "in_progress"}},
    {"type": "item.completed", "item": {"id": "item_1", "type": "command_execution", "command": "bash -lc ls",
                                        "aggregated_output": "README.md\nsrc\n", "exit_code": 0}},
    {"type": "item.started", "item": {"id": "item_2", "type": "mcp_tool_call", "server": "waaah",
                                      "tool": "block_task", "arguments": {"question": "Which DB?"}}},
    {"type": "item.completed", "item": {"id": "item_3", "type": "agent_message", "text": "Done: listed files."}},
    {"type": "turn.completed", "usage": {"input_tokens": 10, "output_tokens": 5}},
    {"type": "turn.failed", "error": {"message": "stream disconnected"}},
]
GEMINI = [
    {"type": "init", "timestamp": "2025-10-10T12:00:00.000Z", "session_id": "g-7", "model": "gemini-2.5-pro"},
    {"type": "message", "role": "user", "content": "List files"},
    {"type": "tool_use", "tool_name": "run_shell_command", "tool_id": "t1", "parameters": {"command": "ls"}},
    {"type": "tool_result", "tool_id": "t1", "status": "success", "output": "README.md"},
    {"type": "message", "role": "assistant", "content": "Here are ", "delta": True},
    {"type": "message", "role": "assistant", "content": "the files.", "delta": True},
    {"type": "tool_result", "tool_id": "t2", "status": "error", "error": {"message": "denied"}},
    {"type": "result", "status": "success", "stats": {"total_tokens": 12}},
]


def entries(parser: Parser, events: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], Stream]:
    stream = Stream()
    found = [e for line in events for e in parse_line(json.dumps(line), parser, stream)]
    return [(e.kind, e.text) for e in found], stream


def test_claude_stream_json() -> None:
    found, stream = entries(parse_claude, CLAUDE)
    assert found == [("system", "session s-1 started"), ("message", "I will add the endpoint."),
                     ("tool_call", 'Bash {"command": "pytest -q"}'), ("tool_result", "3 passed in 0.1s"),
                     ("system", "result: Added /version.")]
    assert (stream.session_id, stream.final_message, stream.tools) == ("s-1", "Added /version.", ["Bash"])


def test_codex_exec_json() -> None:
    found, stream = entries(parse_codex, CODEX)
    assert found == [("system", "thread 0199a213-81c0 started"), ("tool_call", "shell bash -lc ls"),
                     ("tool_result", "exit 0: README.md src"), ("tool_call", 'block_task {"question": "Which DB?"}'),
                     ("message", "Done: listed files."), ("error", "stream disconnected")]
    assert (stream.session_id, stream.final_message) == ("0199a213-81c0", "Done: listed files.")
    assert stream.tools == ["shell", "block_task"]


def test_gemini_stream_json() -> None:
    found, stream = entries(parse_gemini, GEMINI)
    assert found == [("system", "session g-7 started"), ("tool_call", 'run_shell_command {"command": "ls"}'),
                     ("tool_result", "README.md"), ("message", "Here are "), ("message", "the files."),
                     ("error", '{"message": "denied"}'), ("system", "result: success")]
    assert (stream.session_id, stream.final_message) == ("g-7", "Here are the files.")


def test_a_command_s_plain_lines_and_unknown_json_are_kept() -> None:
    found, _ = entries(parse_generic, [{"kind": "tool_call", "text": "update_progress 50%"}, {"odd": 1}])
    stream = Stream()
    plain = parse_line("compiling…\n", parse_generic, stream)
    assert found == [("tool_call", "update_progress 50%"), ("system", '{"odd": 1}')]
    assert [(e.kind, e.text) for e in plain] == [("message", "compiling…")]
    assert parse_line("   \n", parse_generic, stream) == []


def test_long_tool_output_is_summarised_to_one_line() -> None:
    found, _ = entries(parse_claude, [{"type": "user", "message": {"content": [
        {"type": "tool_result", "content": "line\n" * 500, "is_error": True}]}}])
    kind, text = found[0]
    assert kind == "error" and "\n" not in text and len(text) == 200 and text.endswith("…")


def test_the_sender_batches_and_survives_a_hub_that_refuses() -> None:
    posted: list[int] = []

    async def post(batch: list[dict[str, Any]]) -> None:
        posted.append(len(batch))
        if len(posted) == 1:
            raise ServerError("no transcript route", 404)

    async def scenario() -> TranscriptSender:
        sender = TranscriptSender(post, "bot task")
        stream = Stream()
        sender.add([e for n in range(120) for e in parse_line(f"line {n}", parse_generic, stream)])
        await sender.close()
        return sender

    sender = asyncio.run(scenario())
    assert posted == [50, 50, 20] and sender.sent == 70
