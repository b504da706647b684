"""Hostile input is refused with a 400 that names the field and writes nothing, on every surface and
both backends; JSON an older hub stored (too deep, lone surrogates) never breaks a read."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY
from tests.live import LiveServer
from tests.unit.test_json_limits import nested
from waaah.domain.json_limits import MAX_DEPTH

KEY = {"X-API-Key": API_KEY}


async def state(http: httpx.AsyncClient) -> tuple[int, str]:
    events = (await http.get("/admin/events", params={"since": 0, "limit": 1})).json()
    return events["lastSeq"], (await http.get("/admin/tasks")).headers["X-Total-Count"]


@pytest.fixture
async def http(live: LiveServer) -> Any:
    async with httpx.AsyncClient(base_url=live.url, headers=KEY, timeout=30) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/admin/enqueue", {"prompt": "x", "context": nested(300)}, "context.a.a.a.a.a…"),
    ("POST", "/admin/enqueue", '{"prompt": "\\ud800"}', "prompt"),
    ("POST", "/admin/enqueue", {"prompt": "nul \x00 inside"}, "prompt"),
    ("POST", "/admin/enqueue", "[" * 5000 + "]" * 5000, "body"),
    ("POST", "/mcp/tools/register_agent", {"agentId": "a", "x": nested(MAX_DEPTH + 1)}, "x.a.a.a.a.a…"),
    ("GET", "/admin/tasks?offset=9223372036854775808", None, "offset"),
    ("GET", "/admin/events?since=9223372036854775808", None, "since"),
    ("GET", "/admin/tasks?q=" + "x" * 1001, None, "q"),
    ("GET", "/admin/tasks?q=a%00b", None, "q"),
    ("GET", "/admin/tasks/task-%00", None, "task_id"),
])
async def test_hostile_requests_are_a_400_naming_the_field_and_write_nothing(
        http: httpx.AsyncClient, method: str, path: str, body: Any, field: str) -> None:
    before = await state(http)
    content = body if isinstance(body, str) or body is None else json.dumps(body)
    response = await http.request(method, path, content=content)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field and response.json()["code"] == "BAD_REQUEST"
    assert await state(http) == before


async def test_streamable_mcp_tool_arguments_nested_too_deep_are_refused(live: LiveServer) -> None:
    from tests.integration.mcp_support import mcp_agent

    async with mcp_agent(live.url) as agent:
        message = await agent.error("register_agent", agentId="a", deep=nested(MAX_DEPTH + 1))
    assert "deep.a.a.a.a.a…" in message and f"nested deeper than {MAX_DEPTH} levels" in message


@pytest.mark.parametrize(("field", "cleared"), [("title", True), ("context", True), ("workspaceContext", True),
                                                ("prompt", False), ("priority", False), ("requiredCapabilities", False),
                                                ("to", False), ("dependencies", False), ("images", False),
                                                ("requiresReview", False)])
async def test_patching_a_field_to_null_clears_it_or_is_a_400_naming_it(
        http: httpx.AsyncClient, field: str, cleared: bool) -> None:
    body = {"prompt": "p", "title": "t", "context": {"k": 1}}
    task_id = (await http.post("/admin/enqueue", json=body)).json()["taskId"]
    assert (await http.patch(f"/admin/tasks/{task_id}", json={"workspaceContext": {"repoId": "r"}})).is_success
    before = await state(http)
    response = await http.patch(f"/admin/tasks/{task_id}", json={field: None})
    if not cleared:
        assert response.status_code == 400 and response.json()["field"] == field
        assert await state(http) == before
        return
    assert response.status_code == 200 and response.json()[field] is None
    events = (await http.get("/admin/events", params={"since": before[0]})).json()["events"]
    assert [e["name"] for e in events] == [f"task:{task_id}:updated"] and events[0]["payload"][field] is None


async def test_rows_an_older_hub_stored_too_deep_or_with_surrogates_still_read(
        live: LiveServer, http: httpx.AsyncClient) -> None:
    task_id = (await http.post("/admin/enqueue", json={"prompt": "old row"})).json()["taskId"]
    poison = json.dumps({"deep": nested(300), "s": "\ud800"})
    async with live.runtime.hub.store.write() as tx:
        await tx.conn.run("UPDATE tasks SET context = :c WHERE id = :id", {"c": poison, "id": task_id})
        await tx.conn.run("UPDATE events SET payload = :c", {"c": poison})
    for path in ("/admin/tasks", f"/admin/tasks/{task_id}", "/admin/events"):
        response = await http.get(path)
        assert response.status_code == 200, (path, response.text)
    task = (await http.get(f"/admin/tasks/{task_id}")).json()
    assert task["context"]["s"] == "\ufffd" and json.dumps(task["context"]).count("{") == MAX_DEPTH
