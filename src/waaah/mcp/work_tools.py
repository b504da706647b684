"""The tools of an agent's work loop: register, wait, ack, progress, respond, block, submit for review.

Each handler parses its (already validated) arguments, calls one service or long-poll method and
formats the reference's output.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from waaah.domain.lifecycle import Status
from waaah.domain.records import Message
from waaah.errors import NotFound, WaaahError
from waaah.mcp import texts
from waaah.mcp.context import Args, Caller, Deps, ToolResult

Handler = Callable[[Deps, Args, Caller], Awaitable[ToolResult]]


def comments_json(messages: list[Message]) -> list[dict[str, object]]:
    """Unread comments handed to the agent (then marked read)."""
    return [{"id": m.id, "content": m.content, "timestamp": m.timestamp, "metadata": m.meta} for m in messages]


async def register_agent(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    context = {"type": "local", **args["workspaceContext"]}
    agent = await deps.hub.agents.register(
        args["agentId"], tuple(args["capabilities"]), context, display_name=args.get("displayName"),
        role=args.get("role"), source=args.get("source"), wait_timeout=args.get("waitTimeout"))
    deps.sessions.remember(caller.session_id, agent.id)
    wait = deps.polls.timeout_for(agent, None)
    return ToolResult.of_json({"registered": True, "agentId": agent.id, "displayName": agent.display_name,
                               "capabilities": list(agent.capabilities), "waitTimeout": wait})


async def wait_for_prompt(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    agent_id = deps.caller_id(args, caller)
    report = caller.progress

    async def progress(elapsed: float) -> None:
        if report is not None:
            await report(elapsed, None, f"Waiting for work ({elapsed:.0f}s)")

    return ToolResult.of_json(await deps.polls.wait_for_prompt(agent_id, args.get("timeout"), progress))


async def ack_task(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    try:
        task, unread = await deps.hub.work.ack(args["taskId"], deps.caller_id(args, caller))
    except WaaahError as exc:
        message = exc.message.removeprefix("ACK failed: ")
        return ToolResult.error(f"ACK failed: {message}")
    out: Args = {"acknowledged": True, "taskId": task.id}
    if unread:
        out["unreadComments"] = comments_json(unread)
    return ToolResult.of_json(out)


async def update_progress(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    unread = await deps.hub.work.progress(args["taskId"], deps.reporter_id(args, caller), args["message"],
                                          args.get("phase"), args.get("percentage"))
    out: Args = {"recorded": True}
    if unread:
        out["unreadComments"] = comments_json(unread)
    return ToolResult.of_json(out)


async def send_response(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    task_id = args["taskId"]
    try:
        task = await deps.hub.work.respond(
            task_id, deps.reporter_id(args, caller), Status(args["status"]), args["message"],
            diff=args.get("diff"), artifacts=args.get("artifacts"), blocked_reason=args.get("blockedReason"),
            failure_reason=args.get("failureReason"), commit=args.get("commit"))
    except NotFound:
        return ToolResult.of_json({"success": False, "error": "Task not found"}, is_error=True)
    except WaaahError as exc:
        return ToolResult.of_json({"success": False, "error": exc.message, "code": exc.code, **exc.details},
                                  is_error=True)
    out: Args = {"success": True, "message": f"Response recorded for {task.id}"}
    if task.status is Status.COMPLETED:
        out["prompt"] = texts.completed_prompt(task.id)
    return ToolResult.of_json(out)


async def block_task(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    task = await deps.hub.work.block(args["taskId"], deps.reporter_id(args, caller), args["reason"],
                                     args["question"], args["summary"], args.get("notes"), args.get("files"))
    return ToolResult(f"Task {task.id} blocked. WAAAH Bot will notify the user.")


async def submit_review(deps: Deps, args: Args, caller: Caller) -> ToolResult:
    """No commands run on the hub; the agent's diff and message are recorded for review."""
    task = await deps.hub.work.respond(args["taskId"], deps.reporter_id(args, caller), Status.IN_REVIEW,
                                       args["message"], diff=args.get("diff"), commit=args.get("commit"))
    return ToolResult(f"Success: Task {task.id} submitted for review.")


HANDLERS: dict[str, Handler] = {
    "register_agent": register_agent,
    "wait_for_prompt": wait_for_prompt,
    "ack_task": ack_task,
    "update_progress": update_progress,
    "send_response": send_response,
    "block_task": block_task,
    "submit_review": submit_review,
}
