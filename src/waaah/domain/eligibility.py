"""Why a task is (not) being picked up, in words: for `GET /admin/tasks/{id}/eligibility`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any

from waaah.domain.agents import Agent, AgentStatus, awaits_author, mismatch
from waaah.domain.lifecycle import DISPATCHABLE, RESERVED, Status
from waaah.domain.tasks import Task


def _status_reason(task: Task, dependencies: Mapping[str, Status]) -> list[str]:
    if task.status in DISPATCHABLE:
        return []
    if task.status is Status.BLOCKED:
        waiting = [f"waiting on dependency {dep} ({status.value})" for dep, status in dependencies.items()
                   if status is not Status.COMPLETED]
        if waiting:
            return waiting
        return [f"blocked: {task.blocked_reason or 'question'}; answer it to queue the task again"]
    if task.status in RESERVED:
        return [f"reserved for agent {task.pending_ack_agent_id}, waiting for its ack"]
    holder = f" by {task.assigned_to}" if task.assigned_to else ""
    return [f"task is {task.status.value}{holder}: it is not waiting for an agent"]


def _agent_verdict(task: Task, agent: Agent, waiting: Set[str], busy: Mapping[str, Sequence[str]],
                   author_present: bool) -> dict[str, Any]:
    reason = mismatch(task, agent)
    if reason is None and agent.status is AgentStatus.OFFLINE:
        reason = f"agent {agent.id} is offline"
    if reason is None and author_present and agent.id != task.assigned_to:
        reason = f"approved work goes back to its author {task.assigned_to}"
    eligible = reason is None
    if eligible and agent.id not in waiting:
        held = busy.get(agent.id)
        reason = (f"agent {agent.id} is busy with {', '.join(held)}" if held
                  else f"agent {agent.id} is not waiting for work right now")
    return {"agentId": agent.id, "eligible": eligible, "waiting": agent.id in waiting, "reason": reason}


def _summary(task: Task, agents: Sequence[Agent], verdicts: list[dict[str, Any]]) -> list[str]:
    if not agents:
        return ["no agents are registered"]
    if any(v["eligible"] and v["waiting"] for v in verdicts):
        return []
    reasons = []
    for cap in task.required_capabilities:
        if not any(cap in a.capabilities for a in agents):
            reasons.append(f"no agent with capability {cap}")
    if task.to_workspace_id and not any(a.repo_id == task.to_workspace_id for a in agents):
        reasons.append(f"no agent works in workspace {task.to_workspace_id}")
    if not reasons:
        eligible = [v["agentId"] for v in verdicts if v["eligible"]]
        reasons.append("eligible agents are all busy or not waiting: " + ", ".join(eligible) if eligible
                       else "no online agent can take it")
    return reasons


def explain(task: Task, dependencies: Mapping[str, Status], agents: Sequence[Agent], waiting: Set[str],
            busy: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    author = next((a for a in agents if a.id == task.assigned_to), None) if awaits_author(task) else None
    author_present = author is not None and author.status is not AgentStatus.OFFLINE and not author.eviction_requested
    verdicts = [_agent_verdict(task, agent, waiting, busy, author_present) for agent in agents]
    reasons = _status_reason(task, dependencies)
    if task.status in DISPATCHABLE:
        reasons += _summary(task, agents, verdicts)
    return {"taskId": task.id, "status": task.status.value, "dispatchable": task.status in DISPATCHABLE,
            "pickedUpSoon": not reasons, "reasons": reasons, "agents": verdicts}
