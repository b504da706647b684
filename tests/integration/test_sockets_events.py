"""Every mutating REST route, over a real port, and the events a subscribed socket receives for it.

A new `/admin` write route without an entry in ROUTES fails `test_every_mutating_route_is_listed`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import Client, Connect, auth, connector
from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask
from waaah.service.hooks import NewHook
from waaah.web.app import create_app

DIFF = "diff --git a/app.py b/app.py\n+print('hello')\n"
Ctx = dict[str, str]


@pytest.fixture(params=["python", "js"])
def connect(request: pytest.FixtureRequest) -> Connect:
    return connector(request.param)


async def queued(hub: Hub, ctx: Ctx) -> None:
    ctx["t"] = (await hub.tasks.create(NewTask(prompt="Implement it", title="Old title",
                                                 capabilities=("code-writing",)))).id


async def held(hub: Hub, ctx: Ctx) -> None:
    await hub.agents.register("a1", ("code-writing",), {"type": "local", "repoId": "repo"})
    await queued(hub, ctx)
    await hub.work.reserve(ctx["t"], "a1")
    await hub.work.ack(ctx["t"], "a1")


async def in_review(hub: Hub, ctx: Ctx) -> None:
    await held(hub, ctx)
    await hub.work.respond(ctx["t"], "a1", Status.IN_REVIEW, "please review", diff=DIFF)


async def blocked(hub: Hub, ctx: Ctx) -> None:
    await held(hub, ctx)
    await hub.work.block(ctx["t"], "a1", "clarification", "Which DB?", "half done", None, None)


async def failed(hub: Hub, ctx: Ctx) -> None:
    await held(hub, ctx)
    await hub.work.respond(ctx["t"], "a1", Status.FAILED, "could not build")


async def commented(hub: Hub, ctx: Ctx) -> None:
    await queued(hub, ctx)
    ctx["c"] = (await hub.tasks.add_review_comment(ctx["t"], "a.py", "rename", 3, None)).id


async def agent(hub: Hub, ctx: Ctx) -> None:
    ctx["a"] = "a1"
    await hub.agents.register(ctx["a"], (), {})


async def a_hook(hub: Hub, ctx: Ctx) -> None:
    ctx["k"] = (await hub.hooks.create(NewHook("http://127.0.0.1:9/hook", ["needs-you"]))).id


def _hook(paused: bool) -> Callable[[list[dict[str, Any]], Ctx], None]:
    def check(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
        assert payloads[0]["paused"] is paused and payloads[0]["events"] == ["needs-you"]
        assert "secret" not in payloads[0]
    return check


def _no_events(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    assert payloads == []


async def other_agent(hub: Hub, ctx: Ctx) -> None:
    ctx["a"] = "a2"
    await hub.agents.register(ctx["a"], (), {})


@dataclass
class Route:
    setup: Callable[[Hub, Ctx], Awaitable[None]]
    method: str
    path: str
    body: dict[str, Any] | None
    events: list[str]  # scoped names; {t} is the task id, {a} the agent
    check: Callable[[list[dict[str, Any]], Ctx], None]


def _created(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    task = payloads[0]
    assert task["prompt"] == "Build it" and task["status"] == "QUEUED"
    assert {"messages", "history", "from", "to", "createdAt", "title"} <= set(task)


def _retitled(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    assert payloads[0]["title"] is None and payloads[0]["priority"] == "high"  # a cleared field is null
    assert set(payloads[0]) == {"id", "seq", "title", "priority", "updatedAt"}


def _status(*statuses: str, **cleared: None) -> Callable[[list[dict[str, Any]], Ctx], None]:
    def check(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
        task_payloads = [p for p in payloads if p["id"] == ctx["t"] and "status" in p]
        assert [p["status"] for p in task_payloads] == list(statuses)
        for name in cleared:
            assert name in task_payloads[0] and task_payloads[0][name] is None, name
    return check


def _deleted(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    assert payloads[0]["status"] == "CANCELLED"
    assert payloads[1] == {"id": ctx["t"], "seq": payloads[0]["seq"] + 1}


def _message(role: str, text: str) -> Callable[[list[dict[str, Any]], Ctx], None]:
    def check(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
        last = [p for p in payloads if "messages" in p][-1]["messages"][-1]
        assert (last["role"], last["content"]) == (role, text)
    return check


def _review(total: int, open_count: int) -> Callable[[list[dict[str, Any]], Ctx], None]:
    def check(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
        assert payloads[0] == {"id": ctx["t"], "seq": payloads[0]["seq"], "reviewComments": total,
                               "openReviewComments": open_count}
    return check


def _evicted(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    assert payloads[0]["evictionRequested"] is True and payloads[0]["id"] == ctx["a"]
    assert {"status", "lastSeen", "seq"} <= set(payloads[0])


def _checked(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    checks = {"preReview": "failed", "merge": None, "plan": None, "lastCommand": "make test",
              "lastCommit": "c" * 40, "lastState": "failed", "count": 1}
    assert payloads[0]["checks"] == checks and set(payloads[0]) == {"id", "seq", "checks", "updatedAt"}


def _transcript(payloads: list[dict[str, Any]], ctx: Ctx) -> None:
    entry = {"n": 1, "kind": "tool_call", "text": "ls", "at": 7, "agentId": "a1"}
    assert payloads[0] == {"id": ctx["t"], "seq": payloads[0]["seq"], "entries": [entry], "total": 1}


ROUTES: dict[str, Route] = {
    # first: these two act on every task there is (of the hub, of agent a1); the routes below add their own
    "POST /admin/queue/clear": Route(queued, "POST", "/admin/queue/clear", None,
                                     ["task:{t}:updated", "task:{t}:deleted"], _deleted),
    "POST /admin/agents/{agent_id}/offline": Route(held, "POST", "/admin/agents/a1/offline", None,
                                                   ["task:{t}:updated", "agent:a1:status", "agent:a1:status"],
                                                   _status("QUEUED")),
    "POST /admin/enqueue": Route(agent, "POST", "/admin/enqueue", {"prompt": "Build it"},
                                 ["task:{new}:created"], _created),
    "PATCH /admin/tasks/{task_id}": Route(queued, "PATCH", "/admin/tasks/{t}", {"title": None, "priority": "high"},
                                          ["task:{t}:updated"], _retitled),
    "POST /admin/tasks/{task_id}/cancel": Route(queued, "POST", "/admin/tasks/{t}/cancel", None,
                                                ["task:{t}:updated"], _status("CANCELLED")),
    "DELETE /admin/tasks/{task_id}": Route(queued, "DELETE", "/admin/tasks/{t}", None,
                                           ["task:{t}:updated", "task:{t}:deleted"], _deleted),
    "POST /admin/tasks/{task_id}/retry": Route(failed, "POST", "/admin/tasks/{t}/retry", None,
                                               ["task:{t}:updated"],
                                               _status("QUEUED", completedAt=None, assignedTo=None)),
    "POST /admin/tasks/{task_id}/approve": Route(in_review, "POST", "/admin/tasks/{t}/approve", None,
                                                 ["task:{t}:updated"], _status("APPROVED_QUEUED")),
    "POST /admin/tasks/{task_id}/reject": Route(in_review, "POST", "/admin/tasks/{t}/reject", {"feedback": "no"},
                                                ["task:{t}:updated", "task:{t}:updated"],
                                                _status("REJECTED", "QUEUED")),
    "POST /admin/tasks/{task_id}/unblock": Route(blocked, "POST", "/admin/tasks/{t}/unblock", {"reason": "Postgres"},
                                                 ["task:{t}:updated"], _status("QUEUED", blockedReason=None)),
    "POST /admin/tasks/{task_id}/answer": Route(blocked, "POST", "/admin/tasks/{t}/answer", {"answer": "SQLite"},
                                                ["task:{t}:updated"], _message("user", "SQLite")),
    "POST /admin/tasks/{task_id}/comments": Route(queued, "POST", "/admin/tasks/{t}/comments", {"content": "hey"},
                                                  ["task:{t}:updated"], _message("user", "hey")),
    "POST /admin/tasks/{task_id}/review-comments": Route(
        queued, "POST", "/admin/tasks/{t}/review-comments", {"filePath": "a.py", "content": "why?"},
        ["task:{t}:updated"], _review(1, 1)),
    "POST /admin/tasks/{task_id}/review-comments/{comment_id}/resolve": Route(
        commented, "POST", "/admin/tasks/{t}/review-comments/{c}/resolve", {"response": "done"},
        ["task:{t}:updated"], _review(2, 0)),
    "POST /admin/tasks/{task_id}/transcript": Route(
        held, "POST", "/admin/tasks/{t}/transcript", {"agentId": "a1", "entries": [{"kind": "tool_call",
                                                                                    "text": "ls", "at": 7}]},
        ["task:{t}:transcript"], _transcript),
    "POST /admin/tasks/{task_id}/checks": Route(
        held, "POST", "/admin/tasks/{t}/checks", {"agentId": "a1", "stage": "pre-review", "command": "make test",
                                                  "exitCode": 2, "durationMs": 30, "output": "1 failed",
                                                  "commit": "c" * 40}, ["task:{t}:updated"], _checked),
    "POST /admin/evict": Route(agent, "POST", "/admin/evict", {"agentId": "a1", "reason": "upgrade"},
                               ["agent:a1:status"], _evicted),
    "POST /admin/agents/{agent_id}/evict": Route(other_agent, "POST", "/admin/agents/a2/evict",
                                                 {"reason": "upgrade"}, ["agent:a2:status"], _evicted),
    "POST /admin/hooks": Route(agent, "POST", "/admin/hooks", {"url": "http://127.0.0.1:9/h", "events": ["needs-you"]},
                               ["hook:{new}:status"], _hook(False)),
    "DELETE /admin/hooks/{hook_id}": Route(a_hook, "DELETE", "/admin/hooks/{k}", None, ["hook:{k}:deleted"],
                                           lambda p, c: None),
    "POST /admin/hooks/{hook_id}/resume": Route(a_hook, "POST", "/admin/hooks/{k}/resume", None,
                                                ["hook:{k}:status"], _hook(False)),
    # a test delivery (to a port nothing listens on here) writes nothing
    "POST /admin/hooks/{hook_id}/test": Route(a_hook, "POST", "/admin/hooks/{k}/test", None, [], _no_events),
}


def test_every_mutating_route_is_listed(tmp_path: Path) -> None:
    api = create_app(make_settings(f"sqlite:///{tmp_path}/unused.db")).app  # the FastAPI app behind the guard
    writes = {f"{method.upper()} {path}" for path, item in api.openapi()["paths"].items()
              for method in item if method in ("post", "put", "patch", "delete") and path.startswith("/admin")}
    assert writes == set(ROUTES)


async def run_route(hub: Hub, http: httpx.AsyncClient, client: Client, route: Route) -> None:
    ctx: Ctx = {}
    await route.setup(hub, ctx)
    await client.event_with_seq(hub.bus.last_seq)
    before = hub.bus.last_seq
    response = await http.request(route.method, route.path.format(**ctx), json=route.body)
    assert response.status_code == 200, response.text
    ctx.setdefault("new", response.json().get("taskId") or response.json().get("id", ""))
    received = [await client.next() for _ in range(hub.bus.last_seq - before)]
    expected = [name.format(t=ctx.get("t", ""), k=ctx.get("k", ""), new=ctx["new"]) for name in route.events]
    assert [name for name, _ in received] == expected
    payloads = [data for _, data in received]
    assert [p["seq"] for p in payloads] == list(range(before + 1, hub.bus.last_seq + 1))
    route.check(payloads, ctx)


async def test_every_mutating_rest_route_sends_its_event_to_subscribed_sockets(live, connect: Connect) -> None:
    hub = live.runtime.hub
    async with connect(live.url, auth(subscribe=["task:*:*", "agent:*:*", "hook:*:*"])) as client, \
            httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as http:
        await client.until("sync:full")
        for name, route in ROUTES.items():
            try:
                await run_route(hub, http, client, route)
            except AssertionError as failure:
                raise AssertionError(f"{name}: {failure}") from failure
