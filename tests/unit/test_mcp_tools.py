"""The pure parts of the MCP transport: tool definitions, argument checks, texts, the bridge's fill-ins."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from waaah.mcp import texts
from waaah.mcp.bridge import Bridge, BridgeConfig
from waaah.mcp.context import SessionAgents, ToolResult
from waaah.mcp.schemas import CALLER_TOOLS, TOOLS
from waaah.mcp.validation import invalid_arguments

REFERENCE_TOOLS = {
    "register_agent", "wait_for_prompt", "send_response", "assign_task", "list_agents", "get_agent_status",
    "ack_task", "admin_update_agent", "wait_for_task", "admin_evict_agent", "get_task_context", "block_task",
    "answer_task", "update_progress", "scaffold_plan", "submit_review", "broadcast_system_prompt",
    "get_review_comments", "resolve_review_comment"}


def test_the_nineteen_reference_tools_are_defined_with_object_schemas() -> None:
    assert {t.name for t in TOOLS} == REFERENCE_TOOLS and len(TOOLS) == 19
    for tool in TOOLS:
        schema = tool.input_schema
        assert schema["type"] == "object" and tool.description
        assert set(schema["required"]) <= set(schema["properties"]), tool.name


def test_every_tool_about_the_callers_own_work_accepts_agent_id() -> None:
    assert {"wait_for_prompt", "ack_task", "update_progress", "send_response", "block_task",
            "submit_review"} <= CALLER_TOOLS


@pytest.mark.parametrize(("tool", "args", "message"), [
    ("register_agent", {"agentId": "a", "capabilities": ["code-writing"]}, "workspaceContext is required"),
    ("register_agent", {"agentId": "a", "capabilities": [], "workspaceContext": {"repoId": "r"}},
     "capabilities must list at least 1 item(s)"),
    ("register_agent", {"agentId": "a", "capabilities": ["code-writing"], "workspaceContext": {}},
     "workspaceContext.repoId is required"),
    ("register_agent", {"agentId": "a", "capabilities": ["x"], "workspaceContext": {"repoId": "r"}},
     "capabilities[0] must be one of: spec-writing"),
    ("send_response", {"taskId": "t", "status": "DONE", "message": "m"}, "status must be one of: QUEUED"),
    ("update_progress", {"taskId": "t", "message": "   "}, "message must not be empty"),
    ("update_progress", {"taskId": "t", "message": "m", "percentage": -1}, "percentage must be at least 0"),
    ("wait_for_prompt", {"timeout": "1"}, "timeout must be a number, got a string"),
    ("block_task", {"taskId": "t", "reason": "why", "question": "q", "summary": "s"},
     "reason must be one of: clarification, dependency, decision"),
    ("list_agents", ["x"], "the arguments must be a JSON object, got an array"),
])
def test_invalid_arguments_name_the_field(tool: str, args: Any, message: str) -> None:
    problem = invalid_arguments(tool, args)
    assert problem is not None and problem.startswith(f"Invalid input for {tool}: ")
    assert message in problem


def test_valid_arguments_pass_and_unknown_keys_are_ignored() -> None:
    assert invalid_arguments("list_agents", {"role": "ignored"}) is None
    assert invalid_arguments("wait_for_prompt", {"agentId": "a", "timeout": 0.1}) is None


def test_the_setup_block_names_the_tasks_worktree_and_branch() -> None:
    block = texts.setup_block("task-1-abc")
    assert block.startswith("\n## SETUP (MANDATORY)\nRun these commands to start work:\n```bash\n")
    assert "git worktree add .worktrees/feature-task-1-abc -b feature-task-1-abc" in block
    assert "Resuming on existing worktree: .worktrees/feature-task-1-abc" in block


def test_the_plan_template_has_the_reference_sections() -> None:
    plan = texts.implementation_plan("task-9-xyz")
    assert plan.startswith("# Implementation Plan - task-9-xyz\n")
    for section in ("Goal Description", "User Review Required", "Proposed Changes", "Verification Plan",
                    "Automated Tests", "Manual Verification"):
        assert f"## {section}" in plan or f"### {section}" in plan


def test_results_serialise_to_the_reference_envelope() -> None:
    assert ToolResult.of_json({"a": 1}).envelope() == {"content": [{"type": "text", "text": '{"a":1}'}]}
    assert ToolResult.error("no").envelope() == {"content": [{"type": "text", "text": "no"}], "isError": True}


def test_sessions_remember_their_agent_and_forget_the_oldest_beyond_the_limit() -> None:
    sessions = SessionAgents(limit=2)
    sessions.remember(None, "ignored")
    for n in range(3):
        sessions.remember(f"s{n}", f"agent-{n}")
    assert sessions.agent_of("s0") is None and sessions.agent_of("s2") == "agent-2"
    assert sessions.agent_of(None) is None


def test_the_bridge_config_reads_the_reference_variables(tmp_path: Any) -> None:
    env = {"WAAAH_SERVER_URL": "http://hub:9/", "AGENT_ID": "me", "WAAAH_HOME": str(tmp_path)}
    config = BridgeConfig.from_env(env)
    assert config == BridgeConfig(url="http://hub:9", api_key=None, agent_id="me")
    (tmp_path / "credentials.json").write_text('{"api-key": "saved"}')
    assert BridgeConfig.from_env(env, url="http://other").api_key == "saved"
    assert BridgeConfig.from_env({}).url == "http://localhost:3000"


async def test_the_bridge_fills_the_callers_agent_id_but_keeps_a_given_one() -> None:
    async with httpx.AsyncClient() as http:
        bridge = Bridge(BridgeConfig("http://hub", None, "env-agent"), http)
        assert bridge.arguments("wait_for_prompt", {})["agentId"] == "env-agent"
        bridge.registered = "env-agent-2"
        assert bridge.arguments("send_response", {"taskId": "t"})["agentId"] == "env-agent-2"
        assert bridge.arguments("ack_task", {"agentId": "given"})["agentId"] == "given"
        assert bridge.arguments("assign_task", {"prompt": "p"})["sourceAgentId"] == "env-agent-2"
        assert "agentId" not in bridge.arguments("list_agents", {})
