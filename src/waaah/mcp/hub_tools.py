"""Tools about the hub as a whole: delegation, answers, task and agent lookups, admin, review comments."""

from __future__ import annotations

from typing import Any

from waaah.domain.capabilities import infer_capabilities
from waaah.domain.lifecycle import BUSY, Actor
from waaah.domain.tasks import new_task_id, title_from_prompt
from waaah.domain.views import agent_json
from waaah.errors import NotFound, PromptBlocked
from waaah.mcp import texts
from waaah.mcp.context import Args, Caller, Deps, ToolResult
from waaah.mcp.progress import keep_alive
from waaah.mcp.work_tools import Handler
from waaah.service import NewTask

DEFAULT_SOURCE = "Da Boss"
NO_TARGET = "Either targetAgentId, targetCapability, or broadcast must be specified"


async def find_agent(deps: Deps, wanted: str | None, by_name: bool = True) -> dict[str, Any] | None:
    """An agent (as the API shows it) by id, else by display name (case-insensitive), else None."""
    if not wanted:
        return None
    async with deps.hub.store.read() as tx:
        agent = await tx.get_agent(wanted)
        if agent is None and by_name:
            agent = next((a for a in await tx.list_agents() if a.display_name.lower() == wanted.lower()), None)
        if agent is None:
            return None
        held = await tx.tasks_of_agent(agent.id, BUSY)
        return agent_json(agent, [t.id for t in held], await tx.count_system_prompts(agent.id))


def lifted_dependencies(args: Args) -> tuple[str, ...]:
    """Top-level dependencies, else `context.dependencies` when it is a list of strings."""
    given = args.get("dependencies") or (args.get("context") or {}).get("dependencies")
    if isinstance(given, list) and all(isinstance(d, str) for d in given):
        return tuple(given)
    return ()


async def assign_task(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    source_id = deps.optional_caller(args, caller) or DEFAULT_SOURCE
    source, target = await find_agent(deps, source_id), await find_agent(deps, args.get("targetAgentId"))
    capabilities = tuple(args.get("requiredCapabilities") or ())
    if target is None and not capabilities:
        capabilities = infer_capabilities(args["prompt"], args.get("spec"), args.get("tasks")).capabilities
    task_id = new_task_id(deps.hub.core.clock())
    spec = NewTask(
        id=task_id, prompt=args["prompt"] + texts.setup_block(task_id), title=title_from_prompt(args["prompt"]),
        priority=args.get("priority") or "normal", workspace_id=args["workspaceId"],
        agent_hint=target["id"] if target else None, capabilities=capabilities,
        dependencies=lifted_dependencies(args), context={**(args.get("context") or {}), "isDelegation": True},
        source="Agent", from_type="agent", from_id=source_id,
        from_name=source["displayName"] if source else source_id, requires_review=args.get("requiresReview"),
        verify=tuple(args.get("verify") or ()), verification=bool(args.get("verification")))
    try:
        task = await deps.hub.tasks.create(spec)
    except PromptBlocked as exc:
        return ToolResult.error("Security: Delegation blocked. Flags: " + ", ".join(exc.details.get("flags", [])))
    shown = target["displayName"] if target else f"Capabilities: [{', '.join(capabilities) or 'any'}]"
    return ToolResult(f"Task delegated to {shown}: {task.id}")


async def answer_task(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    task = await deps.hub.tasks.answer(args["taskId"], args["answer"], Actor.AGENT)
    return ToolResult(f"Task {task.id} unblocked and requeued.")


async def wait_for_task(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    """An unknown id answers at once; CANCELLED counts as finished."""
    report = caller.progress

    async def progress(elapsed: float) -> None:
        if report is not None:
            await report(elapsed, None, f"Waiting for {args['taskId']} ({elapsed:.0f}s)")

    try:
        state = await keep_alive(deps.polls.wait_for_task(args["taskId"], args.get("timeout")), progress)
    except NotFound:
        return ToolResult.of_json({"status": "NOT_FOUND", "taskId": args["taskId"]}, is_error=True)
    return ToolResult.of_json(state)


async def get_task_context(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    try:
        task = await deps.queries.task(args["taskId"])
    except NotFound:
        return ToolResult.error("Task not found")
    outputs = {}
    for dep in task["dependencies"]:
        try:
            found = await deps.queries.task(dep)
        except NotFound:
            continue
        outputs[dep] = {"status": found["status"], "output": found["response"], "completedAt": found["completedAt"]}
    out = {"taskId": task["id"], "prompt": task["prompt"], "status": task["status"], "to": task["to"],
           "messages": task["messages"], "context": task["context"], "dependencyOutputs": outputs}
    unread = [m for m in task["messages"] if m["role"] == "user" and not m["isRead"]
              and (m.get("metadata") or {}).get("messageType") == "comment"]
    if unread:
        out["unreadComments"] = unread
    return ToolResult.of_json(out)


def agent_summary(agent: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "displayName", "role", "capabilities", "lastSeen", "status", "currentTasks", "workspaceContext")
    out = {k: agent[k] for k in keys}
    if agent["currentTasks"]:
        out["currentTask"] = agent["currentTasks"][0]
    return out


async def list_agents(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    wanted = args.get("capability")
    agents = [a for a in await deps.queries.agents() if wanted is None or wanted in a["capabilities"]]
    return ToolResult.of_json([agent_summary(a) for a in agents])


async def get_agent_status(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    agent = await find_agent(deps, args["agentId"], by_name=False)
    if agent is None:
        return ToolResult.of_json({"status": "UNKNOWN"}, is_error=True)
    return ToolResult.of_json({"agentId": agent["id"], "displayName": agent["displayName"],
                               "status": agent["status"], "capabilities": agent["capabilities"],
                               "lastSeen": agent["lastSeen"], "currentTasks": agent["currentTasks"]})


async def admin_update_agent(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    metadata = args.get("metadata") or {}
    try:
        await deps.hub.agents.update(args["agentId"], metadata.get("displayName"), metadata.get("color"))
    except NotFound:
        return ToolResult.error(f"Agent {args['agentId']} not found")
    return ToolResult(f"Updated agent {args['agentId']}")


async def admin_evict_agent(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    await deps.hub.agents.evict(args["agentId"], args["reason"], args.get("action") or "RESTART")
    return ToolResult(f"Eviction queued for {args['agentId']}")


async def broadcast_system_prompt(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    if not (args.get("broadcast") or args.get("targetCapability") or args.get("targetAgentId")):
        return ToolResult.error(NO_TARGET)
    if args.get("broadcast") or args.get("targetCapability"):
        agents = await deps.queries.agents()
        wanted = args.get("targetCapability")
        targets = [a["id"] for a in agents if args.get("broadcast") or wanted in a["capabilities"]]
    else:
        targets = [args["targetAgentId"]]
    done = await deps.hub.agents.broadcast(targets, args["promptType"], args["message"], args.get("payload"),
                                           args.get("priority") or "normal")
    if not done:
        return ToolResult.of_json({"success": False, "error": "No agents matched"})
    return ToolResult.of_json({"success": True, "targetCount": len(done), "targets": done})


async def get_review_comments(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    unresolved = args.get("unresolvedOnly", True)
    return ToolResult.of_json(await deps.queries.review_comments(args["taskId"], unresolved))


async def resolve_review_comment(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    resolver = deps.optional_caller(args, caller) or "agent"
    await deps.hub.tasks.resolve_review_comment(args["taskId"], args["commentId"], args.get("response"),
                                                resolved_by=resolver)
    return ToolResult(f"Comment {args['commentId']} resolved")


async def scaffold_plan(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    return ToolResult(texts.implementation_plan(args["taskId"]))


HANDLERS: dict[str, Handler] = {
    "assign_task": assign_task,
    "answer_task": answer_task,
    "wait_for_task": wait_for_task,
    "get_task_context": get_task_context,
    "list_agents": list_agents,
    "get_agent_status": get_agent_status,
    "admin_update_agent": admin_update_agent,
    "admin_evict_agent": admin_evict_agent,
    "broadcast_system_prompt": broadcast_system_prompt,
    "get_review_comments": get_review_comments,
    "resolve_review_comment": resolve_review_comment,
    "scaffold_plan": scaffold_plan,
}
