"""The verification gate from the command line, against a real `waaah serve`: `send --verify`, a plan's
Verify column and V rows, `approve --override`, and `waaah queue`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.integration.cli.cli_runner import waaah
from tests.live import ServerProcess

DIFF = "diff --git a/app.py b/app.py\n+print('hello')\n"
SHA = "c" * 40


def tool(rest: httpx.Client, name: str, **args: Any) -> str:
    """One MCP tool call over the reference's RPC route; its text."""
    response = rest.post(f"/mcp/tools/{name}", json=args)
    assert response.status_code == 200 and not response.json().get("isError"), response.text
    return str(response.json()["content"][0]["text"])


def in_review(hub: ServerProcess, rest: httpx.Client, repo: str, *verify: str) -> str:
    """A task sent with `waaah send`, taken by an agent of `repo` and submitted at commit SHA."""
    agent = f"agent-{uuid.uuid4().hex[:6]}"
    tool(rest, "register_agent", agentId=agent, capabilities=["code-writing"],
         workspaceContext={"type": "local", "repoId": repo})
    flags = [arg for command in verify for arg in ("--verify", command)]
    sent = waaah(hub.url, "send", f"Build it {agent}", "--workspace", repo, "--agent", agent, "-c", "code-writing",
                 *flags, "--json")
    assert sent.returncode == 0, sent.stderr
    task_id = json.loads(sent.stdout)["taskId"]
    offered = json.loads(tool(rest, "wait_for_prompt", agentId=agent, timeout=30))
    assert offered["taskId"] == task_id
    tool(rest, "ack_task", taskId=task_id, agentId=agent)
    tool(rest, "submit_review", taskId=task_id, agentId=agent, message="done", diff=DIFF, commit=SHA)
    return task_id


def check(rest: httpx.Client, task_id: str, exit_code: int, stage: str = "pre-review") -> None:
    response = rest.post(f"/admin/tasks/{task_id}/checks", json={
        "stage": stage, "command": "make test", "exitCode": exit_code, "durationMs": 10, "output": "", "commit": SHA})
    assert response.status_code == 200, response.text


def test_send_keeps_its_verify_commands(hub: ServerProcess, rest: httpx.Client) -> None:
    sent = waaah(hub.url, "send", "Add a /version endpoint", "--verify", "make test",
                 "--verify", "make lint && make e2e", "--workspace", "org/nobody", "--json")
    assert sent.returncode == 0, sent.stderr
    task = rest.get(f"/admin/tasks/{json.loads(sent.stdout)['taskId']}").json()
    assert task["verify"] == ["make test", "make lint && make e2e"]


def test_a_plan_keeps_each_verify_cell_as_one_command_and_v_rows_are_verification_tasks(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("| ID | Title | Deps | Verify |\n|---|---|---|---|\n"
                    "| T1 | Build it | — | `make test && make lint` |\n"
                    "| V1 | The app works end to end | T1 | `make e2e` |\n")
    done = waaah(hub.url, "assign", str(plan), "-c", "code-writing", "--workspace", "org/nobody", "--json")
    assert done.returncode == 0, done.stderr
    tasks = {row["id"]: rest.get(f"/admin/tasks/{row['taskId']}").json() for row in json.loads(done.stdout)}
    assert (tasks["T1"]["verify"], tasks["T1"]["verification"]) == (["make test && make lint"], False)
    assert (tasks["V1"]["verify"], tasks["V1"]["verification"]) == (["make e2e"], True)
    assert (tasks["V1"]["requiresReview"], tasks["V1"]["to"]["requiredCapabilities"]) == (False, [])


def test_approve_is_refused_by_a_failing_check_and_an_override_is_on_record(
        hub: ServerProcess, rest: httpx.Client) -> None:
    task_id = in_review(hub, rest, "org/gate", "make test")
    check(rest, task_id, exit_code=1)
    refused = waaah(hub.url, "approve", task_id)
    assert refused.returncode == 1 and refused.stderr.startswith("waaah approve: ")
    assert "make test" in refused.stderr and "exit code 1" in refused.stderr and SHA in refused.stderr
    assert rest.get(f"/admin/tasks/{task_id}").json()["status"] == "IN_REVIEW"
    blank = waaah(hub.url, "approve", task_id, "--override", " ")
    assert blank.returncode == 2 and "override" in blank.stderr
    approved = waaah(hub.url, "approve", task_id, "--override", "flaky network test", "--json")
    assert approved.returncode == 0, approved.stderr
    assert json.loads(approved.stdout)["status"] == "APPROVED_QUEUED"
    task = rest.get(f"/admin/tasks/{task_id}").json()
    assert task["approvalOverride"]["reason"] == "flaky network test"


def test_queue_lists_each_workspace_in_approval_order(hub: ServerProcess, rest: httpx.Client) -> None:
    repo = f"org/queue-{uuid.uuid4().hex[:6]}"
    first, second = in_review(hub, rest, repo), in_review(hub, rest, repo)
    for task_id in (first, second):
        assert waaah(hub.url, "approve", task_id).returncode == 0
    check(rest, first, exit_code=2, stage="merge")
    listed = waaah(hub.url, "queue", "--workspace", repo, "--json")
    assert listed.returncode == 0, listed.stderr
    [queue] = json.loads(listed.stdout)
    assert queue["workspace"] == repo
    assert [(t["taskId"], t["position"], t["state"]) for t in queue["tasks"]] == [
        (first, 1, "waiting"), (second, 2, "waiting")]
    table = waaah(hub.url, "queue", "--workspace", repo)
    lines = table.stdout.splitlines()
    assert lines[0] == f"{repo}  (2 approved)" and lines[1].split()[:4] == ["#", "TASK", "STATE", "STATUS"]
    assert lines[2].split()[:2] == ["1", first] and "failed (exit 2)" in lines[2]
    assert lines[3].split()[:2] == ["2", second]
    empty = waaah(hub.url, "queue", "--workspace", "org/nothing-here")
    assert empty.stdout.strip() == "the merge queue is empty for org/nothing-here"
