"""What each agent CLI needs to reach this hub over MCP (streamable HTTP at `/mcp`). Pure: no files.

Claude Code, Codex and Gemini CLI each get the URL, the key header and the timeouts they need so a
`wait_for_prompt` (at most `WAAAH_PROMPT_TIMEOUT_MAX`, 110 s) always returns while the client still
listens. The key is written as is, or as a reference to an environment variable (`key_env`), so a
config file need not hold it. No config needs `waaah` on `PATH`: every client speaks HTTP to the hub.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

SERVER_NAME = "waaah"
KEY_HEADER = "X-API-Key"
TOOL_TIMEOUT_S = 120
"""Above the hub's longest long poll (110 s): the answer arrives before the client gives up."""
STARTUP_TIMEOUT_S = 20
CLIENTS = ("claude", "codex", "gemini")


@dataclass(frozen=True)
class Target:
    """The hub a client connects to: its base URL, and the key or the variable that holds it."""

    url: str
    key: str
    key_env: str | None = None

    @property
    def mcp_url(self) -> str:
        return f"{self.url.rstrip('/')}/mcp"


def claude_entry(target: Target) -> dict[str, Any]:
    """The `mcpServers.waaah` entry of Claude Code's `~/.claude.json` (user scope) or `.mcp.json`."""
    key = f"${{{target.key_env}}}" if target.key_env else target.key
    return {"type": "http", "url": target.mcp_url, "headers": {KEY_HEADER: key}}


def claude_command(target: Target) -> str:
    """The same through Claude Code's own command; its options come before the server's name."""
    key = f"${target.key_env}" if target.key_env else target.key
    argv = ["claude", "mcp", "add", "--transport", "http", "--scope", "user",
            "--header", f"{KEY_HEADER}: {key}", SERVER_NAME, target.mcp_url]
    quoted = [shlex.quote(a) for a in argv]
    if target.key_env:  # let the shell expand the variable
        quoted[8] = f'"{KEY_HEADER}: ${target.key_env}"'
    return " ".join(quoted)


def codex_values(target: Target) -> dict[str, Any]:
    """`[mcp_servers.waaah]` of Codex's `config.toml`: Codex gives up on a tool call after 60 s unless told."""
    values: dict[str, Any] = {"url": target.mcp_url}
    if target.key_env:
        values["env_http_headers"] = {KEY_HEADER: target.key_env}
    else:
        values["http_headers"] = {KEY_HEADER: target.key}
    values["startup_timeout_sec"] = STARTUP_TIMEOUT_S
    values["tool_timeout_sec"] = TOOL_TIMEOUT_S
    return values


def codex_table(target: Target) -> str:
    """The TOML text of that table (strings as TOML basic strings, which JSON's escapes are)."""
    lines = [f"[mcp_servers.{SERVER_NAME}]"]
    for name, value in codex_values(target).items():
        lines.append(f"{name} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def gemini_entry(target: Target) -> dict[str, Any]:
    """The `mcpServers.waaah` entry of Gemini CLI's `settings.json` (`httpUrl`: streamable HTTP; `timeout` in ms)."""
    key = f"${target.key_env}" if target.key_env else target.key
    return {"httpUrl": target.mcp_url, "headers": {KEY_HEADER: key}, "timeout": TOOL_TIMEOUT_S * 1000}


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"no TOML form for {value!r}")
    return json.dumps(value) if isinstance(value, str) else str(value)
