"""The reference's delegation stream (`GET /admin/delegations/stream`): which events of the log make a
frame, and what each frame says. Pure; the route feeds it events and sends the frames as SSE.

Three kinds of frame, as the reference's chat bot and dashboard read them:

- `delegation`: a task delegated with `assign_task` was created;
- `completion`: a task became COMPLETED, FAILED or BLOCKED (its payload is the whole task, read
  by the route);
- `activity`: an agent connected (registered) or went offline.
"""

from __future__ import annotations

import json
from typing import Any

from waaah.domain.records import Event

JSON = dict[str, Any]
COMPLETION_STATUSES = frozenset({"COMPLETED", "FAILED", "BLOCKED"})
PROMPT_PREVIEW = 200


def frame_kind(event: Event) -> str | None:
    """`delegation`, `completion`, `activity`, or None for an event the stream does not show."""
    payload = event.payload
    if event.name == "task:created" and (payload.get("context") or {}).get("isDelegation"):
        return "delegation"
    if event.name == "task:updated" and payload.get("status") in COMPLETION_STATUSES:
        return "completion"
    if event.name == "agent:status" and ("createdAt" in payload or payload.get("status") == "OFFLINE"):
        return "activity"
    return None


def delegation_frame(payload: JSON) -> JSON:
    """`{type: "delegation", payload: {taskId, from, to, prompt, priority, createdAt}}`."""
    source = payload.get("from") or {}
    to = payload.get("to") or {}
    capabilities = ", ".join(to.get("requiredCapabilities") or []) or "any"
    prompt = payload.get("prompt") or ""
    if len(prompt) > PROMPT_PREVIEW:
        prompt = prompt[:PROMPT_PREVIEW] + "..."
    return {"type": "delegation", "payload": {
        "taskId": payload.get("id"), "from": source.get("name") or source.get("id"),
        "to": to.get("agentId") or f"Capabilities: [{capabilities}]", "prompt": prompt,
        "priority": payload.get("priority") or "normal", "createdAt": payload.get("createdAt")}}


def completion_frame(task: JSON) -> JSON:
    return {"type": "completion", "payload": task}


def activity_frame(event: Event, display_name: str | None) -> JSON:
    """`{type: "activity", category: "AGENT", message, timestamp, metadata}` for an agent's arrival or departure."""
    payload = event.payload
    name = payload.get("displayName") or display_name or event.entity_id
    if "createdAt" in payload:
        message = f"Agent {name} connected"
        metadata: JSON = {"agentId": event.entity_id, "capabilities": payload.get("capabilities") or []}
    else:
        message, metadata = f"Agent {name} disconnected (timeout)", {"agentId": event.entity_id}
    return {"type": "activity", "category": "AGENT", "message": message, "timestamp": event.created_at,
            "metadata": metadata}


def sse(seq: int, data: JSON) -> bytes:
    """One server-sent event: its `id` is the event's `seq`, so a client resumes with `Last-Event-ID`."""
    return f"id: {seq}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


KEEP_ALIVE = b": keep-alive\n\n"
