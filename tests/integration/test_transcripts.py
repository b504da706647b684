"""Task transcripts over REST on a real server: numbering, paging, bounds, truncation, 404/409, and the
one event each append sends to sockets; and a failed task's reason, through MCP and REST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import PyClient, auth
from tests.live import LiveServer
from waaah.config import Settings
from waaah.domain.lifecycle import Status
from waaah.domain.transcripts import TEXT_LIMIT
from waaah.service import Hub, NewTask

LIMIT = 4


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, WAAAH_TRANSCRIPT_LIMIT=str(LIMIT))


@pytest.fixture
async def http(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}, timeout=30.0) as client:
        yield client


async def held(hub: Hub, agent_id: str = "a1") -> str:
    await hub.agents.register(agent_id, ("code-writing",), {"type": "local", "repoId": "repo"})
    task_id = (await hub.tasks.create(NewTask(prompt="Build it", capabilities=("code-writing",)))).id
    await hub.work.reserve(task_id, agent_id)
    await hub.work.ack(task_id, agent_id)
    return task_id


def entries(*texts: str, kind: str = "message", **extra: Any) -> list[dict[str, Any]]:
    return [{"kind": kind, "text": text, **extra} for text in texts]


async def post(http: httpx.AsyncClient, task_id: str, body: Any) -> httpx.Response:
    return await http.post(f"/admin/tasks/{task_id}/transcript", json=body)


async def read(http: httpx.AsyncClient, task_id: str, **params: int) -> dict[str, Any]:
    response = await http.get(f"/admin/tasks/{task_id}/transcript", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_entries_are_numbered_per_task_and_paged_after_a_number(live: LiveServer,
                                                                       http: httpx.AsyncClient) -> None:
    task_id = await held(live.runtime.hub)
    first = await post(http, task_id, {"agentId": "a1", "entries": [
        {"kind": "tool_call", "text": "ls", "at": 10}, {"kind": "tool_result", "text": "a.py", "at": 11}]})
    assert first.json() == {"stored": 2, "total": 2, "truncated": False}
    second = await post(http, task_id, {"entries": entries("done", kind="system")})
    assert second.json() == {"stored": 1, "total": 3, "truncated": False}
    page = await read(http, task_id)
    assert [(e["n"], e["kind"], e["text"], e["agentId"]) for e in page["entries"]] == [
        (1, "tool_call", "ls", "a1"), (2, "tool_result", "a.py", "a1"), (3, "system", "done", None)]
    assert page["entries"][0]["at"] == 10 and page["entries"][2]["at"] >= int(task_id.split("-")[1])
    assert (page["total"], page["dropped"]) == (3, 0)
    assert [e["n"] for e in (await read(http, task_id, after=1, limit=1))["entries"]] == [2]


async def test_beyond_the_limit_the_oldest_are_dropped_and_counted(live: LiveServer,
                                                                    http: httpx.AsyncClient) -> None:
    task_id = await held(live.runtime.hub)
    assert (await post(http, task_id, {"entries": entries("1", "2", "3")})).json()["truncated"] is False
    assert (await post(http, task_id, {"entries": entries("4", "5", "6")})).json() == {
        "stored": 3, "total": 6, "truncated": True}
    page = await read(http, task_id)
    assert ([e["text"] for e in page["entries"]], page["total"], page["dropped"]) == (["3", "4", "5", "6"], 6, 2)


async def test_a_long_text_is_cut_with_a_note(live: LiveServer, http: httpx.AsyncClient) -> None:
    task_id = await held(live.runtime.hub)
    response = await post(http, task_id, {"entries": entries("x" * (TEXT_LIMIT + 500))})
    assert response.json() == {"stored": 1, "total": 1, "truncated": True}
    text = (await read(http, task_id))["entries"][0]["text"]
    assert text.startswith("x" * TEXT_LIMIT) and text.endswith("500 more characters cut]")


@pytest.mark.parametrize(("body", "field"), [
    ({"entries": []}, "entries"),
    ({"entries": entries(*["x"] * 501)}, "entries"),
    ({"entries": entries("x", kind="thought")}, "entries.0.kind"),
    ({"entries": [{"kind": "message"}]}, "entries.0.text"),
    ({"entries": entries("x", at=-1)}, "entries.0.at"),
    ({"entries": "x"}, "entries"),
    ({}, "entries"),
])
async def test_bad_bodies_are_400_naming_the_field_and_write_nothing(
        live: LiveServer, http: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    task_id = await held(live.runtime.hub)
    before = live.runtime.hub.bus.last_seq
    response = await post(http, task_id, body)
    assert response.status_code == 400, response.text
    assert (response.json()["code"], response.json()["field"]) == ("BAD_REQUEST", field)
    assert (await read(http, task_id))["total"] == 0 and live.runtime.hub.bus.last_seq == before


async def test_unknown_tasks_are_404_and_bad_pages_400(http: httpx.AsyncClient) -> None:
    for response in (await post(http, "task-1-nope", {"entries": entries("x")}),
                     await http.get("/admin/tasks/task-1-nope/transcript")):
        assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
    for params in ({"limit": 2001}, {"limit": 0}, {"after": -1}):
        assert (await http.get("/admin/tasks/task-1-nope/transcript", params=params)).status_code == 400


async def test_a_named_agent_must_hold_the_task_and_a_finished_task_takes_no_more(
        live: LiveServer, http: httpx.AsyncClient) -> None:
    hub = live.runtime.hub
    task_id = await held(hub)
    refused = await post(http, task_id, {"agentId": "a2", "entries": entries("x")})
    assert (refused.status_code, refused.json()["code"]) == (409, "NOT_HOLDER")
    await hub.work.respond(task_id, "a1", Status.FAILED, "gave up")
    closed = await post(http, task_id, {"entries": entries("x")})
    assert (closed.status_code, closed.json()["code"], closed.json()["currentStatus"]) == (409, "CONFLICT", "FAILED")
    assert (await read(http, task_id))["total"] == 0


async def test_each_append_is_one_event_by_name_with_patterns_and_generic_without(live: LiveServer,
                                                                                  http: httpx.AsyncClient) -> None:
    task_id = await held(live.runtime.hub)
    scoped = PyClient(live.url, auth(subscribe=[f"task:{task_id}:transcript"]), transports=["websocket"])
    legacy = PyClient(live.url, auth(), transports=["websocket"])
    for client in (scoped, legacy):
        await client.start()
        await client.until("sync:full")
    try:
        await post(http, task_id, {"agentId": "a1", "entries": entries("one", "two", at=5)})
        payload = await scoped.expect(f"task:{task_id}:transcript")
        assert payload == {"id": task_id, "seq": live.runtime.hub.bus.last_seq, "total": 2, "entries": [
            {"n": 1, "kind": "message", "text": "one", "at": 5, "agentId": "a1"},
            {"n": 2, "kind": "message", "text": "two", "at": 5, "agentId": "a1"}]}
        assert await legacy.expect("task:transcript") == payload
    finally:
        for client in (scoped, legacy):
            await client.close()


async def test_a_failure_reason_is_shown_with_the_task_and_cleared_by_a_retry(live: LiveServer,
                                                                              http: httpx.AsyncClient) -> None:
    task_id = await held(live.runtime.hub)
    tool = "/mcp/tools/send_response"
    bad = await http.post(tool, json={"taskId": task_id, "agentId": "a1", "status": "FAILED",
                                      "message": "x", "failureReason": "Agent Exit"})
    assert bad.json()["isError"] is True and "failureReason" in bad.json()["content"][0]["text"]
    wrong = await http.post(tool, json={"taskId": task_id, "agentId": "a1", "status": "IN_PROGRESS",
                                        "message": "x", "failureReason": "stalled"})
    assert wrong.json()["isError"] is True and "only for status FAILED" in wrong.json()["content"][0]["text"]
    assert (await http.get(f"/admin/tasks/{task_id}")).json()["status"] == "ASSIGNED"
    done = await http.post(tool, json={"taskId": task_id, "agentId": "a1", "status": "FAILED",
                                       "message": "the CLI exited", "failureReason": "agent_exit"})
    assert "isError" not in done.json(), done.text
    assert (await http.get(f"/admin/tasks/{task_id}")).json()["failureReason"] == "agent_exit"
    await http.post(f"/admin/tasks/{task_id}/retry")
    task = (await http.get(f"/admin/tasks/{task_id}")).json()
    assert (task["status"], task["failureReason"]) == ("QUEUED", None)
    events = (await http.get("/admin/events", params={"since": 0, "limit": 100})).json()["events"]
    updates = [e["payload"] for e in events if e["type"] == "task:updated" and "failureReason" in e["payload"]]
    assert [u["failureReason"] for u in updates] == ["agent_exit", None]
