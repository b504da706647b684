"""`POST /admin/enqueue` answers the same whether its fast path or the FastAPI route serves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from tests.conftest import API_KEY
from waaah.config import Settings
from waaah.service import Hub
from waaah.web.app import create_app

BODY = {"prompt": "Write docs", "priority": "high", "workspaceId": "org/repo"}


def shape(response: Any) -> tuple[int, set[str], list[str], str]:
    headers = {k for k in response.headers if k != "date"}
    return response.status_code, headers, sorted(response.json()), response.headers["content-type"]


async def test_an_enqueue_answers_alike_with_or_without_a_query_string(client: AsyncClient) -> None:
    fast = await client.post("/admin/enqueue", json=BODY)
    routed = await client.post("/admin/enqueue", params={"via": "route"}, json=BODY)  # a query string: FastAPI
    assert shape(fast) == shape(routed) == (200, shape(fast)[1], ["status", "success", "taskId"],
                                            "application/json")
    assert {"x-content-type-options", "referrer-policy", "content-length"} <= shape(fast)[1]
    assert fast.text == fast.text.replace(" ", "")  # compact JSON, as FastAPI writes it
    tasks = (await client.get("/admin/tasks")).json()
    assert [t["id"] for t in tasks] == [routed.json()["taskId"], fast.json()["taskId"]]
    assert tasks[1]["to"]["workspaceId"] == "org/repo" and tasks[1]["priority"] == "high"


async def test_a_chunked_enqueue_body_is_read_whole(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"prompt": "Write'
        yield b' docs"}'

    answer = await client.post("/admin/enqueue", content=chunks())
    assert answer.status_code == 200, answer.text
    task = (await client.get(f"/admin/tasks/{answer.json()['taskId']}")).json()
    assert task["prompt"] == "Write docs"


@pytest.mark.parametrize(("body", "status", "field"), [
    (b'{"prompt": ', 400, "body"),
    (b'{"prompt": "x", "context": {"a": NaN}}', 400, "context.a"),
    (b'["x"]', 400, "body"),
    (b'{"prompt": "x", "dependencies": ["task-404"]}', 400, "dependencies"),
])
async def test_a_refused_enqueue_has_the_one_error_shape(client: AsyncClient, body: bytes, status: int,
                                                         field: str) -> None:
    answer = await client.post("/admin/enqueue", content=body)
    routed = await client.post("/admin/enqueue", params={"via": "route"}, content=body)
    assert answer.status_code == status and answer.json()["field"] == field, answer.text
    assert answer.json() == routed.json()
    assert (await client.get("/admin/tasks")).json() == []


async def test_an_enqueue_that_crashes_answers_the_one_500(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(settings)
    async with LifespanManager(app) as manager, AsyncClient(
            transport=ASGITransport(app=manager.app, raise_app_exceptions=False), base_url="http://localhost",
            headers={"X-API-Key": API_KEY}) as client:
        hub: Hub = app.app.state.hub  # type: ignore[attr-defined]

        async def broken(*_: object) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(hub.tasks, "create", broken)
        answer = await client.post("/admin/enqueue", json=BODY)
        routed = await client.post("/admin/enqueue", params={"via": "route"}, json=BODY)
    assert answer.status_code == 500 and answer.json() == routed.json()
    assert answer.json()["code"] == "INTERNAL"
    assert "disk on fire" in caplog.text
