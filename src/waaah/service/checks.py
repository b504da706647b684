"""Checks: the one write path for the runs of a task's verify commands, and the reads of them and of
the merge queue."""

from __future__ import annotations

from dataclasses import dataclass

from waaah.domain.checks import STAGES, VERIFY_MAX_CHARS, Check, check_json, is_commit, latest, tail
from waaah.domain.lifecycle import TERMINAL
from waaah.domain.merge_queue import QUEUED_STATUSES, merge_queues
from waaah.domain.views import JSON
from waaah.errors import BadRequest, Conflict
from waaah.service.core import Core, need_task
from waaah.service.unit import UnitOfWork
from waaah.service.work import check_holder
from waaah.store.base import Store, TaskQuery


@dataclass(frozen=True)
class NewCheck:
    """One run of a verify command as the runner reports it; `ran_at` None means now."""

    stage: str
    command: str
    exit_code: int
    duration_ms: int
    output: str
    commit: str
    agent_id: str | None = None
    ran_at: int | None = None


def check_new(check: NewCheck) -> None:
    problems = {
        "stage": None if check.stage in STAGES else f"must be one of {', '.join(STAGES)}",
        "command": None if check.command.strip() and len(check.command) <= VERIFY_MAX_CHARS
        else f"must be a non-empty command of at most {VERIFY_MAX_CHARS} characters",
        "durationMs": None if check.duration_ms >= 0 else "must not be negative",
        "commit": None if is_commit(check.commit) else "must be a full 40-character lowercase hex git sha",
        "ranAt": None if check.ran_at is None or check.ran_at >= 0 else "must be epoch milliseconds",
    }
    for name, problem in problems.items():
        if problem:
            raise BadRequest(f"{name}: {problem}", field=name)


class CheckOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def add(self, task_id: str, new: NewCheck) -> Check:
        """Record a check on an unfinished task (as its holder when `agent_id` is given); the output
        keeps its tail. One `task:updated` event with the task's new `checks`."""
        check_new(new)

        async def op(uow: UnitOfWork) -> Check:
            task = await need_task(uow.tx, task_id)
            if task.status in TERMINAL:
                raise Conflict(f"Task {task_id} is {task.status.value}: it takes no more checks",
                               currentStatus=task.status.value)
            if new.agent_id is not None:
                check_holder(task, new.agent_id)
            output, truncated = tail(new.output)
            check = Check(Check.new_id(uow.now), task.id, new.stage, new.command, new.exit_code, new.duration_ms,
                          output, truncated, new.commit, uow.now if new.ran_at is None else new.ran_at, uow.now,
                          new.agent_id)
            await uow.add_check(task, check)
            return check

        return await self.core.write(op)


async def read_checks(store: Store, task_id: str) -> JSON:
    async with store.read() as tx:
        await need_task(tx, task_id)
        return {"checks": [check_json(c) for c in await tx.checks(task_id)]}


async def read_merge_queue(store: Store, workspace: str | None) -> JSON:
    async with store.read() as tx:
        found, _ = await tx.find_tasks(TaskQuery(statuses=QUEUED_STATUSES, limit=None, counted=False))
        approved = [t for t in found if t.approved_at is not None]
        merge_checks = {t.id: c for t in approved if (c := latest(await tx.checks(t.id), "merge")) is not None}
    return {"queues": merge_queues(approved, merge_checks, workspace)}
