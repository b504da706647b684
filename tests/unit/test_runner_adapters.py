"""Each adapter's exact command line and config files (checked against its CLI's documentation)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from waaah.runner.adapters import ARG_LIMIT, CommandAdapter, Launch, adapter_for

URL = "http://127.0.0.1:3000/mcp"


def launch(tmp_path: Path, session: str | None = None, prompt: str = "Do it") -> Launch:
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    return Launch(prompt, state / "prompt.md", tmp_path / "wt", "task-1-abc", "bot-1", state, URL, "k3y", session)


def test_claude_runs_headless_with_stream_json_and_the_hub_as_its_mcp_server(tmp_path: Path) -> None:
    adapter, run = adapter_for("claude", None), launch(tmp_path)
    adapter.prepare(run)
    assert adapter.argv(run) == ["claude", "-p", "Do it", "--output-format", "stream-json", "--verbose",
                                 "--mcp-config", str(run.mcp_config), "--permission-mode", "acceptEdits",
                                 "--allowedTools", "mcp__waaah"]
    assert json.loads(run.mcp_config.read_text()) == {
        "mcpServers": {"waaah": {"type": "http", "url": URL, "headers": {"X-API-Key": "k3y"}}}}
    assert stat.S_IMODE(run.mcp_config.stat().st_mode) == 0o600


def test_claude_resumes_its_session(tmp_path: Path) -> None:
    argv = adapter_for("claude", None).argv(launch(tmp_path, "sess-9"))
    assert argv[-2:] == ["--resume", "sess-9"]


def test_codex_gets_the_hub_through_config_overrides_with_the_key_from_the_environment(tmp_path: Path) -> None:
    adapter, run = adapter_for("codex", None), launch(tmp_path)
    options = ["--json", "--skip-git-repo-check", "--sandbox", "workspace-write",
               "-c", f'mcp_servers.waaah.url="{URL}"',
               "-c", 'mcp_servers.waaah.env_http_headers={"X-API-Key"="WAAAH_API_KEY"}',
               "-c", "mcp_servers.waaah.tool_timeout_sec=330"]
    assert adapter.argv(run) == ["codex", "exec", *options, "Do it"]
    assert adapter.argv(launch(tmp_path, "0199-thread")) == ["codex", "exec", *options, "resume", "0199-thread",
                                                             "Do it"]
    assert adapter.env(run)["WAAAH_API_KEY"] == "k3y"
    assert "k3y" not in " ".join(adapter.argv(run))


def test_gemini_reads_the_hub_from_a_system_settings_file_outside_the_worktree(tmp_path: Path) -> None:
    adapter, run = adapter_for("gemini", None), launch(tmp_path)
    adapter.prepare(run)
    assert adapter.argv(run) == ["gemini", "-p", "Do it", "--output-format", "stream-json", "--approval-mode", "yolo"]
    assert adapter.argv(launch(tmp_path, "s-1"))[-2:] == ["--resume", "s-1"]
    settings = Path(adapter.env(run)["GEMINI_CLI_SYSTEM_SETTINGS_PATH"])
    assert settings.parent == run.state_dir
    assert json.loads(settings.read_text()) == {"mcpServers": {"waaah": {
        "httpUrl": URL, "headers": {"X-API-Key": "k3y"}, "timeout": 330000, "trust": True}}}


def test_a_long_prompt_is_handed_over_as_its_file(tmp_path: Path) -> None:
    run = launch(tmp_path, prompt="x" * (ARG_LIMIT + 1))
    expected = f"Your task is in {run.prompt_file}: read that file first and follow it."
    assert adapter_for("claude", None).argv(run)[2] == expected


def test_a_command_template_fills_its_placeholders(tmp_path: Path) -> None:
    adapter = CommandAdapter("my-agent --in {prompt_file} --mcp {mcp_config} -C '{worktree}' {task_id}")
    run = launch(tmp_path)
    adapter.prepare(run)
    assert adapter.argv(run) == ["my-agent", "--in", str(run.prompt_file), "--mcp", str(run.mcp_config), "-C",
                                 str(run.worktree), "task-1-abc"]
    assert run.prompt_file.read_text() == "Do it"


@pytest.mark.parametrize(("template", "error"), [
    ("", "--cmd is empty"), ("agent {nope}", "unknown placeholder 'nope'"), ("agent 'open", "not a valid command line"),
])
def test_a_bad_command_template_is_refused_clearly(template: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        CommandAdapter(template)


def test_an_unknown_cli_is_refused() -> None:
    with pytest.raises(ValueError, match="--cli must be one of claude, codex, gemini"):
        adapter_for("cursor", None)
