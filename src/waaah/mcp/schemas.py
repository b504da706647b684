"""The 19 agent tools (docs/mcp.md): names, descriptions and the JSON schemas agents see. Pure data.

Unknown properties are ignored, as the reference's zod schemas strip them. `agentId` is optional on
the tools an agent uses about its own work: the caller is then the agent this MCP session
registered (or the one `waaah mcp` was started for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waaah.domain.capabilities import STANDARD_CAPABILITIES
from waaah.domain.checks import COMMIT, VERIFY_MAX_CHARS, VERIFY_MAX_COMMANDS
from waaah.domain.lifecycle import Status
from waaah.domain.tasks import FAILURE_REASON, PRIORITIES

if TYPE_CHECKING:
    import mcp.types

JSON = dict[str, Any]
LONG_POLLS = frozenset({"wait_for_prompt", "wait_for_task"})
"""Tools that block until something happens; their transports watch for the client going away."""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_schema: JSON


def text(description: str) -> JSON:
    """A string that must not be blank."""
    return {"type": "string", "minLength": 1, "pattern": r"\S", "description": description}


def string(description: str) -> JSON:
    return {"type": "string", "description": description}


def one_of(values: tuple[str, ...] | list[str], description: str) -> JSON:
    return {"type": "string", "enum": list(values), "description": description}


def strings(description: str, items: JSON | None = None) -> JSON:
    return {"type": "array", "items": items or {"type": "string"}, "description": description}


def obj(properties: JSON, *required: str) -> JSON:
    return {"type": "object", "properties": properties, "required": list(required)}


COMMIT_SHA = {"type": "string", "pattern": COMMIT,
              "description": "The full git sha (40 hex) of the commit you submit: the verification gate "
                             "matches it with your pre-review checks"}
VERIFY = {**strings("Shell commands that check the work (run by the agent's runner, never by the hub)",
                    {"type": "string", "minLength": 1, "maxLength": VERIFY_MAX_CHARS, "pattern": r"\S"}),
          "maxItems": VERIFY_MAX_COMMANDS}
CAPABILITY = one_of(STANDARD_CAPABILITIES, "A standard capability")
TASK_ID = text("The task id (task-...)")
CALLER = text("Your agent id. Optional when this MCP session called register_agent, through "
              "`waaah mcp` (which fills it in), and on the tools that report on a task you hold "
              "(the task's holder is assumed).")
WORKSPACE = {**obj({"type": one_of(("local", "github"), "Where the repository lives (default local)"),
                    "repoId": string("Repository id, e.g. org/repo; tasks for a workspace need an exact match"),
                    "branch": string("Current branch"),
                    "path": string("Local checkout path")}, "repoId"),
             "description": "The repository this agent works in"}

_AGENT_TOOLS = [
    ToolSpec("register_agent", "Register (or refresh) this agent with the hub. Call it once at start.", obj({
        "agentId": text("Stable id for this agent, e.g. claude-backend-1"),
        "displayName": string("Human-friendly name (one is generated if omitted)"),
        "role": string("Role, e.g. developer, test-engineer, orchestrator, project-manager"),
        "capabilities": {**strings("What this agent can do", CAPABILITY), "minItems": 1},
        "workspaceContext": WORKSPACE,
        "source": one_of(("CLI", "IDE"), "Where the agent runs"),
        "waitTimeout": {"type": "number", "exclusiveMinimum": 0,
                        "description": "Seconds each wait_for_prompt should last when the call names none "
                                       "(capped by the hub below the usual client tool timeouts)"},
    }, "agentId", "capabilities", "workspaceContext")),
    ToolSpec("wait_for_prompt", "Wait for work (long poll, 50 s by default). Returns a task to acknowledge, "
             "an eviction (controlSignal EVICT), a system prompt (controlSignal SYSTEM_PROMPT), or IDLE: "
             "then call it again.", obj({
                 "agentId": CALLER,
                 "timeout": {"type": "number", "description": "Seconds to wait (default: the waitTimeout you "
                                                             "registered, else the hub's; capped by the hub)"},
             })),
    ToolSpec("ack_task", "Acknowledge a task wait_for_prompt gave you; until then it may go to another agent.",
             obj({"taskId": TASK_ID, "agentId": CALLER}, "taskId")),
    ToolSpec("update_progress", "Report progress on the task you hold (it keeps the task alive).", obj({
        "taskId": TASK_ID, "agentId": CALLER, "message": text("What you did or are doing"),
        "phase": string("Current phase, e.g. planning, coding, testing"),
        "percentage": {"type": "number", "minimum": 0, "maximum": 100, "description": "0-100"},
    }, "taskId", "message")),
    ToolSpec("send_response", "Report the outcome of the task you hold: IN_REVIEW (with a diff for code or "
             "test work), COMPLETED (only when no review is needed or after approval), BLOCKED, FAILED "
             "or IN_PROGRESS.", obj({
                 "taskId": TASK_ID, "agentId": CALLER,
                 "status": one_of([s.value for s in Status], "The new status"),
                 "message": text("Summary of what was done"),
                 "artifacts": strings("Files or links produced"),
                 "diff": string("Unified diff of your changes (required for IN_REVIEW on code/test work)"),
                 "blockedReason": string("Why the task is blocked"),
                 "failureReason": {"type": "string", "pattern": FAILURE_REASON,
                                   "description": "With FAILED: why, as a short token (agent_exit, stalled, "
                                                  "timeout, merge_conflict, cli_missing, ...)"},
                 "commit": COMMIT_SHA,
             }, "taskId", "status", "message")),
    ToolSpec("block_task", "Stop work on the task you hold and ask a person a question.", obj({
        "taskId": TASK_ID, "agentId": CALLER,
        "reason": one_of(("clarification", "dependency", "decision"), "Kind of blocker"),
        "question": text("The question to answer"), "summary": text("What has been done so far"),
        "notes": string("Anything else worth knowing"), "files": strings("Files involved"),
    }, "taskId", "reason", "question", "summary")),
    ToolSpec("submit_review", "Submit the task you hold for review with your diff. Nothing runs on the "
             "hub: push your branch yourself.", obj({
                 "taskId": TASK_ID, "agentId": CALLER, "message": text("What the change does"),
                 "diff": string("Unified diff of your changes (required for code/test work)"),
                 "runTests": {"type": "boolean", "description": "Accepted for compatibility; ignored"},
                 "commit": COMMIT_SHA,
             }, "taskId", "message")),
]

_HUB_TOOLS = [
    ToolSpec("assign_task", "Delegate a task to another agent (by id or name) or to any agent with the "
             "needed capabilities (inferred from the prompt when neither is given).", obj({
                 "prompt": text("What to do; the first line becomes the title"),
                 "workspaceId": text("Repository id the task belongs to"),
                 "targetAgentId": text("Preferred agent id or display name"),
                 "targetRole": string("Ignored (deprecated)"),
                 "requiredCapabilities": strings("Capabilities the agent must have", CAPABILITY),
                 "sourceAgentId": text("Your agent id (the delegator)"),
                 "context": {"type": "object", "description": "Extra context for the agent"},
                 "spec": string("Specification text (also used to infer capabilities)"),
                 "tasks": string("Task list text (also used to infer capabilities)"),
                 "priority": one_of(PRIORITIES, "Priority (default normal)"),
                 "dependencies": strings("Task ids that must be COMPLETED first"),
                 "requiresReview": {"type": "boolean", "description": "Force the review gate on or off"},
                 "verify": VERIFY,
                 "verification": {"type": "boolean",
                                  "description": "A plan verification task: it runs the verify commands only, "
                                                 "any agent of the workspace takes it, no review"},
             }, "prompt", "workspaceId")),
    ToolSpec("answer_task", "Answer a BLOCKED task's question; the task is queued again.",
             obj({"taskId": TASK_ID, "answer": text("The answer")}, "taskId", "answer")),
    ToolSpec("wait_for_task", "Wait until a task is COMPLETED, FAILED, CANCELLED or BLOCKED (long poll).",
             obj({"taskId": TASK_ID, "timeout": {"type": "number", "minimum": 0,
                                                 "description": "Seconds to wait (default and cap: the hub's "
                                                                "longest long poll, 110 s)"}}, "taskId")),
    ToolSpec("get_task_context", "A task's prompt, status, conversation and its dependencies' outputs.",
             obj({"taskId": TASK_ID}, "taskId")),
    ToolSpec("list_agents", "Registered agents with their live status.",
             obj({"capability": CAPABILITY})),
    ToolSpec("get_agent_status", "One agent's status and current tasks.",
             obj({"agentId": text("The agent id")}, "agentId")),
    ToolSpec("admin_update_agent", "Change an agent's display name or colour.", obj({
        "agentId": text("The agent id"),
        "status": one_of(("active", "inactive", "maintenance"), "Accepted for compatibility; ignored"),
        "metadata": {**obj({"displayName": text("New display name"), "color": text("New colour")}),
                     "description": "displayName and/or color"},
    }, "agentId")),
    ToolSpec("admin_evict_agent", "Ask an agent to restart or shut down; a waiting agent gets it at once.", obj({
        "agentId": text("The agent id"), "reason": text("Why"),
        "action": one_of(("RESTART", "SHUTDOWN"), "Default RESTART"),
    }, "agentId", "reason")),
    ToolSpec("broadcast_system_prompt", "Send a system prompt to one agent, to agents with a capability, or "
             "to all; agents receive it from wait_for_prompt.", obj({
                 "targetAgentId": text("One agent"), "targetCapability": CAPABILITY,
                 "broadcast": {"type": "boolean", "description": "Every registered agent"},
                 "promptType": one_of(("WORKFLOW_UPDATE", "EVICTION_NOTICE", "CONFIG_UPDATE", "SYSTEM_MESSAGE"),
                                      "Kind of prompt"),
                 "message": text("The prompt"), "payload": {"type": "object", "description": "Extra data"},
                 "priority": one_of(PRIORITIES, "Default normal"),
             }, "promptType", "message")),
    ToolSpec("get_review_comments", "Review comments on a task, oldest first.", obj({
        "taskId": TASK_ID,
        "unresolvedOnly": {"type": "boolean", "description": "Only open top-level comments (default true)"},
    }, "taskId")),
    ToolSpec("resolve_review_comment", "Mark a review comment resolved, optionally with a reply.", obj({
        "taskId": TASK_ID, "commentId": text("The comment id"), "response": string("Your reply"),
        "agentId": CALLER,
    }, "taskId", "commentId")),
    ToolSpec("scaffold_plan", "A Markdown implementation-plan template for a task.",
             obj({"taskId": TASK_ID}, "taskId")),
]

TOOLS: tuple[ToolSpec, ...] = (*_AGENT_TOOLS, *_HUB_TOOLS)
TOOLS_BY_NAME: dict[str, ToolSpec] = {t.name: t for t in TOOLS}
CALLER_TOOLS = frozenset(t.name for t in TOOLS if t.input_schema["properties"].get("agentId") is CALLER)
"""Tools whose optional `agentId` names the caller (filled from the session when omitted)."""


def mcp_tools() -> list[mcp.types.Tool]:
    """The tool list as MCP SDK objects (imported here so the data above needs no SDK)."""
    from mcp.types import Tool

    return [Tool(name=t.name, description=t.description, input_schema=t.input_schema) for t in TOOLS]
