"""The task lifecycle as data: statuses, named status sets, and one transition table with its actors."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    QUEUED = "QUEUED"
    PENDING_ACK = "PENDING_ACK"
    ASSIGNED = "ASSIGNED"
    IN_PROGRESS = "IN_PROGRESS"
    BLOCKED = "BLOCKED"
    IN_REVIEW = "IN_REVIEW"
    REJECTED = "REJECTED"
    APPROVED_QUEUED = "APPROVED_QUEUED"
    APPROVED_PENDING_ACK = "APPROVED_PENDING_ACK"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class Actor(StrEnum):
    AGENT = "agent"
    ADMIN = "admin"
    SCHEDULER = "scheduler"


S = Status
TERMINAL = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})
ACTIVE = frozenset(Status) - TERMINAL
DISPATCHABLE = frozenset({S.QUEUED, S.APPROVED_QUEUED})
RESERVED = frozenset({S.PENDING_ACK, S.APPROVED_PENDING_ACK})
HELD = frozenset({S.ASSIGNED, S.IN_PROGRESS})
"""Statuses in which the assigned agent holds the task and may report on it."""
BUSY = RESERVED | HELD
"""Statuses that make the assigned or reserved agent PROCESSING."""
RETRYABLE = frozenset({S.FAILED, S.CANCELLED, S.PENDING_ACK, S.APPROVED_PENDING_ACK, S.ASSIGNED,
                       S.IN_PROGRESS, S.BLOCKED, S.REJECTED})

_AGENT, _ADMIN, _SCHED = Actor.AGENT, Actor.ADMIN, Actor.SCHEDULER


def _moves(sources: frozenset[Status] | set[Status], targets: set[Status],
           *actors: Actor) -> dict[tuple[Status, Status], frozenset[Actor]]:
    return {(a, b): frozenset(actors) for a in sources for b in targets if a != b}


def _build_table() -> dict[tuple[Status, Status], frozenset[Actor]]:
    table: dict[tuple[Status, Status], set[Actor]] = {}
    parts = [
        # dispatch: a reservation (lease) for one agent, and its expiry
        _moves({S.QUEUED}, {S.PENDING_ACK}, _SCHED),
        _moves({S.APPROVED_QUEUED}, {S.APPROVED_PENDING_ACK}, _SCHED),
        _moves({S.PENDING_ACK}, {S.QUEUED}, _SCHED),
        _moves({S.APPROVED_PENDING_ACK}, {S.APPROVED_QUEUED}, _SCHED),
        # the reserved agent acknowledges
        _moves(RESERVED, {S.ASSIGNED}, _AGENT),
        # the holding agent reports
        _moves(HELD, {S.IN_PROGRESS, S.IN_REVIEW, S.BLOCKED, S.FAILED, S.COMPLETED}, _AGENT),
        # a lost agent's work goes back to the queue
        _moves(HELD, {S.QUEUED, S.APPROVED_QUEUED}, _SCHED),
        # review
        _moves({S.IN_REVIEW}, {S.APPROVED_QUEUED, S.REJECTED}, _ADMIN),
        _moves({S.REJECTED}, {S.QUEUED}, _ADMIN, _SCHED),
        # blocked: answered (by a person or an orchestrating agent) or dependencies done
        _moves({S.BLOCKED}, {S.QUEUED, S.APPROVED_QUEUED}, _ADMIN, _AGENT, _SCHED),
        # a dependency was reopened (retried) while this task waited in the queue
        _moves(DISPATCHABLE, {S.BLOCKED}, _SCHED),
        # admin: cancel anything unfinished, retry what failed or is stuck
        _moves(ACTIVE, {S.CANCELLED}, _ADMIN),
        _moves(RETRYABLE, {S.QUEUED, S.BLOCKED}, _ADMIN),
    ]
    for part in parts:
        for move, actors in part.items():
            table.setdefault(move, set()).update(actors)
    return {move: frozenset(actors) for move, actors in table.items()}


TRANSITIONS: dict[tuple[Status, Status], frozenset[Actor]] = _build_table()


def allowed_actors(source: Status, target: Status) -> frozenset[Actor]:
    """Who may move a task from `source` to `target` (empty: nobody)."""
    return TRANSITIONS.get((source, target), frozenset())


def allowed_targets(source: Status, actor: Actor) -> list[Status]:
    """Where `actor` may move a task that is in `source`, in status order."""
    return [t for t in Status if actor in allowed_actors(source, t)]
