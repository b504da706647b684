"""Every (from, to, actor) triple: the transition table allows exactly the moves the SPEC describes."""

from __future__ import annotations

import itertools

import pytest

from waaah.domain.lifecycle import TRANSITIONS, Actor, Status, allowed_actors
from waaah.domain.tasks import Task, transition
from waaah.errors import IllegalTransition, ReviewRequired

S, A = Status, Actor
HELD = (S.ASSIGNED, S.IN_PROGRESS)
# The SPEC §3 lifecycle, written out by hand (independently of the table under test).
EXPECTED: set[tuple[Status, Status, Actor]] = {
    (S.QUEUED, S.PENDING_ACK, A.SCHEDULER),
    (S.APPROVED_QUEUED, S.APPROVED_PENDING_ACK, A.SCHEDULER),
    (S.PENDING_ACK, S.QUEUED, A.SCHEDULER),
    (S.APPROVED_PENDING_ACK, S.APPROVED_QUEUED, A.SCHEDULER),
    (S.PENDING_ACK, S.ASSIGNED, A.AGENT),
    (S.APPROVED_PENDING_ACK, S.ASSIGNED, A.AGENT),
    *((h, t, A.AGENT) for h in HELD for t in (S.IN_PROGRESS, S.IN_REVIEW, S.BLOCKED, S.FAILED, S.COMPLETED)
      if h != t),
    *((h, t, A.SCHEDULER) for h in HELD for t in (S.QUEUED, S.APPROVED_QUEUED)),
    (S.IN_REVIEW, S.APPROVED_QUEUED, A.ADMIN),
    (S.IN_REVIEW, S.REJECTED, A.ADMIN),
    (S.REJECTED, S.QUEUED, A.ADMIN),
    (S.REJECTED, S.QUEUED, A.SCHEDULER),
    *((S.BLOCKED, t, a) for t in (S.QUEUED, S.APPROVED_QUEUED) for a in Actor),
    (S.QUEUED, S.BLOCKED, A.SCHEDULER),
    (S.APPROVED_QUEUED, S.BLOCKED, A.SCHEDULER),
    *((s, S.CANCELLED, A.ADMIN) for s in Status if s not in (S.COMPLETED, S.FAILED, S.CANCELLED)),
    *((s, t, A.ADMIN) for s in (S.FAILED, S.CANCELLED, S.PENDING_ACK, S.APPROVED_PENDING_ACK, S.ASSIGNED,
                                S.IN_PROGRESS, S.REJECTED) for t in (S.QUEUED, S.BLOCKED)),
    (S.BLOCKED, S.QUEUED, A.ADMIN),
}
TRIPLES = list(itertools.product(Status, Status, Actor))


def a_task(status: Status, **fields: object) -> Task:
    return Task(id="task-1-abcdef", status=status, prompt="p", created_at=1, updated_at=1, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "target", "actor"), TRIPLES, ids=lambda v: str(v))
def test_a_move_is_allowed_exactly_when_the_lifecycle_says_so(source: Status, target: Status,
                                                             actor: Actor) -> None:
    task = a_task(source, approved_at=5)
    if (source, target, actor) in EXPECTED:
        moved = transition(task, target, actor, now=10)
        assert moved.status is target
        assert moved.updated_at == 10
    else:
        with pytest.raises(IllegalTransition) as refused:
            transition(task, target, actor, now=10)
        assert refused.value.details["currentStatus"] == source.value
        assert source.value in refused.value.message


def test_the_table_has_no_move_the_lifecycle_does_not_describe() -> None:
    table = {(s, t, a) for (s, t), actors in TRANSITIONS.items() for a in actors}
    assert table == EXPECTED


def test_terminal_statuses_have_no_way_out_but_an_admin_retry() -> None:
    for terminal in (S.COMPLETED,):
        assert not any(allowed_actors(terminal, t) for t in Status)
    for retryable in (S.FAILED, S.CANCELLED):
        assert {t for t in Status if allowed_actors(retryable, t)} == {S.QUEUED, S.BLOCKED}


def test_a_task_needing_review_cannot_be_completed_before_approval() -> None:
    task = a_task(S.IN_PROGRESS, requires_review=True)
    with pytest.raises(ReviewRequired) as refused:
        transition(task, S.COMPLETED, A.AGENT, now=2)
    assert "IN_REVIEW" in refused.value.message


def test_an_approved_task_can_be_completed() -> None:
    task = a_task(S.IN_PROGRESS, requires_review=True, approved_at=1)
    assert transition(task, S.COMPLETED, A.AGENT, now=2).completed_at == 2


def test_leaving_a_terminal_status_clears_completed_at() -> None:
    task = a_task(S.FAILED, completed_at=3)
    assert transition(task, S.QUEUED, A.ADMIN, now=4).completed_at is None


def test_a_refusal_names_what_the_actor_may_do_instead() -> None:
    with pytest.raises(IllegalTransition) as refused:
        transition(a_task(S.QUEUED), S.COMPLETED, A.AGENT, now=1)
    assert refused.value.details["allowed"] == []
    assert "allowed for agent: nothing" in refused.value.message
