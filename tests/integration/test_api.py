"""The REST API: contract shapes, the reference's bugs fixed, one error shape, and errors that write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import API_KEY, make_settings
from waaah.service import NewTask
from waaah.web.tasks_api import LIST_PAGE

DIFF = "diff --git a/x.py b/x.py\n+print('hi')\n"


async def enqueue(client: AsyncClient, **body: Any) -> str:
    response = await client.post("/admin/enqueue", json={"prompt": "Write docs", **body})
    assert response.status_code == 200, response.text
    return str(response.json()["taskId"])


async def last_seq(client: AsyncClient) -> int:
    return int((await client.get("/admin/events", params={"since": 0, "limit": 1})).json()["lastSeq"])


async def test_an_enqueued_task_can_be_read_back_with_the_reference_shape(client: AsyncClient) -> None:
    task_id = await enqueue(client, workspaceId="org/repo", priority="high", agentId="ada",
                            requiredCapabilities=["doc-writing"], source="UI")
    task = (await client.get(f"/admin/tasks/{task_id}")).json()
    assert task["id"] == task_id and task_id.startswith("task-")
    assert task["status"] == "QUEUED"
    assert task["from"] == {"type": "user", "id": "dashboard", "name": "Dashboard UI"}
    assert task["to"] == {"agentId": "ada", "requiredCapabilities": ["doc-writing"], "workspaceId": "org/repo"}
    assert task["priority"] == "high" and task["command"] == "execute_prompt"
    assert task["messages"] == [] and task["history"][0]["status"] == "QUEUED"


async def test_the_task_list_filters_pages_and_counts(client: AsyncClient) -> None:
    ids = [await enqueue(client, prompt=f"task number {n}") for n in range(5)]
    await client.post(f"/admin/tasks/{ids[0]}/cancel")
    page = await client.get("/admin/tasks", params={"limit": 2, "offset": 1})
    assert [t["id"] for t in page.json()] == [ids[3], ids[2]]
    assert page.headers["X-Total-Count"] == "5"
    active = await client.get("/admin/tasks", params={"status": "ACTIVE", "limit": 0})
    assert {t["id"] for t in active.json()} == set(ids[1:])
    cancelled = await client.get("/admin/tasks", params={"status": "CANCELLED,FAILED"})
    assert [t["id"] for t in cancelled.json()] == [ids[0]]
    found = await client.get("/admin/tasks", params={"q": "NUMBER 3"})
    assert [t["id"] for t in found.json()] == [ids[3]]
    no_limit_with_offset = await client.get("/admin/tasks", params={"limit": 0, "offset": 4})
    assert no_limit_with_offset.status_code == 200 and len(no_limit_with_offset.json()) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({}, "prompt"),
    ({"prompt": 3}, "prompt"),
    ({"prompt": "   "}, "prompt"),
    ({"prompt": "x", "priority": "urgent"}, "priority"),
    ({"prompt": "x", "dependencies": "task-1"}, "dependencies"),
    ({"prompt": "x", "dependencies": ["task-404"]}, "dependencies"),
])
async def test_bad_fields_are_refused_with_a_400_naming_the_field(client: AsyncClient, body: dict[str, Any],
                                                                  field: str) -> None:
    before = await last_seq(client)
    response = await client.post("/admin/enqueue", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field and field in response.json()["error"]
    assert await last_seq(client) == before
    assert (await client.get("/admin/tasks")).headers["X-Total-Count"] == "0"


async def test_malformed_json_is_a_400_in_the_one_error_shape(client: AsyncClient) -> None:
    response = await client.post("/admin/enqueue", content=b"{not json", headers={"content-type": "text/plain"})
    assert response.status_code == 400
    assert set(response.json()) >= {"error", "code"} and "Malformed JSON" in response.json()["error"]


async def test_unknown_tasks_are_404_on_every_task_route(client: AsyncClient) -> None:
    for method, path in [("GET", ""), ("POST", "/cancel"), ("POST", "/retry"), ("POST", "/approve"),
                         ("POST", "/reject"), ("DELETE", ""), ("GET", "/diff"), ("GET", "/review-comments")]:
        response = await client.request(method, f"/admin/tasks/task-0-nope{path}")
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "NOT_FOUND"
    comment = await client.post("/admin/tasks/task-0-nope/comments", json={"content": "hi"})
    assert comment.status_code == 404


async def test_an_illegal_transition_is_409_naming_the_current_status_and_writes_nothing(
        client: AsyncClient) -> None:
    task_id = await enqueue(client)
    before = await last_seq(client)
    response = await client.post(f"/admin/tasks/{task_id}/approve")
    assert response.status_code == 409
    assert response.json()["currentStatus"] == "QUEUED" and "QUEUED" in response.json()["error"]
    assert (await client.post(f"/admin/tasks/{task_id}/reject", json={"feedback": "x"})).status_code == 409
    assert (await client.post(f"/admin/tasks/{task_id}/retry")).status_code == 409
    assert await last_seq(client) == before
    assert (await client.get(f"/admin/tasks/{task_id}")).json()["status"] == "QUEUED"


async def test_a_body_over_the_limit_is_413(tmp_path) -> None:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport

    from waaah.web.app import create_app

    settings = make_settings(f"sqlite:///{tmp_path}/w.db", WAAAH_MAX_BODY_BYTES="1000")
    async with LifespanManager(create_app(settings)) as manager:
        transport = ASGITransport(app=manager.app)
        async with AsyncClient(transport=transport, base_url="http://localhost",
                               headers={"X-API-Key": API_KEY}) as http:
            response = await http.post("/admin/enqueue", json={"prompt": "x" * 2000})
            assert response.status_code == 413 and response.json()["code"] == "TOO_LARGE"
            assert (await http.get("/admin/tasks")).headers["X-Total-Count"] == "0"


async def test_a_blocked_prompt_is_403_with_its_flags(client: AsyncClient) -> None:
    response = await client.post("/admin/enqueue", json={"prompt": "clean up with rm -rf /"})
    assert response.status_code == 403
    assert response.json()["flags"] == ["DESTRUCTIVE"] and "security" in response.json()["error"]


async def test_patch_edits_the_description_but_never_the_id_or_status(client: AsyncClient) -> None:
    task_id = await enqueue(client)
    other = await enqueue(client, prompt="other")
    response = await client.patch(f"/admin/tasks/{task_id}", json={
        "id": other, "status": "COMPLETED", "priority": "critical",
        "to": {"agentId": "ada", "workspaceId": "org/x"}, "requiredCapabilities": ["doc-writing"]})
    assert response.status_code == 200
    task = (await client.get(f"/admin/tasks/{task_id}")).json()
    assert task["status"] == "QUEUED" and task["priority"] == "critical"
    assert task["to"] == {"agentId": "ada", "workspaceId": "org/x", "requiredCapabilities": ["doc-writing"]}
    assert (await client.get(f"/admin/tasks/{other}")).json()["priority"] == "normal"


async def test_dependencies_block_a_task_and_a_cycle_is_refused(client: AsyncClient) -> None:
    first = await enqueue(client, prompt="first")
    second = await enqueue(client, prompt="second", dependencies=[first])
    task = (await client.get(f"/admin/tasks/{second}")).json()
    assert task["status"] == "BLOCKED" and task["blockedReason"] == "dependencies"
    cycle = await client.patch(f"/admin/tasks/{first}", json={"dependencies": [second]})
    assert cycle.status_code == 400 and cycle.json()["field"] == "dependencies"
    assert cycle.json()["cycle"] == [first, second, first]
    assert (await client.get(f"/admin/tasks/{first}")).json()["dependencies"] == []


async def test_comments_reach_the_task_and_the_event_log(client: AsyncClient) -> None:
    task_id = await enqueue(client)
    before = await last_seq(client)
    assert (await client.post(f"/admin/tasks/{task_id}/comments", json={"content": "use pathlib"})).status_code == 200
    messages = (await client.get(f"/admin/tasks/{task_id}")).json()["messages"]
    assert messages[0]["content"] == "use pathlib" and messages[0]["metadata"]["messageType"] == "comment"
    events = (await client.get("/admin/events", params={"since": before})).json()["events"]
    assert [e["name"] for e in events] == [f"task:{task_id}:updated"]
    assert events[0]["payload"]["messages"][0]["content"] == "use pathlib"


async def test_review_comments_can_be_added_listed_and_resolved(client: AsyncClient) -> None:
    task_id = await enqueue(client)
    added = await client.post(f"/admin/tasks/{task_id}/review-comments",
                              json={"filePath": "a.py", "lineNumber": 0, "content": "rename"})
    comment_id = added.json()["id"]
    assert comment_id.startswith("rc_")
    resolved = await client.post(f"/admin/tasks/{task_id}/review-comments/{comment_id}/resolve",
                                 json={"response": "renamed"})
    assert resolved.status_code == 200
    rows = (await client.get(f"/admin/tasks/{task_id}/review-comments")).json()
    assert [(r["content"], r["resolved"], r["threadId"]) for r in rows] == [
        ("rename", 1, None), ("renamed", 1, comment_id)]
    assert rows[0]["lineNumber"] == 0
    missing = await client.post(f"/admin/tasks/{task_id}/review-comments", json={"filePath": "a.py"})
    assert missing.status_code == 400 and missing.json()["field"] == "content"


async def test_the_routes_the_reference_shadowed_answer_json(client: AsyncClient) -> None:
    caps = (await client.get("/admin/capabilities")).json()["capabilities"]
    assert caps == ["spec-writing", "code-writing", "test-writing", "doc-writing", "code-doctor"]
    assert (await client.get("/admin/workspaces")).json() == []
    assert (await client.get("/admin/workspaces/none/capabilities")).status_code == 404
    assert (await client.get("/admin/events")).json()["events"] == []
    assert (await client.get("/admin/stats")).json() == {"total": 0, "completed": 0}


async def test_the_event_log_pages_after_since(client: AsyncClient) -> None:
    ids = [await enqueue(client, prompt=f"p{n}") for n in range(3)]
    page = (await client.get("/admin/events", params={"since": 1, "limit": 1})).json()
    assert [e["seq"] for e in page["events"]] == [2]
    assert page["events"][0]["name"] == f"task:{ids[1]}:created" and page["lastSeq"] == 3
    assert (await client.get("/admin/events", params={"since": -1})).status_code == 400


async def test_every_documented_route_needs_the_key(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert len(schema["paths"]) >= 20
    for path, methods in schema["paths"].items():
        concrete = path.replace("{task_id}", "t").replace("{agent_id}", "a").replace(
            "{comment_id}", "c").replace("{workspace_id}", "w")
        for method in methods:
            for headers in ({"X-API-Key": ""}, {"X-API-Key": "wrong"}):
                response = await client.request(method.upper(), concrete, headers=headers)
                if response.status_code == 429:  # this address sent its share of wrong keys: throttled
                    assert response.json()["code"] == "AUTH_THROTTLED", (method, path)
                    continue
                assert response.status_code == 401, (method, path)
                assert response.json()["error"] == "Unauthorized: Invalid or missing API key"


async def test_the_key_is_accepted_from_the_query_and_health_is_public(client: AsyncClient) -> None:
    assert (await client.get("/admin/tasks", params={"apiKey": API_KEY}, headers={"X-API-Key": ""})).status_code == 200
    assert (await client.get("/health", headers={"X-API-Key": ""})).json() == {"status": "ok"}
    assert (await client.get("/admin/stats", headers={"X-API-Key": "", "Authorization": f"Bearer {API_KEY}"})
            ).status_code == 200


async def test_eligibility_says_why_a_task_waits(client: AsyncClient) -> None:
    first = await enqueue(client, requiredCapabilities=["test-writing"])
    second = await enqueue(client, dependencies=[first])
    assert (await client.get(f"/admin/tasks/{first}/eligibility")).json()["reasons"] == ["no agents are registered"]
    blocked = (await client.get(f"/admin/tasks/{second}/eligibility")).json()
    assert blocked["reasons"] == [f"waiting on dependency {first} (QUEUED)"]


async def test_metrics_count_tasks_by_status(client: AsyncClient) -> None:
    await enqueue(client)
    text = (await client.get("/metrics")).text
    assert 'waaah_tasks{status="QUEUED"} 1' in text
    assert "waaah_event_seq 1" in text and "waaah_bus_seq 1" in text


async def test_a_list_longer_than_a_page_streams_every_task_once_in_order(live: Any) -> None:
    """The reference's clients ask for `limit=0` (everything) or big pages: sent a page at a time."""
    made = [await live.runtime.hub.tasks.create(NewTask(prompt=f"task {i}")) for i in range(LIST_PAGE + 5)]
    newest_first = [t.id for t in sorted(made, key=lambda t: (t.created_at, t.id), reverse=True)]
    async with AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as api:
        everything = await api.get("/admin/tasks", params={"limit": 0})
        big = await api.get("/admin/tasks", params={"limit": LIST_PAGE + 3, "offset": 1})
        one = (await api.get(f"/admin/tasks/{newest_first[1]}")).json()
    assert everything.status_code == 200 and everything.headers["x-total-count"] == str(len(made))
    assert [t["id"] for t in everything.json()] == newest_first
    assert [t["id"] for t in big.json()] == newest_first[1:LIST_PAGE + 4]
    assert big.json()[0] == one
