"""What `waaah connect` writes for each agent CLI, pinned, and that it never clobbers a user's other servers."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from waaah.cli import main
from waaah.commands.client import UsageError
from waaah.commands.connect import merge_codex, merge_json_server
from waaah.commands.connect_configs import Target, claude_command, claude_entry, codex_table, gemini_entry

HUB = Target("http://hub.local:3000", "waaah-secret")
BY_ENV = Target("http://hub.local:3000", "", "WAAAH_API_KEY")


def test_claude_code_gets_an_http_server_with_the_key_header() -> None:
    assert claude_entry(HUB) == {"type": "http", "url": "http://hub.local:3000/mcp",
                                 "headers": {"X-API-Key": "waaah-secret"}}
    assert claude_command(HUB) == ("claude mcp add --transport http --scope user "
                                   "--header 'X-API-Key: waaah-secret' waaah http://hub.local:3000/mcp")
    assert claude_command(BY_ENV) == ('claude mcp add --transport http --scope user '
                                      '--header "X-API-Key: $WAAAH_API_KEY" waaah http://hub.local:3000/mcp')


def test_codex_gets_its_table_with_a_tool_timeout_above_the_longest_poll() -> None:
    assert codex_table(HUB) == (
        '[mcp_servers.waaah]\n'
        'url = "http://hub.local:3000/mcp"\n'
        'http_headers = { "X-API-Key" = "waaah-secret" }\n'
        'startup_timeout_sec = 20\n'
        'tool_timeout_sec = 120\n')
    parsed = tomllib.loads(codex_table(BY_ENV))["mcp_servers"]["waaah"]
    assert parsed == {"url": "http://hub.local:3000/mcp", "env_http_headers": {"X-API-Key": "WAAAH_API_KEY"},
                      "startup_timeout_sec": 20, "tool_timeout_sec": 120}


def test_gemini_cli_gets_a_streamable_http_server_with_a_timeout_in_ms() -> None:
    assert gemini_entry(HUB) == {"httpUrl": "http://hub.local:3000/mcp",
                                 "headers": {"X-API-Key": "waaah-secret"}, "timeout": 120000}
    assert gemini_entry(BY_ENV)["headers"] == {"X-API-Key": "$WAAAH_API_KEY"}


def test_merging_into_a_json_config_keeps_the_other_servers_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "dark", "mcpServers": {"github": {"httpUrl": "https://gh"}}}))
    assert merge_json_server(path, gemini_entry(HUB)) == "added"
    assert merge_json_server(path, gemini_entry(HUB)) == "unchanged"
    assert merge_json_server(path, gemini_entry(BY_ENV)) == "updated"
    data = json.loads(path.read_text())
    assert data == {"theme": "dark", "mcpServers": {"github": {"httpUrl": "https://gh"},
                                                    "waaah": gemini_entry(BY_ENV)}}


def test_a_broken_json_config_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / ".claude.json"
    path.write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        merge_json_server(path, claude_entry(HUB))
    assert path.read_text() == "{not json"


def test_merging_into_codex_config_replaces_only_its_own_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('model = "o4"  # mine\n\n[mcp_servers.waaah]\nurl = "http://old/mcp"\n\n'
                    '[mcp_servers.waaah.env]\nX = "1"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n')
    assert merge_codex(path, HUB) == "updated"
    text = path.read_text()
    assert 'model = "o4"  # mine' in text and "http://old/mcp" not in text
    parsed = tomllib.loads(text)
    assert parsed["mcp_servers"]["docs"] == {"command": "docs-mcp"}
    assert parsed["mcp_servers"]["waaah"]["http_headers"] == {"X-API-Key": "waaah-secret"}
    assert merge_codex(path, HUB) == "unchanged"


def test_a_new_codex_config_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "codex" / "config.toml"
    assert merge_codex(path, HUB) == "added"
    assert path.read_text() == codex_table(HUB)
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_command_prints_and_writes_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WAAAH_API_KEY", "waaah-secret")
    monkeypatch.setenv("WAAAH_SERVER_URL", "http://hub.local:3000")
    path = tmp_path / "settings.json"
    assert main(["connect", "gemini", "--write", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert '"httpUrl": "http://hub.local:3000/mcp"' in out and "mcp server 'waaah' added" in out
    assert json.loads(path.read_text())["mcpServers"]["waaah"] == gemini_entry(HUB)
    assert main(["connect", "codex", "--key-env", "not a name"]) == 2
