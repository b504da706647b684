"""REST routes for agents, workspaces, stats and the event log (docs/api.md)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from waaah.domain.capabilities import STANDARD_CAPABILITIES
from waaah.domain.json_limits import MAX_INT
from waaah.domain.views import JSON
from waaah.errors import NotFound
from waaah.web.openapi import (
    AgentOut,
    Capabilities,
    EventPage,
    Stats,
    Success,
    WorkspaceCapabilities,
    WorkspaceOut,
    ok,
)
from waaah.web.schemas import AgentEvictBody, EvictBody
from waaah.web.tasks_api import hub_of, queries_of

router = APIRouter(prefix="/admin", tags=["agents"])


@router.get("/agents/status", summary="Every known agent with its live status", responses=ok(list[AgentOut]))
async def agents_status(request: Request) -> list[JSON]:
    return await queries_of(request).agents()


@router.post("/evict", summary="Evict an agent (delivered at once to a waiting agent)", responses=ok(Success, 404))
async def evict(body: EvictBody, request: Request) -> JSON:
    await hub_of(request).agents.evict(body.agentId, body.reason, body.action)
    return {"success": True, "message": f"Eviction queued for {body.agentId}"}


@router.post("/agents/{agent_id}/evict", summary="Evict one agent", responses=ok(Success))
async def evict_agent(agent_id: str, request: Request, body: AgentEvictBody | None = None) -> JSON:
    body = body or AgentEvictBody()
    await hub_of(request).agents.evict(agent_id, body.reason or "Admin requested eviction", body.action)
    return {"success": True, "message": f"Eviction requested for {agent_id}"}


@router.post("/agents/{agent_id}/offline", summary="Sign an agent off: OFFLINE now, its tasks requeued",
             responses=ok(Success))
async def sign_off_agent(agent_id: str, request: Request) -> JSON:
    requeued = await hub_of(request).agents.sign_off(agent_id)
    return {"success": True, "requeued": requeued}


@router.get("/capabilities", summary="The standard capabilities", responses=ok(Capabilities))
async def capabilities() -> JSON:
    return {"capabilities": [c for c in STANDARD_CAPABILITIES if c != "general-purpose"]}


def _workspace_keys(agent: JSON) -> list[str]:
    context = agent.get("workspaceContext") or {}
    return [v for v in (context.get("path"), context.get("repoId")) if isinstance(v, str) and v]


@router.get("/workspaces", summary="Workspaces that registered agents work in", responses=ok(list[WorkspaceOut]))
async def workspaces(request: Request) -> list[JSON]:
    agents = await queries_of(request).agents()
    keys = list(dict.fromkeys(k[0] for k in (_workspace_keys(a) for a in agents) if k))
    return [{"path": key, "agentCount": sum(1 for a in agents if key in _workspace_keys(a))} for key in keys]


@router.get("/workspaces/{workspace_id:path}/capabilities", summary="Capabilities present in a workspace",
            responses=ok(WorkspaceCapabilities))
async def workspace_capabilities(workspace_id: str, request: Request) -> JSON:
    agents = [a for a in await queries_of(request).agents() if workspace_id in _workspace_keys(a)]
    if not agents:
        raise NotFound("No agents found in workspace", workspaceId=workspace_id)
    caps = list(dict.fromkeys(c for a in agents for c in a["capabilities"]))
    return {"capabilities": caps, "hasSpecWriting": "spec-writing" in caps or "doc-writing" in caps,
            "hasCodeWriting": "code-writing" in caps}


@router.get("/stats", summary="Task counts", responses=ok(Stats))
async def stats(request: Request) -> JSON:
    return await queries_of(request).stats()


@router.get("/events", summary="A page of the durable event log after `since`", responses=ok(EventPage))
async def events(request: Request, since: int = Query(0, ge=0, le=MAX_INT),
                 limit: int = Query(100, ge=1, le=1000)) -> JSON:
    return await queries_of(request).events(since, limit)
