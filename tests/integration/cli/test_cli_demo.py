"""`waaah demo` against a real server: its agents move tasks to review, finish approved work, ask questions."""

from __future__ import annotations

import signal

import httpx
import pytest

from tests.integration.cli.cli_runner import running, waaah
from tests.live import ServerProcess

WAIT = 60.0
FAST = ("--tasks", "0", "--pace", "0", "--seed", "1")
OVER = {"mcp": "over MCP streamable HTTP (/mcp)", "legacy": "over legacy tool route (/mcp/tools/{name})"}


def enqueue(rest: httpx.Client, prompt: str, capability: str) -> str:
    answer = rest.post("/admin/enqueue", json={"prompt": prompt, "requiredCapabilities": [capability]})
    return str(answer.json()["taskId"])


@pytest.mark.parametrize("transport", ["mcp", "legacy"])
def test_demo_agents_move_tasks_to_review_and_finish_them_once_approved(
        hub: ServerProcess, rest: httpx.Client, transport: str) -> None:
    tasks = [enqueue(rest, f"Implement feature {n} ({transport})", "code-writing") for n in range(2)]
    with running(hub.url, "demo", "--agents", "2", "--block-rate", "0", "--transport", transport, *FAST) as lines:
        assert OVER[transport] in lines.next(WAIT)
        submitted = {t: f"submitted {t} for review" for t in tasks}
        while submitted:
            line = lines.next(WAIT)
            submitted = {t: text for t, text in submitted.items() if text not in line}
        for task_id in tasks:
            task = rest.get(f"/admin/tasks/{task_id}").json()
            assert task["status"] == "IN_REVIEW"
            assert len(task["response"]["diff"]) >= 20
            assert task["assignedTo"].startswith("demo-")

        assert waaah(hub.url, "approve", tasks[0]).returncode == 0
        lines.until(lambda line: f"completed {tasks[0]}" in line, WAIT)
        assert rest.get(f"/admin/tasks/{tasks[0]}").json()["status"] == "COMPLETED"

        lines.process.send_signal(signal.SIGTERM)
        assert lines.until(lambda line: "stopped" in line, WAIT) == "waaah demo: stopped"
        assert lines.process.wait(timeout=WAIT) == 0
        agents = rest.get("/admin/agents/status").json()
        assert {a["status"] for a in agents if a["id"].startswith("demo-")} == {"OFFLINE"}  # signed off


def test_a_demo_agent_asks_a_question_and_carries_on_once_it_is_answered(
        hub: ServerProcess, rest: httpx.Client) -> None:
    task_id = enqueue(rest, "Write the docs for the question flow", "doc-writing")
    with running(hub.url, "demo", "--agents", "1", "--block-rate", "1", *FAST) as lines:
        lines.until(lambda line: f"asked on {task_id}" in line, WAIT)
        task = rest.get(f"/admin/tasks/{task_id}").json()
        assert (task["status"], task["blockedReason"]) == ("BLOCKED", "question")

        assert waaah(hub.url, "answer", task_id, "Yes, go ahead").returncode == 0
        lines.until(lambda line: f"completed {task_id}" in line, WAIT)  # doc work needs no review
    assert rest.get(f"/admin/tasks/{task_id}").json()["status"] == "COMPLETED"


def test_demo_creates_sample_tasks_with_their_dependencies(hub: ServerProcess, rest: httpx.Client) -> None:
    with running(hub.url, "demo", "--agents", "1", "--tasks", "4", "--pace", "0", "--block-rate", "0") as lines:
        assert lines.next(WAIT) == "waaah demo: created 4 sample tasks"
    by_title = {t["title"]: t for t in rest.get("/admin/tasks", params={"q": "[demo]", "limit": 0}).json()}
    review = by_title["Review the /version change and its tests"]
    assert sorted(review["dependencies"]) == sorted([by_title["Write tests for the /version endpoint"]["id"],
                                                     by_title["Document the /version endpoint in the API guide"]["id"]])
