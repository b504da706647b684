"""`waaah connect claude|codex|gemini`: print (and with `--write`, merge into the client's own config
file) what that agent CLI needs to reach this hub. Other servers in the file are left as they were."""

from __future__ import annotations

import argparse
import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from waaah.commands.client import Connection, UsageError
from waaah.commands.connect_configs import (
    CLIENTS,
    SERVER_NAME,
    Target,
    claude_command,
    claude_entry,
    codex_table,
    codex_values,
    gemini_entry,
)

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def config_file(client: str, env: Mapping[str, str]) -> Path:
    """Where each client keeps its user-level MCP servers."""
    home = Path(env.get("HOME") or Path.home())
    if client == "claude":
        return home / ".claude.json"
    if client == "codex":
        return Path(env.get("CODEX_HOME") or home / ".codex") / "config.toml"
    return home / ".gemini" / "settings.json"


def merge_json_server(path: Path, entry: dict[str, Any]) -> str:
    """Set `mcpServers.waaah` in a JSON config, keeping everything else; says what it did."""
    data: Any = {}
    if path.exists():
        try:
            data = json.loads(path.read_text() or "{}")
        except ValueError as exc:
            raise UsageError(f"{path} is not valid JSON ({exc}); fix it, or add the entry printed above by hand") \
                from None
        if not isinstance(data, dict) or not isinstance(data.get("mcpServers", {}), dict):
            raise UsageError(f"{path} does not hold a JSON object with an mcpServers object; not changed")
    servers = data.setdefault("mcpServers", {})
    before = servers.get(SERVER_NAME)
    if before == entry:
        return "unchanged"
    servers[SERVER_NAME] = entry
    _write(path, json.dumps(data, indent=2) + "\n")
    return "updated" if before is not None else "added"


def merge_codex(path: Path, target: Target) -> str:
    """Put `[mcp_servers.waaah]` into Codex's TOML config: the old table (and its sub-tables) replaced,
    every other line kept as written."""
    text = path.read_text() if path.exists() else ""
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML ({exc}); fix it, or add the table printed above by hand") \
            from None
    before = parsed.get("mcp_servers", {}).get(SERVER_NAME)
    if before == codex_values(target):
        return "unchanged"
    kept = _without_table(text, f"mcp_servers.{SERVER_NAME}") if before is not None else text
    if kept and not kept.endswith("\n"):
        kept += "\n"
    _write(path, kept + ("\n" if kept.strip() else "") + codex_table(target))
    return "updated" if before is not None else "added"


def _without_table(text: str, table: str) -> str:
    """`text` less the lines of `[table]` and `[table.*]`, up to the next other table header."""
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        found = header.match(line)
        if found:
            name = found.group(1).replace('"', "").replace(" ", "")
            inside = name == table or name.startswith(table + ".")
        if not inside:
            kept.append(line)
    return "".join(kept)


def _write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a crash leaves the old file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".waaah-tmp")
    scratch.write_text(text)
    if path.exists():
        os.chmod(scratch, path.stat().st_mode & 0o777)
    else:
        os.chmod(scratch, 0o600)  # it holds the hub's key
    scratch.replace(path)


def rendering(client: str, target: Target) -> str:
    """What `waaah connect CLIENT` prints."""
    if client == "claude":
        entry = json.dumps({"mcpServers": {SERVER_NAME: claude_entry(target)}}, indent=2)
        return (f"# Claude Code: run this once (options before the server's name)\n{claude_command(target)}\n\n"
                f"# or put this in ~/.claude.json (user scope) or a project's .mcp.json:\n{entry}\n"
                "# wait_for_prompt returns within 110 s, before Claude Code moves a tool call to the background.\n")
    if client == "codex":
        return (f"# Codex: add this to ~/.codex/config.toml (Codex stops waiting on a tool after 60 s unless "
                f"tool_timeout_sec says otherwise)\n{codex_table(target)}")
    entry = json.dumps({"mcpServers": {SERVER_NAME: gemini_entry(target)}}, indent=2)
    return f"# Gemini CLI: put this in ~/.gemini/settings.json (or a project's .gemini/settings.json)\n{entry}\n"


def connect(args: argparse.Namespace, conn: Connection) -> int:
    if args.key_env is not None and not ENV_NAME.match(args.key_env):
        raise UsageError(f"--key-env must be an environment variable's name, got {args.key_env!r}")
    target = Target(conn.url, "" if args.key_env else conn.need_key(), args.key_env)
    print(rendering(args.client, target), end="")
    if args.write:
        path = Path(args.file) if args.file else config_file(args.client, os.environ)
        if args.client == "codex":
            done = merge_codex(path, target)
        else:
            entry = claude_entry(target) if args.client == "claude" else gemini_entry(target)
            done = merge_json_server(path, entry)
        print(f"\nwaaah connect: {path}: mcp server {SERVER_NAME!r} {done}; other servers untouched")
    if args.key_env:
        print(f"\n# The key comes from ${args.key_env}: export {args.key_env}=<the hub's key> before starting "
              f"{args.client}.")
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "connect", help="print (or --write) an agent CLI's MCP config for this hub",
        description="Print the MCP configuration Claude Code, Codex or Gemini CLI needs to reach this hub "
                    "(WAAAH_SERVER_URL, the API key, the timeouts), and with --write merge it into that "
                    "client's config file without touching its other servers.")
    p.add_argument("client", choices=CLIENTS)
    p.add_argument("--write", action="store_true", help="merge it into the client's user config file")
    p.add_argument("--file", metavar="PATH", help="the config file to merge into (default: the client's own)")
    p.add_argument("--key-env", metavar="VAR",
                   help="refer to the key through this environment variable instead of writing it")
    p.set_defaults(run=wrap(connect))
