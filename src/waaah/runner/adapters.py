"""One class per coding-agent CLI: how to launch it headless in a worktree with the hub's MCP server,
how to resume its session, and how to read its output stream.

Each adapter follows its CLI's documentation (see docs/agents.md for the pages):
Claude Code `claude -p … --output-format stream-json --verbose --mcp-config FILE`, Codex `codex exec
--json` with the server given by `-c mcp_servers.waaah.*`, Gemini CLI `gemini -p … --output-format
stream-json` with the server in a system settings file. `--cmd TEMPLATE` runs anything else.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from waaah.runner.transcript import Parser, parse_claude, parse_codex, parse_gemini, parse_generic

MCP_NAME = "waaah"
KEY_ENV = "WAAAH_API_KEY"
TOOL_TIMEOUT_MS = 330_000
ARG_LIMIT = 100_000
"""A prompt longer than this is not passed on the command line; the CLI is told to read the file."""


@dataclass(frozen=True)
class Launch:
    """Everything one CLI run needs."""

    prompt: str
    prompt_file: Path
    worktree: Path
    task_id: str
    agent_id: str
    state_dir: Path
    mcp_url: str
    api_key: str
    session_id: str | None = None

    @property
    def mcp_config(self) -> Path:
        return self.state_dir / "mcp.json"

    def prompt_arg(self) -> str:
        if len(self.prompt) <= ARG_LIMIT:
            return self.prompt
        return f"Your task is in {self.prompt_file}: read that file first and follow it."


def write_private(path: Path, text: str) -> Path:
    """A file only the user can read (it holds the API key)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    return path


def standard_mcp_config(launch: Launch) -> dict[str, object]:
    """The `mcpServers` shape Claude Code and most MCP clients read: streamable HTTP with the key header."""
    server = {"type": "http", "url": launch.mcp_url, "headers": {"X-API-Key": launch.api_key}}
    return {"mcpServers": {MCP_NAME: server}}


def agent_env(api_key: str, task_id: str, agent_id: str) -> dict[str, str]:
    """What a CLI (and a verify command) finds in its environment besides the runner's own."""
    return {KEY_ENV: api_key, "WAAAH_TASK_ID": task_id, "WAAAH_AGENT_ID": agent_id}


class Adapter:
    name = "cmd"
    binary = ""
    parser: Parser = staticmethod(parse_generic)
    docs = ""

    def prepare(self, launch: Launch) -> None:
        """Write the files the CLI reads (in the task's state folder, never in the worktree)."""
        write_private(launch.prompt_file, launch.prompt)
        write_private(launch.mcp_config, json.dumps(standard_mcp_config(launch), indent=2))

    def argv(self, launch: Launch) -> list[str]:
        raise NotImplementedError

    def env(self, launch: Launch) -> dict[str, str]:
        return agent_env(launch.api_key, launch.task_id, launch.agent_id)


class ClaudeAdapter(Adapter):
    name, binary = "claude", "claude"
    parser = staticmethod(parse_claude)
    docs = "https://docs.anthropic.com/en/docs/claude-code/sdk/sdk-headless"
    permission_mode = "acceptEdits"

    def argv(self, launch: Launch) -> list[str]:
        argv = [self.binary, "-p", launch.prompt_arg(), "--output-format", "stream-json", "--verbose",
                "--mcp-config", str(launch.mcp_config), "--permission-mode", self.permission_mode,
                "--allowedTools", f"mcp__{MCP_NAME}"]
        return argv + (["--resume", launch.session_id] if launch.session_id else [])


class CodexAdapter(Adapter):
    name, binary = "codex", "codex"
    parser = staticmethod(parse_codex)
    docs = "https://developers.openai.com/codex/noninteractive"

    def argv(self, launch: Launch) -> list[str]:
        server = f"mcp_servers.{MCP_NAME}"
        options = ["--json", "--skip-git-repo-check", "--sandbox", "workspace-write",
                   "-c", f"{server}.url={json.dumps(launch.mcp_url)}",
                   "-c", f'{server}.env_http_headers={{"X-API-Key"={json.dumps(KEY_ENV)}}}',
                   "-c", f"{server}.tool_timeout_sec={TOOL_TIMEOUT_MS // 1000}"]
        if launch.session_id:
            return [self.binary, "exec", *options, "resume", launch.session_id, launch.prompt_arg()]
        return [self.binary, "exec", *options, launch.prompt_arg()]


class GeminiAdapter(Adapter):
    name, binary = "gemini", "gemini"
    parser = staticmethod(parse_gemini)
    docs = "https://geminicli.com/docs/cli/headless/"
    SETTINGS_ENV = "GEMINI_CLI_SYSTEM_SETTINGS_PATH"

    def settings_file(self, launch: Launch) -> Path:
        return launch.state_dir / "gemini-settings.json"

    def prepare(self, launch: Launch) -> None:
        super().prepare(launch)
        server = {"httpUrl": launch.mcp_url, "headers": {"X-API-Key": launch.api_key},
                  "timeout": TOOL_TIMEOUT_MS, "trust": True}
        write_private(self.settings_file(launch), json.dumps({"mcpServers": {MCP_NAME: server}}, indent=2))

    def argv(self, launch: Launch) -> list[str]:
        argv = [self.binary, "-p", launch.prompt_arg(), "--output-format", "stream-json",
                "--approval-mode", "yolo"]
        return argv + (["--resume", launch.session_id] if launch.session_id else [])

    def env(self, launch: Launch) -> dict[str, str]:
        return {**super().env(launch), self.SETTINGS_ENV: str(self.settings_file(launch))}


class CommandAdapter(Adapter):
    """`--cmd TEMPLATE`: placeholders {prompt_file} {worktree} {task_id} {mcp_config} {agent_id}
    {session_id}; its stdout lines are the transcript (JSON lines parsed when they are JSON)."""

    PLACEHOLDERS = ("prompt_file", "worktree", "task_id", "mcp_config", "agent_id", "session_id")

    def __init__(self, template: str) -> None:
        self.template = template
        try:
            self.words = shlex.split(template)
        except ValueError as exc:
            raise ValueError(f"--cmd is not a valid command line: {exc}") from None
        if not self.words:
            raise ValueError("--cmd is empty")
        self.binary = self.words[0]
        for word in self.words:
            self._check(word)

    def _check(self, word: str) -> None:
        try:
            word.format(**{p: "" for p in self.PLACEHOLDERS})
        except (KeyError, IndexError, ValueError) as exc:
            known = ", ".join("{" + p + "}" for p in self.PLACEHOLDERS)
            raise ValueError(f"--cmd has an unknown placeholder {exc} (known: {known})") from None

    def argv(self, launch: Launch) -> list[str]:
        values = {"prompt_file": str(launch.prompt_file), "worktree": str(launch.worktree),
                  "task_id": launch.task_id, "mcp_config": str(launch.mcp_config),
                  "agent_id": launch.agent_id, "session_id": launch.session_id or ""}
        return [word.format(**values) for word in self.words]


ADAPTERS: dict[str, type[Adapter]] = {"claude": ClaudeAdapter, "codex": CodexAdapter, "gemini": GeminiAdapter}


def adapter_for(cli: str | None, cmd: str | None) -> Adapter:
    if cmd:
        return CommandAdapter(cmd)
    if cli not in ADAPTERS:
        raise ValueError(f"--cli must be one of {', '.join(ADAPTERS)} (or give --cmd TEMPLATE)")
    return ADAPTERS[cli]()
