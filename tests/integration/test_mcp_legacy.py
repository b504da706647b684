"""The reference's RPC route `POST /mcp/tools/{name}`: its envelope, its errors, and each tool's texts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from httpx import AsyncClient

from tests.integration.mcp_support import DIFF, WORKSPACE, last_seq, rest, until
from tests.live import LiveServer


async def call(client: AsyncClient, tool: str, **args: Any) -> dict[str, Any]:
    response = await client.post(f"/mcp/tools/{tool}", json=args)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def text_of(body: dict[str, Any]) -> str:
    return str(body["content"][0]["text"])


async def ok(client: AsyncClient, tool: str, **args: Any) -> str:
    body = await call(client, tool, **args)
    assert "isError" not in body, text_of(body)
    return text_of(body)


async def error(client: AsyncClient, tool: str, **args: Any) -> str:
    body = await call(client, tool, **args)
    assert body["isError"] is True
    return text_of(body)


async def register(client: AsyncClient, agent_id: str, *caps: str, **extra: Any) -> dict[str, Any]:
    return json.loads(await ok(client, "register_agent", agentId=agent_id, capabilities=list(caps),
                               workspaceContext=WORKSPACE, **extra))


async def holding(client: AsyncClient, agent_id: str = "ada", caps: tuple[str, ...] = ("code-writing",),
                  **task: Any) -> str:
    """A task reserved for and acknowledged by `agent_id`."""
    await register(client, agent_id, *caps)
    created = await client.post("/admin/enqueue", json={"prompt": "Do the work",
                                                        "requiredCapabilities": list(caps), **task})
    task_id = str(created.json()["taskId"])
    offer = json.loads(await ok(client, "wait_for_prompt", agentId=agent_id, timeout=30))
    assert offer["taskId"] == task_id
    await ok(client, "ack_task", taskId=task_id, agentId=agent_id)
    return task_id


async def test_results_come_in_the_reference_envelope(client: AsyncClient) -> None:
    body = await call(client, "scaffold_plan", taskId="task-1-abc")
    assert set(body) == {"content"} and body["content"][0]["type"] == "text"
    failed = await call(client, "get_task_context", taskId="task-1-nope")
    assert failed == {"content": [{"type": "text", "text": "Task not found"}], "isError": True}


async def test_an_unknown_tool_is_a_404_and_writes_nothing(client: AsyncClient) -> None:
    before = await last_seq(client)
    response = await client.post("/mcp/tools/list_connected_agents", json={"agentId": "ada"})
    assert response.status_code == 404
    assert response.json()["error"] == "Tool list_connected_agents not found"
    assert await last_seq(client) == before


async def test_the_route_needs_the_key(client: AsyncClient) -> None:
    for headers in ({"X-API-Key": ""}, {"X-API-Key": "wrong"}):
        response = await client.post("/mcp/tools/list_agents", json={}, headers=headers)
        assert response.status_code == 401 and "Unauthorized" in response.json()["error"]


async def test_bad_input_is_an_error_result_inside_a_200(client: AsyncClient) -> None:
    before = await last_seq(client)
    assert "workspaceContext is required" in await error(client, "register_agent", agentId="a",
                                                         capabilities=["code-writing"])
    body = await client.post("/mcp/tools/list_agents", json=[1, 2])
    assert body.status_code == 200 and "must be a JSON object" in text_of(body.json())
    malformed = await client.post("/mcp/tools/list_agents", content=b"{nope")
    assert malformed.status_code == 400
    assert await ok(client, "list_agents") == "[]"  # an empty body is no arguments
    assert await last_seq(client) == before


async def test_ack_failures_say_why(client: AsyncClient) -> None:
    assert (await error(client, "ack_task", taskId="task-1-nope", agentId="ada")).startswith(
        "ACK failed: Task task-1-nope not found")
    task_id = await holding(client)
    assert "not in PENDING_ACK" in await error(client, "ack_task", taskId=task_id, agentId="ada")


async def test_comments_reach_the_agent_once(client: AsyncClient) -> None:
    task_id = await holding(client)
    await client.post(f"/admin/tasks/{task_id}/comments", json={"content": "Use bcrypt"})
    first = json.loads(await ok(client, "update_progress", taskId=task_id, agentId="ada", message="hashing"))
    assert [c["content"] for c in first["unreadComments"]] == ["Use bcrypt"]
    assert json.loads(await ok(client, "update_progress", taskId=task_id, agentId="ada",
                               message="done")) == {"recorded": True}


async def test_submit_review_records_the_diff_and_runs_nothing(client: AsyncClient) -> None:
    task_id = await holding(client)
    text = await ok(client, "submit_review", taskId=task_id, agentId="ada", message="Adds login",
                    diff=DIFF, runTests=True)
    assert text == f"Success: Task {task_id} submitted for review."
    task = (await client.get(f"/admin/tasks/{task_id}")).json()
    assert task["status"] == "IN_REVIEW" and task["response"] == {"message": "Adds login", "diff": DIFF}


async def test_a_blocked_question_is_answered_and_requeued(client: AsyncClient) -> None:
    task_id = await holding(client)
    assert await ok(client, "block_task", taskId=task_id, agentId="ada", reason="clarification",
                    question="Which DB?", summary="Half done") == \
        f"Task {task_id} blocked. WAAAH Bot will notify the user."
    context = json.loads(await ok(client, "get_task_context", taskId=task_id))
    assert context["status"] == "BLOCKED" and context["messages"][-1]["content"].startswith(
        "Task BLOCKED: CLARIFICATION - Which DB?")
    assert await ok(client, "answer_task", taskId=task_id, answer="Postgres") == \
        f"Task {task_id} unblocked and requeued."
    assert (await client.get(f"/admin/tasks/{task_id}")).json()["status"] == "QUEUED"


async def test_assign_task_infers_capabilities_and_adds_the_setup_block(client: AsyncClient) -> None:
    text = await ok(client, "assign_task", prompt="Write unit tests for the UserService class\nDetails",
                    workspaceId="org/repo", sourceAgentId="boss")
    task_id = text.rsplit(": ", 1)[1]
    assert text == f"Task delegated to Capabilities: [test-writing, code-writing]: {task_id}"
    task = (await client.get(f"/admin/tasks/{task_id}")).json()
    assert task["title"] == "Write unit tests for the UserService class"
    assert f"git worktree add .worktrees/feature-{task_id} -b feature-{task_id}" in task["prompt"]
    assert "## SETUP (MANDATORY)" in task["prompt"] and task["context"] == {"isDelegation": True}
    assert task["from"] == {"type": "agent", "id": "boss", "name": "boss"}
    assert task["to"]["workspaceId"] == "org/repo"


async def test_assign_task_targets_an_agent_by_name_and_lifts_context_dependencies(client: AsyncClient) -> None:
    await register(client, "builder-1", "code-writing", displayName="Builder")
    first = (await ok(client, "assign_task", prompt="Design the schema", workspaceId="org/repo")).rsplit(" ", 1)[1]
    text = await ok(client, "assign_task", prompt="Build it", workspaceId="org/repo", targetAgentId="builder",
                    context={"dependencies": [first]})
    task_id = text.rsplit(" ", 1)[1]
    assert text == f"Task delegated to Builder: {task_id}"
    task = (await client.get(f"/admin/tasks/{task_id}")).json()
    assert task["dependencies"] == [first] and task["status"] == "BLOCKED"
    assert task["to"]["agentId"] == "builder-1"


async def test_a_dangerous_delegation_is_blocked_and_nothing_is_created(client: AsyncClient) -> None:
    before = await last_seq(client)
    text = await error(client, "assign_task", prompt="Clean up with rm -rf /", workspaceId="org/repo")
    assert text == "Security: Delegation blocked. Flags: DESTRUCTIVE"
    assert await last_seq(client) == before


async def test_agents_can_be_listed_inspected_renamed_and_evicted(client: AsyncClient) -> None:
    await register(client, "ada", "code-writing")
    await register(client, "bob", "doc-writing")
    listed = json.loads(await ok(client, "list_agents", capability="doc-writing"))
    assert [a["id"] for a in listed] == ["bob"] and listed[0]["status"] in ("WAITING", "PROCESSING")
    status = json.loads(await ok(client, "get_agent_status", agentId="ada"))
    assert status["agentId"] == "ada" and status["currentTasks"] == []
    assert json.loads(await error(client, "get_agent_status", agentId="zed")) == {"status": "UNKNOWN"}
    assert await ok(client, "admin_update_agent", agentId="ada", metadata={"displayName": "Ada L."}) == \
        "Updated agent ada"
    assert await error(client, "admin_update_agent", agentId="zed", metadata={"color": "red"}) == \
        "Agent zed not found"
    assert await ok(client, "admin_evict_agent", agentId="ada", reason="upgrade") == "Eviction queued for ada"
    signal = json.loads(await ok(client, "wait_for_prompt", agentId="ada", timeout=5))
    assert signal == {"controlSignal": "EVICT", "reason": "upgrade", "action": "RESTART"}


async def test_system_prompts_are_delivered_through_wait_for_prompt(client: AsyncClient) -> None:
    await register(client, "ada", "code-writing")
    assert await error(client, "broadcast_system_prompt", promptType="SYSTEM_MESSAGE", message="hi") == \
        "Either targetAgentId, targetCapability, or broadcast must be specified"
    none = await ok(client, "broadcast_system_prompt", promptType="SYSTEM_MESSAGE", message="hi",
                    targetCapability="doc-writing")
    assert json.loads(none) == {"success": False, "error": "No agents matched"}
    sent = json.loads(await ok(client, "broadcast_system_prompt", promptType="CONFIG_UPDATE",
                               message="Use the new linter", broadcast=True, payload={"rule": "E501"}))
    assert sent == {"success": True, "targetCount": 1, "targets": ["ada"]}
    prompt = json.loads(await ok(client, "wait_for_prompt", agentId="ada", timeout=5))
    assert prompt == {"controlSignal": "SYSTEM_PROMPT", "promptType": "CONFIG_UPDATE",
                      "message": "Use the new linter", "priority": "normal", "payload": {"rule": "E501"}}


async def test_review_comments_can_be_read_and_resolved(client: AsyncClient) -> None:
    task_id = await holding(client)
    added = await client.post(f"/admin/tasks/{task_id}/review-comments",
                              json={"filePath": "app.py", "lineNumber": 3, "content": "Rename this"})
    comment_id = added.json()["id"]
    comments = json.loads(await ok(client, "get_review_comments", taskId=task_id))
    assert [c["id"] for c in comments] == [comment_id]
    assert await ok(client, "resolve_review_comment", taskId=task_id, commentId=comment_id,
                    response="Renamed", agentId="ada") == f"Comment {comment_id} resolved"
    assert json.loads(await ok(client, "get_review_comments", taskId=task_id)) == []
    everything = json.loads(await ok(client, "get_review_comments", taskId=task_id, unresolvedOnly=False))
    assert len(everything) == 2


async def test_wait_for_task_answers_at_once_for_unknown_and_finished_tasks(client: AsyncClient) -> None:
    missing = json.loads(await error(client, "wait_for_task", taskId="task-1-nope", timeout=60))
    assert missing == {"status": "NOT_FOUND", "taskId": "task-1-nope"}
    task_id = await holding(client, "doc", ("doc-writing",))
    waiting = asyncio.create_task(ok(client, "wait_for_task", taskId=task_id, timeout=60))
    await ok(client, "send_response", taskId=task_id, agentId="doc", status="COMPLETED", message="done")
    finished = json.loads(await asyncio.wait_for(waiting, 10))
    assert finished["status"] == "COMPLETED" and finished["completed"] is True


async def test_get_task_context_includes_dependency_outputs(client: AsyncClient) -> None:
    first = await holding(client, "doc", ("doc-writing",))
    await ok(client, "send_response", taskId=first, agentId="doc", status="COMPLETED", message="guide written")
    second = (await client.post("/admin/enqueue", json={"prompt": "FAQ", "dependencies": [first]})).json()
    context = json.loads(await ok(client, "get_task_context", taskId=second["taskId"]))
    assert context["dependencyOutputs"][first]["output"]["message"] == "guide written"


async def test_a_legacy_long_poll_stops_waiting_when_its_client_leaves(live: LiveServer) -> None:
    async with rest(live.url) as api:
        await register(api, "gone", "doc-writing")
        poll = asyncio.create_task(api.post("/mcp/tools/wait_for_prompt",
                                            json={"agentId": "gone", "timeout": 120}))
        await until(lambda: live.runtime.waiters.is_waiting("gone"))
        poll.cancel()
        await until(lambda: not live.runtime.waiters.is_waiting("gone"))


async def test_reading_tools_write_nothing(client: AsyncClient) -> None:
    task_id = await holding(client)
    before = await last_seq(client)
    for tool, args in [("list_agents", {}), ("get_agent_status", {"agentId": "ada"}),
                       ("get_task_context", {"taskId": task_id}), ("get_review_comments", {"taskId": task_id}),
                       ("scaffold_plan", {"taskId": task_id}), ("wait_for_task", {"taskId": task_id, "timeout": 0})]:
        await ok(client, tool, **args)
    assert await last_seq(client) == before


async def test_an_agent_declares_its_wait_and_the_hub_caps_every_wait(database_url: str) -> None:
    """Clients give up on a tool call after their own timeout: no poll may outlast the hub's cap,
    whatever the registration or the call asks for."""
    from tests.conftest import make_settings
    from tests.live import serve_in_process

    settings = make_settings(database_url, WAAAH_PROMPT_TIMEOUT="40", WAAAH_PROMPT_TIMEOUT_MAX="1")
    async with serve_in_process(settings) as live, rest(live.url) as client:
        assert (await register(client, "patient", "doc-writing"))["waitTimeout"] == 1
        assert (await register(client, "patient", "doc-writing", waitTimeout=300))["waitTimeout"] == 1
        async with asyncio.timeout(30):
            idle = json.loads(await ok(client, "wait_for_prompt", agentId="patient", timeout=300))
            assert (idle["status"], idle["prompt"]) == ("IDLE", "## REQUIRED ACTION\nCall wait_for_prompt again "
                                                                "to continue listening.")
            assert json.loads(await ok(client, "wait_for_prompt", agentId="patient"))["status"] == "IDLE"


async def test_a_registered_wait_is_kept_by_the_store(live: LiveServer) -> None:
    async with rest(live.url) as client:
        assert (await register(client, "brief", "doc-writing", waitTimeout=1))["waitTimeout"] == 1
        assert (await register(client, "default", "doc-writing"))["waitTimeout"] == 50
    async with live.runtime.hub.store.read() as tx:
        assert (await tx.get_agent("brief")).wait_timeout == 1
        assert (await tx.get_agent("default")).wait_timeout is None
