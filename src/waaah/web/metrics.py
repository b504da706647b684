"""`GET /metrics`: Prometheus text exposition of what an operator watches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from waaah.domain.agents import AgentStatus
from waaah.domain.lifecycle import Status

router = APIRouter(tags=["operations"])


def _family(name: str, help_text: str, samples: list[tuple[str, float]], kind: str = "gauge") -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value:g}" for labels, value in samples]
    return lines


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics",
            responses={200: {"description": "Prometheus text exposition", "content": {"text/plain": {}}}})
async def metrics(request: Request) -> str:
    runtime, channel = request.app.state.runtime, request.app.state.sockets
    async with runtime.hub.store.read() as tx:
        by_status = await tx.count_by_status()
        agents = await tx.list_agents()
        last_seq = await tx.last_seq()
    agent_counts = {s.value: sum(1 for a in agents if a.status is s) for s in AgentStatus}
    lines = [
        *_family("waaah_tasks", "Tasks by status.", [(f'{{status="{s.value}"}}', by_status.get(s.value, 0))
                                                     for s in Status]),
        *_family("waaah_agents", "Agents by status.", [(f'{{status="{k}"}}', v) for k, v in agent_counts.items()]),
        *_family("waaah_event_seq", "Newest event in the durable log.", [("", last_seq)]),
        *_family("waaah_bus_seq", "Newest event this process has delivered (lag = event_seq - bus_seq).",
                 [("", runtime.hub.bus.last_seq)]),
        *_family("waaah_waiting_agents", "Agents inside wait_for_prompt on this process.",
                 [("", len(runtime.waiters.idle_agents()))]),
        *_family("waaah_sockets", "Socket.IO clients connected to this process.",
                 [("", len(channel.fanout.listeners) if channel.fanout is not None else 0)]),
        *_family("waaah_socket_messages_total",
                 "Messages sent to sockets by this process: written straight to a websocket, or through Engine.IO.",
                 [('{path="direct"}', channel.wire.direct), ('{path="queued"}', channel.wire.queued)], "counter"),
    ]
    return "\n".join(lines) + "\n"
