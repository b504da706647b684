"""REST routes for webhook subscriptions: add, list, remove, send a test delivery, resume."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from waaah.domain.views import JSON
from waaah.hooks.model import MAX_URL, MIN_SECRET, hook_json
from waaah.hooks.sender import ping_body
from waaah.service.hooks import NewHook, list_hooks, read_hook
from waaah.web.schemas import Body
from waaah.web.tasks_api import hub_of

router = APIRouter(prefix="/admin", tags=["hooks"])


class HookBody(Body):
    # The patterns and lengths are declared for clients; the hub checks them itself, with its own messages.
    url: str = Field(min_length=1, json_schema_extra={"maxLength": MAX_URL,
                                                      "pattern": r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$"})
    events: list[str] | str
    secret: str | None = Field(default=None, json_schema_extra={"minLength": MIN_SECRET, "pattern": r"^\S(.*\S)?$"})
    description: str | None = Field(default=None, max_length=500)


@router.post("/hooks", summary="Add a webhook (its secret is returned this once)")
async def add_hook(body: HookBody, request: Request) -> JSON:
    hub = hub_of(request)
    hook = await hub.hooks.create(NewHook(body.url, body.events, body.secret, body.description))
    return {**hook_json(hook, hook.cursor), "secret": hook.secret}


@router.get("/hooks", summary="Every webhook with its delivery state (never its secret)")
async def get_hooks(request: Request) -> JSON:
    hooks, last_seq = await list_hooks(hub_of(request).store)
    return {"hooks": [hook_json(h, last_seq) for h in hooks], "seq": last_seq}


@router.get("/hooks/{hook_id}", summary="One webhook with its delivery state")
async def get_hook(hook_id: str, request: Request) -> JSON:
    hook, last_seq = await read_hook(hub_of(request).store, hook_id)
    return hook_json(hook, last_seq)


@router.delete("/hooks/{hook_id}", summary="Remove a webhook")
async def remove_hook(hook_id: str, request: Request) -> JSON:
    await hub_of(request).hooks.remove(hook_id)
    return {"success": True, "id": hook_id}


@router.post("/hooks/{hook_id}/test", summary="Send a signed test delivery (a ping) now; writes nothing")
async def test_hook(hook_id: str, request: Request) -> JSON:
    hub = hub_of(request)
    hook, _ = await read_hook(hub.store, hook_id)
    outcome = await request.app.state.runtime.hooks.sender.send(hook, ping_body(hook, hub.core.clock()))
    return {"delivered": outcome.ok, "status": outcome.status, "error": outcome.error}


@router.post("/hooks/{hook_id}/resume", summary="Resume a paused webhook where it stopped")
async def resume_hook(hook_id: str, request: Request) -> JSON:
    hub = hub_of(request)
    hook = await hub.hooks.resume(hook_id)
    _, last_seq = await read_hook(hub.store, hook_id)
    return hook_json(hook, last_seq)
