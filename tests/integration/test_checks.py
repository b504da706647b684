"""The verification gate on a real server: verify commands, checks and their bounds, the gate before
approval with its override, the commit under review (over MCP), plan verification tasks, and the
merge queue's state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.mcp_support import mcp_agent
from tests.live import LiveServer
from waaah.domain.checks import OUTPUT_LIMIT, VERIFY_MAX_CHARS, VERIFY_MAX_COMMANDS
from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask

DIFF = "diff --git a/app.py b/app.py\n+print('hello')\n"
SHA, OTHER = "a" * 40, "b" * 40


@pytest.fixture
async def http(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}, timeout=30.0) as client:
        yield client


def hub_of(live: LiveServer) -> Hub:
    return live.runtime.hub


async def held(hub: Hub, agent_id: str = "a1", repo: str = "repo", **spec: Any) -> str:
    await hub.agents.register(agent_id, ("code-writing",), {"type": "local", "repoId": repo})
    task_id = (await hub.tasks.create(NewTask(prompt="Build it", capabilities=("code-writing",),
                                              workspace_id=repo, **spec))).id
    await hub.work.reserve(task_id, agent_id)
    await hub.work.ack(task_id, agent_id)
    return task_id


async def in_review(hub: Hub, commit: str | None = SHA, **spec: Any) -> str:
    task_id = await held(hub, verify=("make test",), **spec)
    await hub.work.respond(task_id, "a1", Status.IN_REVIEW, "done", diff=DIFF, commit=commit)
    return task_id


def a_check(**fields: Any) -> dict[str, Any]:
    return {"stage": "pre-review", "command": "make test", "exitCode": 0, "durationMs": 1200,
            "output": "12 passed", "commit": SHA, **fields}


async def post_check(http: httpx.AsyncClient, task_id: str, **fields: Any) -> httpx.Response:
    return await http.post(f"/admin/tasks/{task_id}/checks", json=a_check(**fields))


async def task(http: httpx.AsyncClient, task_id: str) -> dict[str, Any]:
    response = await http.get(f"/admin/tasks/{task_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def last_seq(live: LiveServer) -> int:
    async with hub_of(live).store.read() as tx:
        return await tx.last_seq()


async def test_verify_commands_are_kept_shown_and_edited_until_the_task_finishes(
        live: LiveServer, http: httpx.AsyncClient) -> None:
    created = await http.post("/admin/enqueue", json={"prompt": "Build it", "verify": ["make test", "ruff check ."]})
    task_id = created.json()["taskId"]
    assert (await task(http, task_id))["verify"] == ["make test", "ruff check ."]
    plain = (await http.post("/admin/enqueue", json={"prompt": "Other"})).json()["taskId"]
    assert (await task(http, plain))["verify"] == []
    edited = await http.patch(f"/admin/tasks/{task_id}", json={"verify": ["pytest -q"]})
    assert edited.status_code == 200 and edited.json()["verify"] == ["pytest -q"]
    await http.post(f"/admin/tasks/{task_id}/cancel")
    finished = await http.patch(f"/admin/tasks/{task_id}", json={"verify": ["true"]})
    assert finished.status_code == 409 and (await task(http, task_id))["verify"] == ["pytest -q"]


async def test_a_plan_from_before_keeps_its_verify_string_as_one_command(http: httpx.AsyncClient) -> None:
    created = await http.post("/admin/enqueue", json={"prompt": "Old", "context": {"verify": "make test && make lint"}})
    assert (await task(http, created.json()["taskId"]))["verify"] == ["make test && make lint"]


@pytest.mark.parametrize("verify, problem", [
    (["x"] * (VERIFY_MAX_COMMANDS + 1), "at most 20"), (["x" * (VERIFY_MAX_CHARS + 1)], "longer than"),
    (["  "], "non-empty"), ([3], "valid string"), (None, "")])
async def test_bad_verify_commands_are_refused_and_write_nothing(live: LiveServer, http: httpx.AsyncClient,
                                                                 verify: Any, problem: str) -> None:
    existing = (await http.post("/admin/enqueue", json={"prompt": "Keep"})).json()["taskId"]
    before = await last_seq(live)
    created = await http.post("/admin/enqueue", json={"prompt": "Build it", "verify": verify})
    patched = await http.patch(f"/admin/tasks/{existing}", json={"verify": verify})
    for response in (created, patched):
        assert response.status_code == 400 and problem in response.json()["error"], response.text
        assert response.json()["field"].startswith("verify")
    assert await last_seq(live) == before


async def test_checks_are_recorded_listed_oldest_first_and_summarised(live: LiveServer,
                                                                      http: httpx.AsyncClient) -> None:
    task_id = await held(hub_of(live))
    first = await post_check(http, task_id, agentId="a1", exitCode=1, output="1 failed", ranAt=5)
    assert first.status_code == 200 and first.json()["passed"] is False and first.json()["id"].startswith("chk-")
    second = await post_check(http, task_id, stage="merge", command="make e2e", commit=OTHER)
    assert second.json()["passed"] is True
    listed = (await http.get(f"/admin/tasks/{task_id}/checks")).json()["checks"]
    assert listed[0] == {"id": first.json()["id"], "stage": "pre-review", "command": "make test", "exitCode": 1,
                         "passed": False, "durationMs": 1200, "output": "1 failed", "truncated": False,
                         "commit": SHA, "ranAt": 5, "agentId": "a1"}
    assert [c["stage"] for c in listed] == ["pre-review", "merge"] and listed[1]["agentId"] is None
    shown = await task(http, task_id)
    assert shown["checks"] == {"preReview": "failed", "merge": "passed", "plan": None, "lastCommand": "make e2e",
                               "lastCommit": OTHER, "lastState": "passed", "count": 2}


async def test_a_long_output_keeps_its_tail_and_says_it_was_cut(live: LiveServer, http: httpx.AsyncClient) -> None:
    task_id = await held(hub_of(live))
    response = await post_check(http, task_id, output="head " + "x" * OUTPUT_LIMIT + " FAILED: test_login")
    assert response.json()["truncated"] is True
    kept = (await http.get(f"/admin/tasks/{task_id}/checks")).json()["checks"][0]
    assert kept["truncated"] is True and len(kept["output"]) == OUTPUT_LIMIT
    assert kept["output"].endswith(" FAILED: test_login") and "head" not in kept["output"]


@pytest.mark.parametrize("fields, name", [
    ({"stage": "deploy"}, "stage"), ({"commit": "abc123"}, "commit"), ({"commit": "A" * 40}, "commit"),
    ({"exitCode": "1"}, "exitCode"), ({"exitCode": 2**40}, "exitCode"), ({"durationMs": -1}, "durationMs"),
    ({"command": " "}, "command"), ({"command": "x" * (VERIFY_MAX_CHARS + 1)}, "command"),
    ({"ranAt": -5}, "ranAt")])
async def test_bad_check_fields_are_refused_naming_the_field(live: LiveServer, http: httpx.AsyncClient,
                                                             fields: dict[str, Any], name: str) -> None:
    task_id = await held(hub_of(live))
    before = await last_seq(live)
    response = await post_check(http, task_id, **fields)
    assert response.status_code == 400 and response.json()["field"] == name, response.text
    assert await last_seq(live) == before
    assert (await http.get(f"/admin/tasks/{task_id}/checks")).json() == {"checks": []}


async def test_checks_on_unknown_finished_or_someone_elses_tasks_are_refused(live: LiveServer,
                                                                           http: httpx.AsyncClient) -> None:
    hub = hub_of(live)
    task_id = await held(hub)
    await hub.agents.register("a2", ("code-writing",), {"type": "local", "repoId": "repo"})
    cancelled = (await hub.tasks.create(NewTask(prompt="Gone"))).id
    await hub.tasks.cancel(cancelled)
    before = await last_seq(live)
    assert (await post_check(http, "task-1-nope")).status_code == 404
    assert (await http.get("/admin/tasks/task-1-nope/checks")).status_code == 404
    finished = await post_check(http, cancelled)
    assert finished.status_code == 409 and "CANCELLED" in finished.json()["error"]
    stranger = await post_check(http, task_id, agentId="a2")
    assert stranger.status_code == 409 and stranger.json()["code"] == "NOT_HOLDER"
    assert await last_seq(live) == before


async def test_the_gate_refuses_approval_naming_the_missing_or_failing_check(live: LiveServer,
                                                                             http: httpx.AsyncClient) -> None:
    task_id = await in_review(hub_of(live))
    approve = f"/admin/tasks/{task_id}/approve"
    missing = await http.post(approve)
    assert missing.status_code == 409 and missing.json()["code"] == "CHECK_FAILED"
    assert "no pre-review check" in missing.json()["error"] and "make test" in missing.json()["error"]
    await post_check(http, task_id, exitCode=3)
    before = await last_seq(live)
    failed = (await http.post(approve)).json()
    assert failed["code"] == "CHECK_FAILED" and all(s in failed["error"] for s in ("make test", "exit code 3", SHA))
    await post_check(http, task_id, commit=OTHER)
    elsewhere = (await http.post(approve)).json()
    assert elsewhere["code"] == "CHECK_FAILED" and OTHER in elsewhere["error"] and SHA in elsewhere["error"]
    assert (await task(http, task_id))["status"] == "IN_REVIEW"
    assert await last_seq(live) == before + 1  # only the second check's event
    await post_check(http, task_id)
    assert (await http.post(approve)).status_code == 200
    shown = await task(http, task_id)
    assert shown["status"] == "APPROVED_QUEUED" and shown["approvalOverride"] is None


async def test_a_task_submitted_without_its_commit_cannot_pass_the_gate(live: LiveServer,
                                                                        http: httpx.AsyncClient) -> None:
    task_id = await in_review(hub_of(live), commit=None)
    await post_check(http, task_id)
    refused = await http.post(f"/admin/tasks/{task_id}/approve")
    assert refused.status_code == 409 and "without the commit under review" in refused.json()["error"]


async def test_an_override_needs_a_reason_and_is_on_record(live: LiveServer, http: httpx.AsyncClient) -> None:
    task_id = await in_review(hub_of(live))
    await post_check(http, task_id, exitCode=1)
    blank = await http.post(f"/admin/tasks/{task_id}/approve", json={"override": "  "})
    assert blank.status_code == 400 and blank.json()["field"] == "override"
    reason = "flaky network test; passes locally"
    approved = await http.post(f"/admin/tasks/{task_id}/approve", json={"override": reason})
    assert approved.status_code == 200, approved.text
    shown = await task(http, task_id)
    assert shown["status"] == "APPROVED_QUEUED"
    assert shown["approvalOverride"]["reason"] == reason and shown["approvalOverride"]["at"] == shown["approvedAt"]
    assert reason in shown["messages"][-1]["content"] and "exit code 1" in shown["messages"][-1]["content"]
    assert shown["history"][-1]["message"] == f"Approved with override: {reason}"


async def test_a_task_without_verify_commands_approves_as_before(live: LiveServer, http: httpx.AsyncClient) -> None:
    hub = hub_of(live)
    task_id = await held(hub)
    await hub.work.respond(task_id, "a1", Status.IN_REVIEW, "done", diff=DIFF)
    assert (await http.post(f"/admin/tasks/{task_id}/approve")).status_code == 200


async def test_the_commit_under_review_comes_with_send_response_and_submit_review(live: LiveServer,
                                                                                  http: httpx.AsyncClient) -> None:
    hub = hub_of(live)
    first, second = await held(hub, verify=("make test",)), await held(hub, "a2", verify=("make test",))
    async with mcp_agent(live.url) as agent:
        assert "40" in await agent.error("submit_review", taskId=first, message="m", diff=DIFF, commit="abc")
        await agent.text("submit_review", taskId=first, agentId="a1", message="m", diff=DIFF, commit=SHA)
        await agent.json("send_response", taskId=second, agentId="a2", status="IN_REVIEW", message="m",
                         diff=DIFF, commit=OTHER)
    assert (await task(http, first))["response"]["commit"] == SHA
    assert (await task(http, second))["response"]["commit"] == OTHER


async def test_a_plan_verification_task_needs_no_review_no_diff_and_no_capability(
        live: LiveServer, http: httpx.AsyncClient) -> None:
    hub = hub_of(live)
    created = await http.post("/admin/enqueue", json={
        "prompt": "V1: the plan works end to end", "workspaceId": "repo", "verification": True,
        "requiredCapabilities": ["code-writing"], "verify": ["make e2e"]})
    task_id = created.json()["taskId"]
    shown = await task(http, task_id)
    assert (shown["verification"], shown["requiresReview"], shown["to"]["requiredCapabilities"]) == (True, False, [])
    await hub.agents.register("tester", ("doc-writing",), {"type": "local", "repoId": "repo"})
    assert await hub.work.reserve(task_id, "tester") is not None
    await hub.work.ack(task_id, "tester")
    assert (await post_check(http, task_id, agentId="tester", stage="plan", command="make e2e")).status_code == 200
    await hub.work.respond(task_id, "tester", Status.COMPLETED, "the plan works")
    done = await task(http, task_id)
    assert done["status"] == "COMPLETED" and done["checks"]["plan"] == "passed"


async def test_the_merge_queue_lists_approved_work_per_workspace_in_approval_order(
        live: LiveServer, http: httpx.AsyncClient) -> None:
    hub = hub_of(live)
    first = await in_review(hub)
    await post_check(http, first)
    second = await held(hub, "a2")
    await hub.work.respond(second, "a2", Status.IN_REVIEW, "done", diff=DIFF)
    other = await held(hub, "a3", repo="elsewhere")
    await hub.work.respond(other, "a3", Status.IN_REVIEW, "done", diff=DIFF)
    for task_id in (first, second, other):
        assert (await http.post(f"/admin/tasks/{task_id}/approve")).status_code == 200
    assert await hub.work.reserve(first, "a1") is not None
    await hub.work.ack(first, "a1")
    await post_check(http, first, agentId="a1", stage="merge", exitCode=1, output="conflict")
    queues = (await http.get("/admin/merge-queue")).json()["queues"]
    assert [q["workspace"] for q in queues] == ["elsewhere", "repo"]
    rows = queues[1]["tasks"]
    assert [(r["taskId"], r["position"], r["state"], r["status"]) for r in rows] == [
        (first, 1, "merging", "ASSIGNED"), (second, 2, "waiting", "APPROVED_QUEUED")]
    assert rows[0]["assignedTo"] == "a1" and rows[0]["approvedAt"] < rows[1]["approvedAt"]
    assert rows[0]["lastMergeCheck"]["passed"] is False and "output" not in rows[0]["lastMergeCheck"]
    assert "lastMergeCheck" not in rows[1]
    one = (await http.get("/admin/merge-queue", params={"workspace": "elsewhere"})).json()["queues"]
    assert [[r["taskId"] for r in q["tasks"]] for q in one] == [[other]]
    await hub.work.respond(first, "a1", Status.COMPLETED, "merged")
    left = (await http.get("/admin/merge-queue", params={"workspace": "repo"})).json()["queues"][0]["tasks"]
    assert [(r["taskId"], r["position"]) for r in left] == [(second, 1)]
